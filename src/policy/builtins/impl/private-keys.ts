/**
 * crypto.parse_private_keys as OPA's builtinCryptoParsePrivateKeys: the input (PEM text, or base64
 * of it as a whole) is read block by block as Go's pem.Decode does, "RSA PRIVATE KEY" and "PRIVATE
 * KEY" blocks are parsed as Go's x509 does, and each key is returned as Go's encoding/json marshals
 * the key type. Answered: two-prime RSA keys whose every field is consistent (for those every Go
 * release since 1.20 marshals the same *rsa.PrivateKey JSON), ECDSA keys on the NIST curves
 * (`EC PRIVATE KEY` or PKCS#8; *ecdsa.PrivateKey as Go 1.25 marshals it, see x509/ec-private-key.ts)
 * and Ed25519 keys (ed25519.PrivateKey, a []byte, so a base64 string). Other key types (X25519, ...)
 * and RSA keys Go releases treat differently stop the evaluation (NotExactError) rather than answer
 * differently.
 */
import { createPrivateKey } from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asString, fail, notExact, type JsonObject, type JsonValue } from '../value.js';
import { integerResult } from './units.js';
import { derChildren, readDer, type Der } from './der.js';
import { ecPrivateKeyJson, pkcs8CurveOid } from './x509/ec-private-key.js';

const NAME = 'crypto.parse_private_keys';

/** Go's base64.StdEncoding.DecodeString: padding required, CR and LF ignored, nothing else. */
export function goBase64(bytes: Buffer): Buffer | undefined {
  const text = bytes.toString('latin1').replace(/[\r\n]/g, '');
  if (text.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Go's pem getLine: up to the next LF, trailing spaces, tabs and CRs trimmed. */
function getLine(data: Buffer): [Buffer, Buffer] {
  const i = data.indexOf(0x0a);
  const [line, rest] = i < 0 ? [data, data.subarray(data.length)] : [data.subarray(0, i), data.subarray(i + 1)];
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x09 || line[end - 1] === 0x0d)) end--;
  return [line.subarray(0, end), rest];
}

export interface PemBlock {
  type: string;
  bytes: Buffer;
}

const PEM_START = Buffer.from('\n-----BEGIN ', 'latin1');
const PEM_END = Buffer.from('\n-----END ', 'latin1');
const DASHES = Buffer.from('-----', 'latin1');

function endsWith(data: Buffer, suffix: Buffer): boolean {
  return data.length >= suffix.length && data.subarray(data.length - suffix.length).equals(suffix);
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}

type Attempt = { block: PemBlock; rest: Buffer } | { skipTo: Buffer } | 'none';

/**
 * The block that begins right after "-----BEGIN ", as Go's pem.Decode reads it: where Go gives up on
 * this one and searches on (`skipTo`, from where Go's `rest` stood), or gives up altogether ('none').
 */
function blockAt(afterBegin: Buffer): Attempt {
  let [typeLine, rest] = getLine(afterBegin);
  const skip = (): Attempt => ({ skipTo: rest });
  if (!endsWith(typeLine, DASHES)) return skip();
  typeLine = typeLine.subarray(0, typeLine.length - DASHES.length);
  let headers = 0;
  for (;;) {
    if (rest.length === 0) return 'none';
    const [line, next] = getLine(rest);
    if (line.indexOf(0x3a) < 0) break;
    headers++;
    rest = next;
  }
  let endIndex: number;
  let endTrailerIndex: number;
  if (headers === 0 && startsWith(rest, PEM_END.subarray(1))) {
    endIndex = 0;
    endTrailerIndex = PEM_END.length - 1;
  } else {
    endIndex = rest.indexOf(PEM_END);
    endTrailerIndex = endIndex + PEM_END.length;
  }
  if (endIndex < 0) return skip();
  const trailer = rest.subarray(endTrailerIndex);
  const trailerLen = typeLine.length + DASHES.length;
  if (trailer.length < trailerLen) return skip();
  const endLine = trailer.subarray(0, trailerLen);
  if (!startsWith(endLine, typeLine) || !endsWith(endLine, DASHES)) return skip();
  if (getLine(trailer.subarray(trailerLen))[0].length !== 0) return skip();
  const body = Buffer.from(rest.subarray(0, endIndex).filter((b) => b !== 0x20 && b !== 0x09));
  const bytes = goBase64(body);
  if (bytes === undefined) return skip();
  return { block: { type: typeLine.toString('latin1'), bytes }, rest: getLine(rest.subarray(endIndex + PEM_END.length - 1))[1] };
}

/** Go's pem.Decode: the first well-formed block anywhere in data, and what follows it. */
export function pemDecode(data: Buffer): { block: PemBlock; rest: Buffer } | undefined {
  let rest = data;
  for (;;) {
    if (startsWith(rest, PEM_START.subarray(1))) rest = rest.subarray(PEM_START.length - 1);
    else {
      const at = rest.indexOf(PEM_START);
      if (at < 0) return undefined;
      rest = rest.subarray(at + PEM_START.length);
    }
    const found = blockAt(rest);
    if (found === 'none') return undefined;
    if ('block' in found) return found;
    rest = found.skipTo;
  }
}

/** A whole buffer holding exactly one SEQUENCE, as its children. */
function sequenceOf(der: Buffer, what: string): Der[] {
  const outer = readDer(der, 0, NAME);
  if (outer.tag !== 0x30) fail(`x509: failed to parse ${what}`);
  if (outer.end !== der.length) notExact(NAME, `trailing data after a ${what}`);
  return derChildren(outer.content, NAME);
}

/** A non-negative DER INTEGER in minimal form; anything else is not answered. */
function positiveInteger(el: Der | undefined): bigint {
  if (el === undefined || el.tag !== 0x02 || el.content.length === 0) notExact(NAME, 'an RSA key field that is not an INTEGER');
  const c = el.content;
  if (c[0]! & 0x80) notExact(NAME, 'a negative RSA key field');
  if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) notExact(NAME, 'a non-minimal INTEGER');
  return BigInt(`0x${c.toString('hex')}`);
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1] = [m, ((a % m) + m) % m];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return r0 === 1n ? ((t0 % m) + m) % m : undefined;
}

/**
 * Only keys every Go release treats alike: two primes, 1024 bits or more (Go 1.24 refuses smaller
 * ones), a small odd exponent, and stored CRT values equal to those Go computes (Go 1.24 keeps the
 * stored ones, earlier releases recompute them).
 */
function checkConsistent(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint, dp: bigint, dq: bigint, qinv: bigint): void {
  if (bitLength(n) < 1024) notExact(NAME, 'an RSA key shorter than 1024 bits');
  if (e < 3n || e > 0x7fffffffn || e % 2n === 0n) notExact(NAME, 'an RSA key with an unusual public exponent');
  if (p < 2n || q < 2n || p * q !== n) notExact(NAME, 'an RSA key whose primes do not multiply to its modulus');
  if ((d * e) % (p - 1n) !== 1n || (d * e) % (q - 1n) !== 1n) notExact(NAME, 'an RSA key whose exponents do not match');
  if (d >= n || p.toString(2).length !== q.toString(2).length) notExact(NAME, 'an RSA key of an unusual shape');
  // Go 1.24 refuses these (even modulus, |p - q| or d too small); earlier releases accept them.
  const half = Math.floor(bitLength(n) / 2);
  const gap = p > q ? p - q : q - p;
  if (n % 2n === 0n || bitLength(gap) <= half - 100 || bitLength(d) <= half) notExact(NAME, 'an RSA key Go releases disagree on');
  if (dp !== d % (p - 1n) || dq !== d % (q - 1n) || qinv !== modInverse(q, p)) {
    notExact(NAME, 'an RSA key whose stored CRT values differ from the computed ones');
  }
}

/** Go's x509.ParsePKCS1PrivateKey, marshalled as encoding/json marshals *rsa.PrivateKey. */
export function rsaKeyJson(der: Buffer): JsonObject {
  const fields = sequenceOf(der, 'RSA private key');
  if (fields.length !== 9) notExact(NAME, 'a multi-prime or malformed RSA key');
  const version = positiveInteger(fields[0]);
  if (version !== 0n) notExact(NAME, `an RSA key of version ${version}`);
  const [n, e, d, p, q, dp, dq, qinv] = fields.slice(1).map(positiveInteger) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  checkConsistent(n, e, d, p, q, dp, dq, qinv);
  const int = (v: bigint): JsonValue => integerResult(v) as JsonValue;
  // PublicKey is embedded, so N and E are promoted; big.Int marshals as a JSON number; CRTValues is
  // the empty (non-nil) slice Precompute leaves for a two-prime key; unexported fields are omitted.
  return {
    N: int(n),
    E: int(e),
    D: int(d),
    Primes: [int(p), int(q)],
    Precomputed: { Dp: int(dp), Dq: int(dq), Qinv: int(qinv), CRTValues: [] },
  };
}

const OID_RSA = Buffer.from('2a864886f70d010101', 'hex');
const OID_ED25519 = Buffer.from('2b6570', 'hex');
const OID_EC_PUBLIC_KEY = Buffer.from('2a8648ce3d0201', 'hex');
/** A minimal PKCS#8 wrapper of an Ed25519 seed, for node to derive the public key from. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Go's x509.ParsePKCS8PrivateKey, for RSA, ECDSA (P-224 to P-521) and Ed25519 keys only. */
export function pkcs8KeyJson(der: Buffer): JsonValue {
  const fields = sequenceOf(der, 'PKCS#8 private key');
  if (fields.length !== 3) notExact(NAME, 'a PKCS#8 key with attributes or a public key');
  const [version, algo, key] = fields as [Der, Der, Der];
  if (version.tag !== 0x02 || !version.content.equals(Buffer.from([0]))) notExact(NAME, 'a PKCS#8 key of another version');
  if (algo.tag !== 0x30 || key.tag !== 0x04) fail('x509: failed to parse PKCS#8 private key');
  const [oid, params] = derChildren(algo.content, NAME);
  if (oid === undefined || oid.tag !== 0x06) fail('x509: failed to parse PKCS#8 private key');
  if (oid.content.equals(OID_ED25519)) return ed25519KeyJson(params, key.content);
  // Go reads the parameters as the named curve's OID, or as none when they are not one.
  if (oid.content.equals(OID_EC_PUBLIC_KEY)) return ecPrivateKeyJson(key.content, pkcs8CurveOid(params), NAME).json;
  if (!oid.content.equals(OID_RSA)) notExact(NAME, 'a private key that is neither RSA, ECDSA nor Ed25519');
  if (params !== undefined && !(params.tag === 0x05 && params.content.length === 0)) notExact(NAME, 'RSA algorithm parameters');
  return rsaKeyJson(key.content);
}

/**
 * Go's Ed25519 branch of ParsePKCS8PrivateKey: no parameters, an OCTET STRING holding the 32-byte
 * seed, the key being ed25519.NewKeyFromSeed (seed then public key), a []byte that encoding/json
 * marshals as standard base64.
 */
function ed25519KeyJson(params: Der | undefined, wrapped: Buffer): string {
  if (params !== undefined) fail('x509: invalid Ed25519 private key parameters');
  const inner = readDer(wrapped, 0, NAME);
  if (inner.tag !== 0x04) fail('x509: invalid Ed25519 private key');
  if (inner.end !== wrapped.length) notExact(NAME, 'trailing data after an Ed25519 seed');
  if (inner.content.length !== 32) fail(`x509: invalid Ed25519 private key length: ${inner.content.length}`);
  const jwk = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, inner.content]), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  return Buffer.concat([inner.content, Buffer.from(jwk.x!, 'base64url')]).toString('base64');
}

/** OPA's getPrivateKeysFromPEMData: blocks of other types are skipped; it stops at the first non-block. */
function parsePrivateKeys(input: unknown): JsonValue {
  const text = asString(input, 'operand 1');
  if (text === '') return null;
  let data: Buffer = Buffer.from(text, 'utf8');
  data = goBase64(data) ?? data;
  const keys: JsonValue[] = [];
  while (data.length > 0) {
    const found = pemDecode(data);
    if (found === undefined) break;
    data = found.rest;
    if (found.block.type === 'RSA PRIVATE KEY') keys.push(rsaKeyJson(found.block.bytes));
    else if (found.block.type === 'PRIVATE KEY') keys.push(pkcs8KeyJson(found.block.bytes));
    else if (found.block.type === 'EC PRIVATE KEY') keys.push(ecPrivateKeyJson(found.block.bytes, undefined, NAME).json);
  }
  return keys;
}

export const privateKeyBuiltins: Readonly<Record<string, HostImplementation>> = {
  [NAME]: parsePrivateKeys,
};
