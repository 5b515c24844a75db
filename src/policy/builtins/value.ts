/**
 * Rego values as they reach the host: JSON-parsed, with sets already turned into sorted arrays.
 * Helpers here give OPA's total order, type names and argument checks shared by the host built-ins.
 */

export type JsonValue = null | boolean | number | string | bigint | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Thrown by a host built-in for bad operands; the SDK wrapper turns any error into "undefined". */
export class BuiltinError extends Error {
  override readonly name = 'BuiltinError';
}

export function fail(message: string): never {
  throw new BuiltinError(message);
}

/**
 * Thrown by a host built-in for an input it cannot answer exactly as OPA would. Unlike every other
 * error it is not turned into "undefined": it ends the evaluation, so the engine fails closed
 * rather than answer differently from OPA.
 */
export class NotExactError extends Error {
  override readonly name = 'NotExactError';
  constructor(builtin: string, what: string) {
    super(`${builtin}: ${what} is not supported by this engine (it could not answer exactly as OPA does)`);
  }
}

export function notExact(builtin: string, what: string): never {
  throw new NotExactError(builtin, what);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNumber(value: unknown): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

export function asString(value: unknown, what = 'operand'): string {
  if (typeof value !== 'string') fail(`${what} must be a string`);
  return value;
}

export function asNumber(value: unknown, what = 'operand'): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'number') fail(`${what} must be a number`);
  return value;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * An integer operand as OPA's IntOperand reads it: a wide integer past int64 is an error (undefined),
 * never rounded to the nearest float64 and used.
 */
export function asInteger(value: unknown, what = 'operand'): number {
  if (typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX)) fail(`${what} must be an integer that fits int64`);
  const n = asNumber(value, what);
  if (!Number.isInteger(n)) fail(`${what} must be an integer`);
  return n;
}

export function asArray(value: unknown, what = 'operand'): JsonValue[] {
  if (!Array.isArray(value)) fail(`${what} must be an array or set`);
  return value as JsonValue[];
}

export function asObject(value: unknown, what = 'operand'): JsonObject {
  if (!isObject(value)) fail(`${what} must be an object`);
  return value;
}

export function asBoolean(value: unknown, what = 'operand'): boolean {
  if (typeof value !== 'boolean') fail(`${what} must be a boolean`);
  return value;
}

/** Strings, or arrays/sets of strings (sets arrive as arrays). */
export function asStringList(value: unknown, what = 'operand'): string[] {
  if (typeof value === 'string') return [value];
  return asArray(value, what).map((item) => asString(item, `${what} element`));
}

const KIND_RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5 };

function kindOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint') return 'number';
  return typeof value;
}

/** OPA's order of values: null < boolean < number < string < array < object, then by content. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return KIND_RANK[ka]! - KIND_RANK[kb]!;
  switch (ka) {
    case 'null':
      return 0;
    case 'boolean':
      return Number(a) - Number(b);
    case 'number':
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareArrays(a as JsonValue[], b as JsonValue[]);
    default:
      return compareObjects(a as JsonObject, b as JsonObject);
  }
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go compares strings byte-wise (UTF-8), which differs from UTF-16 order for astral characters. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareArrays(a: JsonValue[], b: JsonValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareObjects(a: JsonObject, b: JsonObject): number {
  const ka = Object.keys(a).sort(compareStrings);
  const kb = Object.keys(b).sort(compareStrings);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(ka[i]!, kb[i]!);
    if (c !== 0) return c;
    const v = compareValues(a[ka[i]!]!, b[kb[i]!]!);
    if (v !== 0) return v;
  }
  return ka.length - kb.length;
}

export function valuesEqual(a: JsonValue, b: JsonValue): boolean {
  return compareValues(a, b) === 0;
}

/** A set result: deduplicated and sorted in OPA's order, as the module expects to rebuild it. */
export function toSet(values: Iterable<JsonValue>): JsonValue[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1]!, v) !== 0);
}

/** Objects with keys in sorted order, as OPA serialises them (json.marshal, sprintf). */
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = sortKeysDeep(value[key]!);
  return out;
}

const BIGINT_MARK = '\u0000bigint:';
const NUMBER_TEXT_MARK = '\u0000numtext:';

/**
 * A number that crosses back to the module as the text it was written with (json.unmarshal keeps
 * "1.0" and "1.50" as OPA does); written by toJsonText as that text.
 */
export class NumberText {
  constructor(readonly text: string) {}

  toJSON(): string {
    return `${NUMBER_TEXT_MARK}${this.text}`;
  }
}

/** JSON text of a value that may hold bigint numbers (exact integers beyond 2^53). */
export function toJsonText(value: unknown, indent?: string): string {
  const text: string | undefined = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v.toString()}` : v),
    indent,
  );
  if (text === undefined) return 'null';
  if (!text.includes('bigint:') && !text.includes('numtext:')) return text;
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1').replace(/"\\u0000numtext:([-+.\deE]+)"/g, '$1');
}

/**
 * Go's json.Marshal of an OPA value: object keys sorted, compact, and `<`, `>`, `&`, U+2028, U+2029
 * escaped as \u003c etc. (Go's HTML-safe default).
 */
export function goJsonMarshal(value: unknown, indent?: string, prefix = ''): string {
  const text = toJsonText(sortKeysDeep(value as JsonValue), indent);
  const escaped = text
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return prefix === '' ? escaped : escaped.split('\n').join(`\n${prefix}`);
}

/**
 * The text OPA gives a computed number (topdown's builtins.FloatToNumber: big.Float.Text, 'f' for an
 * integral value, else 'g' with the shortest digits), with float64's shortest digits: an integral
 * value in full, any other in 'e' form (two exponent digits at least) when its decimal exponent is
 * below -4 or from 6 up, else in 'f' form. The module writes computed floats the same way
 * (compiler/wasm/assembly/numfmt.ts).
 */
export function computedNumberText(f: number): string {
  if (!Number.isFinite(f)) return '0';
  if (f === 0) return '0';
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = f < 0 ? '-' : '';
  if (!Number.isInteger(f) && (exp < -4 || exp >= 6)) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
