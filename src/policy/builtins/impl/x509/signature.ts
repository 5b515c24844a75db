/**
 * x509's signature algorithms: getSignatureAlgorithmFromAI (the x509.SignatureAlgorithm number a
 * certificate reports) and checkSignature as CheckSignatureFrom calls it (SHA-1 and MD5 refused,
 * RSA keys under 1024 bits refused as Go 1.24+ does, PSS salt equal to the hash length).
 */
import { constants, verify } from 'node:crypto';
import { fail, notExact } from '../../value.js';
import type { Der } from '../der.js';
import { DerCursor, oidEquals, parseOid, readInt, readOid } from './asn1.js';
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

/** The three RSASSA-PSS buckets Go accepts: the hash, its OID, the salt length it requires. */
const PSS: { algo: number; hash: string; oid: number[]; salt: number }[] = [
  { algo: 13, hash: 'sha256', oid: [2, 16, 840, 1, 101, 3, 4, 2, 1], salt: 32 },
  { algo: 14, hash: 'sha384', oid: [2, 16, 840, 1, 101, 3, 4, 2, 2], salt: 48 },
  { algo: 15, hash: 'sha512', oid: [2, 16, 840, 1, 101, 3, 4, 2, 3], salt: 64 },
];

const OID_MGF1 = pkcs1(8);

/** An AlgorithmIdentifier's OID and whether its parameters are absent or NULL (what Go allows here). */
function plainAlgorithm(el: Der | undefined, builtin: string): number[] | undefined {
  if (el === undefined || el.tag !== 0x30) return undefined;
  const f = new DerCursor(el.content, builtin);
  if (!f.peek(0x06)) return undefined;
  const oid = parseOid(f.next('').content);
  if (f.empty()) return oid;
  const params = f.next('');
  return params.tag === 0x05 && params.content.length === 0 ? oid : undefined;
}

/** The single element an EXPLICIT tag wraps. */
function explicitInner(el: Der | undefined, builtin: string): Der | undefined {
  if (el === undefined) return undefined;
  const f = new DerCursor(el.content, builtin);
  return f.empty() ? undefined : f.next('');
}

/**
 * getSignatureAlgorithmFromAI for RSASSA-PSS: pssParameters (hash [0], MGF [1], salt [2], trailer
 * [3] default 1) read as encoding/asn1 reads them; Go maps only MGF1 over the same hash, no hash
 * parameters but NULL, trailer 1 and salt equal to the hash length, and gives Unknown (0) for the
 * rest (including parameters that do not parse).
 */
function pssAlgorithm(params: Der | undefined, builtin: string): number {
  try {
    if (params === undefined || params.tag !== 0x30) return 0;
    const f = new DerCursor(params.content, builtin);
    const hash = plainAlgorithm(explicitInner(f.read(0xa0, ''), builtin), builtin);
    const mgf = explicitInner(f.read(0xa1, ''), builtin);
    const salt = readInt(explicitInner(f.read(0xa2, ''), builtin) ?? fail(''), '');
    const trailer = f.peek(0xa3) ? readInt(explicitInner(f.next(''), builtin) ?? fail(''), '') : 1;
    if (!hash || mgf === undefined || mgf.tag !== 0x30 || trailer !== 1) return 0;
    const m = new DerCursor(mgf.content, builtin);
    const mgfOid = parseOid(m.read(0x06, '').content);
    const mgfHash = plainAlgorithm(m.empty() ? undefined : m.next(''), builtin);
    if (!mgfOid || !oidEquals(mgfOid, OID_MGF1) || !mgfHash || !oidEquals(mgfHash, hash)) return 0;
    return PSS.find((p) => oidEquals(p.oid, hash) && p.salt === salt)?.algo ?? 0;
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    return 0;
  }
}

/** getSignatureAlgorithmFromAI over an AlgorithmIdentifier SEQUENCE. */
export function signatureAlgorithm(ai: Der, builtin: string): number {
  const fields = new DerCursor(ai.content, builtin);
  const oid = readOid(fields.next('x509: malformed OID'), 'x509: malformed OID');
  const params = fields.empty() ? undefined : fields.next('x509: malformed parameters');
  if (oidEquals(oid, OID_PSS)) return pssAlgorithm(params, builtin);
  if (oidEquals(oid, [1, 3, 101, 112]) && params !== undefined) return 0;
  return DETAILS.find((d) => oidEquals(d.oid, oid))?.algo ?? 0;
}

/**
 * checkSignature(algo, signed, signature, parent key, allowSHA1=false): whether Go accepts the
 * signature. An RSA key with an exponent Go's FIPS checks might treat differently stops.
 * (RSASSA-PSS parameters are matched at parse time, so the salt here is the hash length.)
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
      const saltLength = pss?.salt;
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
