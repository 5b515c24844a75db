/**
 * io.jwt.* built-ins following OPA's topdown/tokens.go. The SDK calls built-ins synchronously, and
 * jose's sign/verify are asynchronous (WebCrypto), so the JWS primitives use node:crypto directly;
 * keys come from PEM certificates, PEM public keys, or JWK / JWK sets (node:crypto imports JWK).
 */
import {
  X509Certificate,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  constants,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asObject, asString, fail, goJsonMarshal, isObject, type JsonObject, type JsonValue } from '../value.js';
import { base64UrlDecode, base64UrlEncodeNoPad } from './encoding.js';

const ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA']);

interface Token {
  header: string;
  payload: string;
  signature: string;
}

interface VerificationKey {
  key: KeyObject | Buffer;
  alg: string;
  kid: string;
}

function splitToken(value: unknown): Token {
  const s = asString(value, 'operand 1');
  if (!s.includes('.')) fail('encoded JWT had no period separators');
  const parts = s.split('.');
  if (parts.length !== 3) fail(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('invalid JSON');
  }
  if (!isObject(value)) fail('decoded JSON type was not an Object');
  return value;
}

function decodeHeader(token: Token): JsonObject {
  const header = parseJsonObject(base64UrlDecode(token.header).toString('utf8'));
  if (header.enc !== undefined) fail('JWT is a JWE object, which is not supported');
  return header;
}

function hashFor(alg: string): string {
  return `sha${alg.slice(2)}`;
}

/** Verifies a JWS signature for `alg` with a key; any mismatch of key type and algorithm is "not verified". */
function verifySignature(key: KeyObject | Buffer, alg: string, data: Buffer, signature: Buffer): boolean {
  try {
    if (alg.startsWith('HS')) {
      const secret = Buffer.isBuffer(key) ? key : key.type === 'secret' ? key.export() : undefined;
      if (secret === undefined) return false;
      const mac = createHmac(hashFor(alg), secret).update(data).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (Buffer.isBuffer(key) || key.type === 'secret') return false;
    const kind = key.asymmetricKeyType;
    if (alg.startsWith('RS') && kind === 'rsa') return cryptoVerify(hashFor(alg), data, key, signature);
    if (alg.startsWith('PS') && (kind === 'rsa' || kind === 'rsa-pss')) {
      return cryptoVerify(hashFor(alg), data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
    }
    if (alg.startsWith('ES') && kind === 'ec') return cryptoVerify(hashFor(alg), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (alg === 'EdDSA' && kind === 'ed25519') return cryptoVerify(null, data, key, signature);
    return false;
  } catch {
    return false;
  }
}

function jwkToKey(jwk: JsonObject, isPrivate: boolean): KeyObject | Buffer {
  if (jwk.kty === 'oct') return base64UrlDecode(asString(jwk.k, 'jwk k'));
  const input = { key: jwk as Record<string, unknown> as import('node:crypto').JsonWebKey, format: 'jwk' as const };
  return isPrivate ? createPrivateKey(input) : createPublicKey(input);
}

/** A JWK or a JWK set, as lestrrat-go/jwx's jwk.Parse accepts it. */
function parseJwks(text: string): JsonObject[] {
  const parsed = parseJsonObject(text);
  if (Array.isArray(parsed.keys)) return parsed.keys.map((k) => asObject(k, 'jwk'));
  if (typeof parsed.kty !== 'string') fail('failed to parse a JWK key (set)');
  return [parsed];
}

/** PEM certificate, PEM public key, or JWK(S): OPA's getKeysFromCertOrJWK. */
function keysFromCertOrJwk(text: string): VerificationKey[] {
  const pem = /-----BEGIN ([A-Z ]+)-----/.exec(text);
  if (pem) {
    const trailing = text.slice(text.indexOf(`-----END ${pem[1]}-----`) + `-----END ${pem[1]}-----`.length);
    if (trailing.trim() !== '') fail('extra data after a PEM certificate block');
    if (pem[1] === 'CERTIFICATE') return [{ key: new X509Certificate(text).publicKey, alg: '', kid: '' }];
    if (pem[1] === 'PUBLIC KEY') return [{ key: createPublicKey(text), alg: '', kid: '' }];
    fail('failed to extract a Key from the PEM certificate');
  }
  const keys: VerificationKey[] = [];
  for (const jwk of parseJwks(text)) {
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    if (alg !== '' && !ALGORITHMS.has(alg)) continue;
    keys.push({ key: jwkToKey(jwk, false), alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return keys;
}

function signingInput(token: Token): Buffer {
  return Buffer.from(`${token.header}.${token.payload}`, 'utf8');
}

/** The shared logic of verify_rs256 and friends: kid match first, else any key whose alg fits. */
function verifyWithKeys(jwt: unknown, keyText: unknown, alg: string): boolean {
  const token = splitToken(jwt);
  const keys = keysFromCertOrJwk(asString(keyText, 'operand 2'));
  const signature = base64UrlDecode(token.signature);
  const header = decodeHeader(token);
  const headerAlg = typeof header.alg === 'string' ? header.alg : '';
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const data = signingInput(token);
  const byKid = kid === '' ? undefined : keys.find((k) => k.kid === kid);
  if (byKid) return verifySignature(byKid.key, alg, data, signature);
  return keys.some((k) => (k.alg === '' || k.alg === headerAlg) && verifySignature(k.key, alg, data, signature));
}

function verifyHmac(jwt: unknown, secret: unknown, alg: string): boolean {
  const key = Buffer.from(asString(secret, 'operand 2'), 'utf8');
  const token = splitToken(asString(jwt, 'operand 1'));
  return verifySignature(key, alg, signingInput(token), base64UrlDecode(token.signature));
}

function decode(jwt: unknown): JsonValue[] {
  const token = splitToken(jwt);
  const header = decodeHeader(token);
  const payloadText = base64UrlDecode(token.payload).toString('utf8');
  if (header.cty === 'JWT') return decode(payloadText.replace(/^["']+|["']+$/g, ''));
  const payload = parseJsonObject(payloadText);
  const signature = base64UrlDecode(token.signature).toString('hex');
  return [header, payload, signature];
}

interface Constraints {
  keys?: VerificationKey[];
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  timeNs: number;
}

function parseConstraints(value: unknown): Constraints {
  const obj = asObject(value, 'operand 2');
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', timeNs: -1 };
  for (const [name, v] of Object.entries(obj)) {
    if (name === 'cert') c.keys = keysFromCertOrJwk(asString(v, 'cert constraint'));
    else if (name === 'secret' || name === 'alg' || name === 'iss' || name === 'aud') c[name] = asString(v, `${name} constraint`);
    else if (name === 'time') {
      if (typeof v !== 'number' && typeof v !== 'bigint') fail('token time constraint: must be a number');
      if (Number(v) < 0) fail('token time constraint: must not be negative');
      c.timeNs = Number(v);
    } else fail(`unknown token validation constraint: ${name}`);
  }
  if (c.timeNs === -1) c.timeNs = Date.now() * 1e6;
  const keyConstraints = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keyConstraints > 1) fail('duplicate key constraints');
  if (keyConstraints < 1) fail('no key constraint');
  return c;
}

interface ParsedHeader {
  alg: string;
  kid: string;
  cty: string;
  valid: boolean;
}

function parseHeaderFields(header: JsonObject): ParsedHeader {
  const known = new Set(['alg', 'kid', 'typ', 'cty', 'crit']);
  for (const name of ['alg', 'kid', 'typ', 'cty']) {
    if (header[name] !== undefined && typeof header[name] !== 'string') fail(`${name}: must be a string`);
  }
  let crit = new Set<string>();
  if (header.crit !== undefined) {
    if (!Array.isArray(header.crit)) fail('crit: must be a list');
    crit = new Set(header.crit.filter((x): x is string => typeof x === 'string'));
    if (crit.size === 0) fail('crit: must be a nonempty list');
  }
  const alg = (header.alg as string | undefined) ?? '';
  const unknownCritical = Object.keys(header).some((k) => !known.has(k) && crit.has(k));
  return { alg, kid: (header.kid as string | undefined) ?? '', cty: (header.cty as string | undefined) ?? '', valid: alg !== '' && !unknownCritical };
}

function constraintsVerify(c: Constraints, header: ParsedHeader, data: Buffer, signature: Buffer): boolean {
  if (c.keys !== undefined) {
    const byKid = header.kid === '' ? undefined : c.keys.find((k) => k.kid === header.kid);
    if (byKid) return verifySignature(byKid.key, header.alg, data, signature);
    return c.keys.some((k) => (k.alg === '' || k.alg === header.alg) && verifySignature(k.key, header.alg, data, signature));
  }
  return ALGORITHMS.has(header.alg) && verifySignature(Buffer.from(c.secret, 'utf8'), header.alg, data, signature);
}

function validAudience(aud: JsonValue, wanted: string): boolean {
  if (typeof aud === 'string') return aud === wanted;
  return Array.isArray(aud) && aud.some((a) => a === wanted);
}

function decodeVerify(jwt: unknown, constraintsValue: unknown): JsonValue[] {
  const unverified: JsonValue[] = [false, {}, {}];
  const c = parseConstraints(constraintsValue);
  let current: unknown = jwt;
  let header: JsonObject;
  let payloadText: string;
  for (;;) {
    const token = splitToken(current);
    header = decodeHeader(token);
    const fields = parseHeaderFields(header);
    if (!fields.valid) return unverified;
    if (c.alg !== '' && c.alg !== fields.alg) return unverified;
    const signature = base64UrlDecode(token.signature);
    if (!constraintsVerify(c, fields, signingInput(token), signature)) return unverified;
    payloadText = base64UrlDecode(token.payload).toString('utf8');
    if (fields.cty.toUpperCase() !== 'JWT') break;
    current = payloadText;
  }
  const payload = parseJsonObject(payloadText);
  if (c.iss !== '' && payload.iss !== c.iss) return unverified;
  if (payload.aud !== undefined) {
    if (!validAudience(payload.aud, c.aud)) return unverified;
  } else if (c.aud !== '') return unverified;
  const nowSeconds = c.timeNs / 1e9;
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') fail('exp value must be a number');
    if (!(nowSeconds < payload.exp)) return unverified;
  }
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') fail('nbf value must be a number');
    if (nowSeconds < payload.nbf) return unverified;
  }
  return [true, header, payload];
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function signJws(key: KeyObject | Buffer, alg: string, data: Buffer): Buffer {
  if (alg.startsWith('HS')) {
    const secret = Buffer.isBuffer(key) ? key : fail('HMAC signing needs an oct key');
    return createHmac(hashFor(alg), secret).update(data).digest();
  }
  if (Buffer.isBuffer(key)) fail(`${alg} signing needs an asymmetric key`);
  if (alg.startsWith('RS')) return cryptoSign(hashFor(alg), data, key);
  if (alg.startsWith('PS')) {
    return cryptoSign(hashFor(alg), data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (alg.startsWith('ES')) return cryptoSign(hashFor(alg), data, { key, dsaEncoding: 'ieee-p1363' });
  return cryptoSign(null, data, key);
}

function encodeSignRaw(headerText: string, payloadText: string, jwkText: string): string {
  const keys = parseJwks(jwkText);
  if (keys.length === 0) fail('no keys found in JWK set');
  const key = jwkToKey(keys[0]!, true);
  const headers = parseJsonObject(headerText);
  const alg = headers.alg;
  if (typeof alg !== 'string') fail("missing or invalid 'alg' header");
  if (!ALGORITHMS.has(alg)) fail(`unknown JWS algorithm: ${alg}`);
  const typ = headers.typ;
  if ((typeof typ !== 'string' || typ === 'JWT') && !isValidJson(payloadText)) fail('type is JWT but payload is not JSON');
  const input = `${base64UrlEncodeNoPad(headerText)}.${base64UrlEncodeNoPad(payloadText)}`;
  return `${input}.${base64UrlEncodeNoPad(signJws(key, alg, Buffer.from(input, 'utf8')))}`;
}

const verifiers = Object.fromEntries(
  ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'].map((alg) => [
    `io.jwt.verify_${alg.toLowerCase()}`,
    (jwt: unknown, key: unknown) => verifyWithKeys(jwt, key, alg),
  ]),
);

export const jwtBuiltins: Readonly<Record<string, HostImplementation>> = {
  ...verifiers,
  'io.jwt.verify_eddsa': (jwt: unknown, key: unknown) => verifyWithKeys(jwt, key, 'EdDSA'),
  'io.jwt.verify_hs256': (jwt: unknown, secret: unknown) => verifyHmac(jwt, secret, 'HS256'),
  'io.jwt.verify_hs384': (jwt: unknown, secret: unknown) => verifyHmac(jwt, secret, 'HS384'),
  'io.jwt.verify_hs512': (jwt: unknown, secret: unknown) => verifyHmac(jwt, secret, 'HS512'),
  'io.jwt.decode': decode,
  'io.jwt.decode_verify': decodeVerify,
  'io.jwt.encode_sign_raw': (header: unknown, payload: unknown, key: unknown) =>
    encodeSignRaw(asString(header, 'operand 1'), asString(payload, 'operand 2'), asString(key, 'operand 3')),
  'io.jwt.encode_sign': (header: unknown, payload: unknown, key: unknown) =>
    encodeSignRaw(goJsonMarshal(asObject(header, 'operand 1')), goJsonMarshal(asObject(payload, 'operand 2')), goJsonMarshal(asObject(key, 'operand 3'))),
};
