/**
 * x509's parsePublicKey for certificates and requests, and encoding/json's form of the key Go
 * returns: *rsa.PublicKey {N, E}, *ecdsa.PublicKey {Curve: {} (a nistCurve has only unexported
 * fields), X, Y}, ed25519.PublicKey (a []byte, so base64), *dsa.PublicKey {P, Q, G, Y}. A key
 * algorithm Go 1.25 does not know gives algorithm 0 and a null key, as in Go; those later Go
 * releases parse stop the evaluation.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fail, notExact, type JsonValue } from '../../value.js';
import { integerResult } from '../units.js';
import { readDer, type Der } from '../der.js';
import { DerCursor, TAG, oidEquals, readBigInteger, readBitString, readInt, readOid, rightAligned, parseOid } from './asn1.js';

export const PUBLIC_KEY_ALGORITHM = { Unknown: 0, RSA: 1, DSA: 2, ECDSA: 3, Ed25519: 4 } as const;

const OID_RSA = [1, 2, 840, 113549, 1, 1, 1];
const OID_DSA = [1, 2, 840, 10040, 4, 1];
const OID_EC = [1, 2, 840, 10045, 2, 1];
const OID_ED25519 = [1, 3, 101, 112];

const CURVES: { oid: number[]; name: string; size: number }[] = [
  { oid: [1, 3, 132, 0, 33], name: 'P-224', size: 28 },
  { oid: [1, 2, 840, 10045, 3, 1, 7], name: 'P-256', size: 32 },
  { oid: [1, 3, 132, 0, 34], name: 'P-384', size: 48 },
  { oid: [1, 3, 132, 0, 35], name: 'P-521', size: 66 },
];

export interface PublicKey {
  algorithm: number;
  json: JsonValue;
  /** node's key, for signature checks; absent for DSA (Go verifies no DSA signature). */
  key?: KeyObject;
  rsaBits?: number;
  rsaExponent?: number;
  rsaEvenModulus?: boolean;
}

const big = (v: bigint): JsonValue => integerResult(v) as JsonValue;

/** The SubjectPublicKeyInfo element (its raw bytes give node's key). */
export function parsePublicKey(spki: Der, builtin: string): PublicKey {
  if (spki.tag !== TAG.SEQUENCE) fail('x509: malformed spki');
  const fields = new DerCursor(spki.content, builtin);
  const ai = new DerCursor(fields.read(TAG.SEQUENCE, 'x509: malformed public key algorithm identifier').content, builtin);
  const oid = readOid(ai.next('x509: malformed OID'), 'x509: malformed OID');
  const params = ai.empty() ? undefined : ai.next('x509: malformed parameters');
  const bits = readBitString(fields.next('x509: malformed subjectPublicKey'), 'x509: malformed subjectPublicKey');
  const data = () => rightAligned(bits, builtin);
  if (oidEquals(oid, OID_RSA)) return rsaKey(params, data(), spki, builtin);
  if (oidEquals(oid, OID_EC)) return ecKey(params, data(), spki, builtin);
  if (oidEquals(oid, OID_ED25519)) {
    if (params !== undefined) fail('x509: Ed25519 key encoded with illegal parameters');
    if (data().length !== 32) fail('x509: wrong Ed25519 public key size');
    return { algorithm: PUBLIC_KEY_ALGORITHM.Ed25519, json: data().toString('base64'), key: createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }) };
  }
  if (oidEquals(oid, OID_DSA)) return dsaKey(params, data(), builtin);
  // Go releases after 1.25 parse these (X25519, X448, Ed448, ML-DSA, ML-KEM): not answered.
  const dotted = oid.join('.');
  if (LATER_GO_KEY_OIDS.has(dotted)) return notExact(builtin, `a public key of algorithm ${dotted}`);
  // Go 1.25 keeps a certificate with a key algorithm it does not know: UnknownPublicKeyAlgorithm, nil key.
  return { algorithm: PUBLIC_KEY_ALGORITHM.Unknown, json: null };
}

const LATER_GO_KEY_OIDS = new Set([
  '1.3.101.110', '1.3.101.111', '1.3.101.113',
  '2.16.840.1.101.3.4.3.17', '2.16.840.1.101.3.4.3.18', '2.16.840.1.101.3.4.3.19',
  '2.16.840.1.101.3.4.4.1', '2.16.840.1.101.3.4.4.2', '2.16.840.1.101.3.4.4.3',
]);

function rsaKey(params: Der | undefined, data: Buffer, spki: Der, builtin: string): PublicKey {
  if (params === undefined || params.tag !== TAG.NULL || params.content.length !== 0) fail('x509: RSA key missing NULL parameters');
  const outer = readDer(data, 0, builtin);
  if (outer.tag !== TAG.SEQUENCE) fail('x509: invalid RSA public key');
  const seq = new DerCursor(outer.content, builtin);
  const n = readBigInteger(seq.next('x509: invalid RSA modulus'), 'x509: invalid RSA modulus');
  const e = readInt(seq.next('x509: invalid RSA public exponent'), 'x509: invalid RSA public exponent');
  if (n <= 0n) fail('x509: RSA modulus is not a positive number');
  if (e <= 0) fail('x509: RSA public exponent is not a positive number');
  if (e > 0x7fffffff) notExact(builtin, 'an RSA public exponent beyond 2^31');
  let key: KeyObject | undefined;
  try {
    key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  } catch {
    key = undefined;
  }
  return { algorithm: PUBLIC_KEY_ALGORITHM.RSA, json: { N: big(n), E: e }, key, rsaBits: n.toString(2).length, rsaExponent: e, rsaEvenModulus: n % 2n === 0n };
}

function ecKey(params: Der | undefined, data: Buffer, spki: Der, builtin: string): PublicKey {
  const curveOid = params && params.tag === TAG.OID ? parseOid(params.content) : undefined;
  if (!curveOid) fail('x509: invalid ECDSA parameters');
  const curve = CURVES.find((c) => oidEquals(c.oid, curveOid));
  if (!curve) fail('x509: unsupported elliptic curve');
  // ecdsa.ParseUncompressedPublicKey: only the uncompressed form of a point on the curve.
  if (data.length !== 1 + 2 * curve.size || data[0] !== 4) fail('ecdsa: invalid public key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  } catch {
    fail('ecdsa: invalid public key');
  }
  const x = BigInt(`0x${data.subarray(1, 1 + curve.size).toString('hex')}`);
  const y = BigInt(`0x${data.subarray(1 + curve.size).toString('hex')}`);
  return { algorithm: PUBLIC_KEY_ALGORITHM.ECDSA, json: { Curve: {}, X: big(x), Y: big(y) }, key };
}

function dsaKey(params: Der | undefined, data: Buffer, builtin: string): PublicKey {
  const y = readBigInteger(readDer(data, 0, builtin), 'x509: invalid DSA public key');
  if (params === undefined || params.tag !== TAG.SEQUENCE) fail('x509: invalid DSA parameters');
  const p = new DerCursor(params.content, builtin);
  const [P, Q, G] = [0, 1, 2].map(() => readBigInteger(p.next('x509: invalid DSA parameters'), 'x509: invalid DSA parameters')) as [bigint, bigint, bigint];
  if (y <= 0n || P <= 0n || Q <= 0n || G <= 0n) fail('x509: zero or negative DSA parameter');
  return { algorithm: PUBLIC_KEY_ALGORITHM.DSA, json: { P: big(P), Q: big(Q), G: big(G), Y: big(y) } };
}
