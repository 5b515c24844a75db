/**
 * The form in which any value a caller sent can be kept in the audit record. JSON cannot hold a
 * non-finite number, RFC 8785 (the hash's canonical form) refuses lone surrogates, and PostgreSQL
 * refuses U+0000 in jsonb and text and lone surrogates in jsonb; one such value used to make the
 * whole group commit fail. Such values are encoded here, before the event is hashed, so the stored
 * jsonb is exactly what was hashed and `audit verify` keeps working.
 *
 * The encoding is lossless (see decodeRecorded) and injective: an encoded value is a string that
 * starts with ENCODED_MARK, and every string that starts with the mark is itself encoded, so an
 * encoded value can never be confused with a value the caller sent as is.
 * - a string with U+0000 or a lone surrogate: `␛s:` and the string with `\` written `\\` and each
 *   such code unit written `\uXXXX` (so `"a\u0000b"` is kept as the text `␛s:a\u0000b`);
 * - a non-finite number: `␛n:Infinity`, `␛n:-Infinity`, `␛n:NaN`;
 * - anything nested deeper than MAX_RECORD_DEPTH (callers' arguments are refused long before, see
 *   src/http/argument-limits.ts): `␛cut:depth` (a marker; what was cut is not kept).
 * Object keys are encoded like strings.
 */
export const ENCODED_MARK = '\u241B';
const STRING_MARK = `${ENCODED_MARK}s:`;
const NUMBER_MARK = `${ENCODED_MARK}n:`;
export const DEPTH_CUT = `${ENCODED_MARK}cut:depth`;

/** Deeper than any event the gateway builds; a bound so a hostile value cannot exhaust the stack. */
export const MAX_RECORD_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_UNIT = /\\|\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Whether PostgreSQL (text and jsonb) and RFC 8785 can hold `s` as it is. */
export function isStorableString(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

function escapeUnit(unit: string): string {
  return unit === '\\' ? '\\\\' : `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `s` itself when it can be stored and is not mistakable for an encoded value; else its encoding. */
export function recordableString(s: string): string {
  if (isStorableString(s) && !s.startsWith(ENCODED_MARK)) return s;
  return STRING_MARK + s.replace(UNSTORABLE_UNIT, escapeUnit);
}

/** JSON has no -0 (it is written 0), so neither has the record: what is hashed is what is read back. */
function recordableNumber(n: number): number | string {
  if (!Number.isFinite(n)) return NUMBER_MARK + String(n);
  return n === 0 ? 0 : n;
}

/**
 * A copy of `value` that JSON, RFC 8785 and PostgreSQL jsonb all hold, following JSON.stringify's
 * rules otherwise (toJSON, undefined dropped from objects and nulled in arrays). A bigint, function
 * or symbol at the top is a programming error and throws; the caller's event alone fails.
 */
export function recordable(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return recordableString(value);
  if (typeof value === 'number') return recordableNumber(value);
  if (typeof value !== 'object') throw new TypeError(`a ${typeof value} has no JSON form`);
  if (depth >= MAX_RECORD_DEPTH) return DEPTH_CUT;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return recordable(withJson.toJSON(), depth);
  if (Array.isArray(value)) return value.map((item) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : recordable(item, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined || typeof inner === 'function' || typeof inner === 'symbol') continue;
    setOwn(out, recordableString(key), recordable(inner, depth + 1));
  }
  return out;
}

/** Sets an own property even for the key `__proto__` (a plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function unescapeEncoded(text: string): string {
  return text.replace(/\\(\\|u[0-9a-f]{4})/g, (_m, esc: string) => (esc === '\\' ? '\\' : String.fromCharCode(parseInt(esc.slice(1), 16))));
}

function decodeString(s: string): string | number {
  if (s.startsWith(STRING_MARK)) return unescapeEncoded(s.slice(STRING_MARK.length));
  if (s.startsWith(NUMBER_MARK)) return Number(s.slice(NUMBER_MARK.length));
  return s;
}

/** The value a recorded one stands for (the inverse of `recordable`, except what a depth cut dropped). */
export function decodeRecorded(value: unknown): unknown {
  if (typeof value === 'string') return decodeString(value);
  if (Array.isArray(value)) return value.map(decodeRecorded);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) setOwn(out, String(decodeString(key)), decodeRecorded(inner));
  return out;
}
