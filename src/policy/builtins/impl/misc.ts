/** Hashes and HMAC, semver, uuid, rand, trace and JSON schema built-ins (yaml: see ./yaml). */
import { createHash, createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import semver from 'semver';
import { Ajv, type ErrorObject } from 'ajv';
import type { HostImplementation } from '../types.js';
import { asInteger, asString, fail, isObject, notExact, type JsonValue } from '../value.js';
import { integerResult } from './units.js';

const hash = (algorithm: string) => (s: unknown) => createHash(algorithm).update(asString(s, 'operand 1'), 'utf8').digest('hex');
const hmac = (algorithm: string) => (s: unknown, key: unknown) =>
  createHmac(algorithm, asString(key, 'operand 2')).update(asString(s, 'operand 1'), 'utf8').digest('hex');

/** OPA's semver built-ins accept only strict SemVer 2.0 (no leading "v"). */
function strictSemver(value: unknown, what: string): string {
  const s = asString(value, what);
  if (semver.valid(s) !== s) fail(`${what}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return s;
}

/** Deterministic per seed string within one process, as OPA's rand.intn is within one query. */
const randCache = new Map<string, number>();
const RANDOM_INT_LIMIT = 2 ** 48 - 1;

function randIntn(seed: unknown, n: unknown): number {
  const key = `${asString(seed, 'operand 1')}/${asInteger(n, 'operand 2')}`;
  const bound = Math.abs(asInteger(n, 'operand 2'));
  if (bound === 0) return 0;
  // node's randomInt draws below 2^48 only; OPA draws below any int64.
  if (bound > RANDOM_INT_LIMIT) notExact('rand.intn', `a bound past ${RANDOM_INT_LIMIT}`);
  const cached = randCache.get(key);
  if (cached !== undefined) return cached;
  const value = randomInt(bound);
  if (randCache.size > 10000) randCache.clear();
  randCache.set(key, value);
  return value;
}

const uuidCache = new Map<string, string>();

/** google/uuid's accepted spellings: 36 chars, 38 with any wrapper pair, urn:uuid: prefix, or 32 hex digits. */
function uuidBytes(input: string): Buffer | undefined {
  let s = input;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') s = s.slice(9);
  else if (s.length === 38) s = s.slice(1, 37);
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    s = s.replaceAll('-', '');
  }
  return /^[0-9a-fA-F]{32}$/.test(s) ? Buffer.from(s, 'hex') : undefined;
}

const GREGORIAN_OFFSET = 0x01b21dd213814000n;
const DOMAINS = ['Person', 'Group', 'Org'];

function uuidParse(value: unknown): Record<string, JsonValue> | undefined {
  const bytes = uuidBytes(asString(value, 'operand 1'));
  if (!bytes) return undefined;
  const version = bytes[6]! >> 4;
  const v = bytes[8]!;
  const variant = (v & 0xc0) === 0x80 ? 'RFC4122' : (v & 0xe0) === 0xc0 ? 'Microsoft' : (v & 0xe0) === 0xe0 ? 'Future' : 'Reserved';
  const out: Record<string, JsonValue> = { version, variant };
  if (version === 1 || version === 2) {
    const ticks = (BigInt(bytes.readUInt16BE(6) & 0xfff) << 48n) | (BigInt(bytes.readUInt16BE(4)) << 32n) | BigInt(bytes.readUInt32BE(0));
    out.time = integerResult((ticks - GREGORIAN_OFFSET) * 100n);
    out.clocksequence = bytes.readUInt16BE(8) & 0x3fff;
    const node = bytes.subarray(10, 16);
    out.nodeid = [...node].map((b) => b.toString(16).padStart(2, '0')).join('-');
    out.macvariables = `${node[0]! & 2 ? 'local' : 'global'}:${node[0]! & 1 ? 'multicast' : 'unicast'}`;
  }
  if (version === 2) {
    out.domain = DOMAINS[bytes[9]!] ?? `Domain${bytes[9]}`;
    out.id = bytes.readUInt32BE(0);
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });

function schemaOf(value: unknown): object | boolean {
  if (typeof value === 'string') return JSON.parse(value) as object;
  if (isObject(value) || typeof value === 'boolean') return value as object | boolean;
  return fail('schema must be a JSON string or object');
}

const PRIMITIVE_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/**
 * OPA validates with gojsonschema and reports its wording. Only the wordings known here are given;
 * any other failure stops the call (NotExactError) rather than return a message OPA would not give.
 */
function verifySchema(schema: unknown): JsonValue[] {
  const parsed = schemaOf(schema);
  const badType = unknownPrimitiveType(parsed);
  if (badType !== undefined) {
    return [false, `jsonschema: has a primitive type that is NOT VALID -- given: /${badType}/ Expected valid values are:[${PRIMITIVE_TYPES.join(' ')}]`];
  }
  try {
    ajv.compile(parsed);
    return [true, null];
  } catch {
    return notExact('json.verify_schema', "the wording of this schema's error");
  }
}

function unknownPrimitiveType(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.type !== 'string') return undefined;
  return PRIMITIVE_TYPES.includes(schema.type) ? undefined : schema.type;
}

function gojsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  return typeof value;
}

function matchSchema(document: unknown, schema: unknown): JsonValue[] {
  const validate = ajv.compile(schemaOf(schema));
  const doc = typeof document === 'string' ? (JSON.parse(document) as unknown) : document;
  if (validate(doc)) return [true, []];
  return [false, (validate.errors ?? []).map((e) => gojsonschemaError(e, doc))];
}

function gojsonschemaError(e: ErrorObject, doc: unknown): JsonValue {
  const field = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
  if (e.keyword !== 'type' || typeof e.params.type !== 'string' || e.params.type.includes(',')) {
    return notExact('json.match_schema', `the wording of a "${e.keyword}" error`);
  }
  let value: unknown = doc;
  for (const part of e.instancePath.split('/').slice(1)) value = (value as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  const desc = `Invalid type. Expected: ${e.params.type}, given: ${gojsonType(value)}`;
  return { error: `${field}: ${desc}`, type: 'invalid_type', field, desc };
}

export const miscBuiltins: Readonly<Record<string, HostImplementation>> = {
  'crypto.md5': hash('md5'),
  'crypto.sha1': hash('sha1'),
  'crypto.sha256': hash('sha256'),
  'crypto.hmac.md5': hmac('md5'),
  'crypto.hmac.sha1': hmac('sha1'),
  'crypto.hmac.sha256': hmac('sha256'),
  'crypto.hmac.sha512': hmac('sha512'),
  'crypto.hmac.equal': (a: unknown, b: unknown) => {
    const x = Buffer.from(asString(a, 'operand 1'));
    const y = Buffer.from(asString(b, 'operand 2'));
    return x.length === y.length && timingSafeEqual(x, y);
  },
  'semver.is_valid': (v: unknown) => typeof v === 'string' && semver.valid(v) === v,
  'semver.compare': (a: unknown, b: unknown) => semver.compare(strictSemver(a, 'operand 1'), strictSemver(b, 'operand 2')),
  'uuid.parse': uuidParse,
  'uuid.rfc4122': (seed: unknown) => {
    const key = asString(seed, 'operand 1');
    const hit = uuidCache.get(key) ?? randomUUID();
    uuidCache.set(key, hit);
    return hit;
  },
  'rand.intn': randIntn,
  trace: (s: unknown) => {
    asString(s, 'operand 1');
    return true;
  },
  'json.verify_schema': verifySchema,
  'json.match_schema': matchSchema,
};
