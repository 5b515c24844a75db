/**
 * x509's signature algorithms: getSignatureAlgorithmFromAI (the x509.SignatureAlgorithm number a
 * certificate reports) and checkSignature as CheckSignatureFrom calls it (SHA-1 and MD5 refused,
 * RSA keys under 1024 bits refused as Go 1.24+ does, PSS salt equal to the hash length).
 */
import { constants, verify } from 'node:crypto';
import { fail, notExact } from '../../value.js';
import type { Der } from '../der.js';
import { DerCursor, oidEquals, readOid } from './asn1.js';
import { PUBLIC_KEY_ALGORITHM, type PublicKey } from './public-key.js';

interface Details {
  algo: number;
  oid: number[];
  keyAlgo: number;
  hash: string | null;
}

const { RSA, DSA, ECDSA, Ed25519 } = PUBLIC_KEY_ALGORITHM;
const pkcs1 = (n: number): number[] => [1, 2, 840, 113549, 1, 1, n];

/** signatureAlgorithmDetails (x509.go): algorithm number, OID, key algorithm, hash. */
const DETAILS: Details[] = [
  { algo: 1, oid: pkcs1(2), keyAlgo: RSA, hash: null },
  { algo: 2, oid: pkcs1(4), keyAlgo: RSA, hash: 'md5' },
  { algo: 3, oid: pkcs1(5), keyAlgo: RSA, hash: 'sha1' },
  { algo: 3, oid: [1, 3, 14, 3, 2, 29], keyAlgo: RSA, hash: 'sha1' },
  { algo: 4, oid: pkcs1(11), keyAlgo: RSA, hash: 'sha256' },
  { algo: 5, oid: pkcs1(12), keyAlgo: RSA, hash: 'sha384' },
  { algo: 6, oid: pkcs1(13), keyAlgo: RSA, hash: 'sha512' },
  { algo: 7, oid: [1, 2, 840, 10040, 4, 3], keyAlgo: DSA, hash: 'sha1' },
  { algo: 8, oid: [2, 16, 840, 1, 101, 3, 4, 3, 2], keyAlgo: DSA, hash: 'sha256' },
  { algo: 9, oid: [1, 2, 840, 10045, 4, 1], keyAlgo: ECDSA, hash: 'sha1' },
  { algo: 10, oid: [1, 2, 840, 10045, 4, 3, 2], keyAlgo: ECDSA, hash: 'sha256' },
  { algo: 11, oid: [1, 2, 840, 10045, 4, 3, 3], keyAlgo: ECDSA, hash: 'sha384' },
  { algo: 12, oid: [1, 2, 840, 10045, 4, 3, 4], keyAlgo: ECDSA, hash: 'sha512' },
  { algo: 16, oid: [1, 3, 101, 112], keyAlgo: Ed25519, hash: null },
];

const OID_PSS = pkcs1(10);

/**
 * The RSASSA-PSS parameters Go itself writes (rsaPSSParameters): hash with NULL parameters, MGF1
 * over the same hash, salt the hash length. Go also accepts a few other spellings of the same three
 * choices; those stop the evaluation rather than be re-derived.
 */
const PSS: { algo: number; hash: string; params: string }[] = [
  { algo: 13, hash: 'sha256', params: '3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120' },
  { algo: 14, hash: 'sha384', params: '3034a00f300d06096086480165030402020500a11c301a06092a864886f70d010108300d06096086480165030402020500a203020130' },
  { algo: 15, hash: 'sha512', params: '3034a00f300d06096086480165030402030500a11c301a06092a864886f70d010108300d06096086480165030402030500a203020140' },
];

/** getSignatureAlgorithmFromAI over an AlgorithmIdentifier SEQUENCE. */
export function signatureAlgorithm(ai: Der, builtin: string): number {
  const fields = new DerCursor(ai.content, builtin);
  const oid = readOid(fields.next('x509: malformed OID'), 'x509: malformed OID');
  const params = fields.empty() ? undefined : fields.next('x509: malformed parameters');
  if (oidEquals(oid, OID_PSS)) {
    const match = PSS.find((p) => params !== undefined && params.raw.toString('hex') === p.params);
    if (!match) notExact(builtin, 'RSASSA-PSS parameters other than those Go writes');
    return match.algo;
  }
  if (oidEquals(oid, [1, 3, 101, 112]) && params !== undefined) return 0;
  return DETAILS.find((d) => oidEquals(d.oid, oid))?.algo ?? 0;
}

/**
 * checkSignature(algo, signed, signature, parent key, allowSHA1=false): whether Go accepts the
 * signature. An RSA key with an exponent Go's FIPS checks might treat differently stops.
 */
export function signatureValid(algo: number, signed: Buffer, signature: Buffer, key: PublicKey, builtin: string): boolean {
  const pss = PSS.find((p) => p.algo === algo);
  const details = pss ? { algo, oid: OID_PSS, keyAlgo: RSA, hash: pss.hash } : DETAILS.find((d) => d.algo === algo);
  if (!details) return false;
  if (details.hash === null && details.keyAlgo !== Ed25519) return false;
  if (details.hash === 'md5' || details.hash === 'sha1') return false;
  if (key.algorithm !== details.keyAlgo || key.key === undefined) return false;
  try {
    if (key.algorithm === RSA) {
      if (key.rsaExponent! < 3 || key.rsaExponent! % 2 === 0) notExact(builtin, 'an RSA key with an unusual public exponent');
      // Go 1.24+ crypto/rsa: keys under 1024 bits and even moduli are verification errors.
      if (key.rsaBits! < 1024 || key.rsaEvenModulus) return false;
      if (signature.length !== Math.ceil(key.rsaBits! / 8)) return false;
      const padding = pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
      const saltLength = pss ? { sha256: 32, sha384: 48, sha512: 64 }[pss.hash as 'sha256'] : undefined;
      return verify(details.hash, signed, { key: key.key, padding, saltLength }, signature);
    }
    if (key.algorithm === ECDSA) return verify(details.hash, signed, { key: key.key, dsaEncoding: 'der' }, signature);
    if (key.algorithm === Ed25519) return verify(null, signed, key.key, signature);
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    return false;
  }
  return fail('x509: unsupported key');
}
