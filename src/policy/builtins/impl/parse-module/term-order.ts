/**
 * OPA's term order (v1/ast/compare.go Compare), used by set and object MarshalJSON: a set marshals
 * its elements and an object its [key, value] pairs in that order (sortedKeys). It works on the
 * terms already in their JSON form ({type, value}), so wildcards are compared by their `$N` names.
 * Comparisons not reproduced (comprehensions, template strings) stop the built-in.
 */
import { NumberText, type JsonObject, type JsonValue } from '../../value.js';

/** valueSortOrder: null < boolean < number < string < templatestring < var < ref < array < object < set < comprehensions < call. */
const TYPE_ORDER: Readonly<Record<string, number>> = {
  null: 0, boolean: 1, number: 2, string: 3, templatestring: 4, var: 5, ref: 6, array: 7,
  object: 8, set: 9, arraycomprehension: 10, objectcomprehension: 11, setcomprehension: 12, call: 13,
};

/** Raised when two terms need a comparison this module does not reproduce exactly. */
export class UnorderedTermsError extends Error {}

/** Go compares strings (and var names) byte-wise on their UTF-8 encoding. */
function compareBytes(a: string, b: string): number {
  return Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(text, 10, 64) as json.Number.Int64 does it: decimal digits only, in range. */
function int64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** Go's strings.TrimRight(s, ".0"): drops every trailing '.' and '0'. */
function trimDotZero(s: string): string {
  return s.replace(/[.0]+$/, '');
}

/** The exact value of a JSON number text as mantissa * 10^exponent (what big.Rat.SetString reads). */
function decimal(text: string): { m: bigint; e: number } {
  const match = /^(-?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!match) throw new UnorderedTermsError(`the number ${text}`);
  const [, sign, int = '', frac = '', exp = '0'] = match;
  const m = BigInt(`${sign}${int}${frac}` === sign ? '0' : `${sign}${int}${frac}`);
  return { m, e: Number(exp) - frac.length };
}

function compareExact(x: string, y: string): number {
  const a = decimal(x);
  const b = decimal(y);
  const e = Math.min(a.e, b.e);
  const d = a.m * 10n ** BigInt(a.e - e) - b.m * 10n ** BigInt(b.e - e);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * NumberCompare: int64 texts compare as integers and other texts by exact rational value (big.Rat),
 * except for two shortcuts that call numbers equal: texts equal after TrimRight(".0") (for texts
 * holding a '.': "10.0" equals "1") and, for two such trimmed texts still holding a fraction, equal
 * float64 values. Where a shortcut calls two different numbers equal the Go order is no longer a
 * total order and its sort result depends on the algorithm, so that stops.
 */
function compareNumbers(a: JsonValue, b: JsonValue): number {
  const x = (a as unknown as NumberText).text;
  const y = (b as unknown as NumberText).text;
  const exact = compareExact(x, y);
  if (exact !== 0 && shortcutEqual(x, y)) throw new UnorderedTermsError('numbers Go calls equal');
  return exact;
}

function shortcutEqual(x: string, y: string): boolean {
  const tx = x.includes('.') ? trimDotZero(x) : x;
  const ty = y.includes('.') ? trimDotZero(y) : y;
  if (tx === ty) return true;
  if (int64(x) !== undefined && int64(y) !== undefined) return false;
  const xIsF = tx !== x && tx.includes('.');
  const yIsF = ty !== y && ty.includes('.');
  if (!xIsF || !yIsF) return false;
  const xf = Number(x);
  const yf = Number(y);
  // A nonzero text read as float 0 (underflow): whether Go's ParseFloat reports it is not settled.
  if ((xf === 0 && /[1-9]/.test(x)) || (yf === 0 && /[1-9]/.test(y))) throw new UnorderedTermsError('a number below the float64 range');
  return Number.isFinite(xf) && Number.isFinite(yf) && xf === yf;
}

/** termSliceCompare: element-wise, then the shorter first. */
function compareSlices(a: JsonValue[], b: JsonValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareTerms(a[i] as JsonObject, b[i] as JsonObject);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** object.Compare over sortedKeys() (the JSON's pair order): key, then value, then the shorter first. */
function comparePairs(a: JsonValue[], b: JsonValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [ka, va] = a[i] as JsonObject[];
    const [kb, vb] = b[i] as JsonObject[];
    const c = compareTerms(ka!, kb!) || compareTerms(va!, vb!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function compareTerms(a: JsonObject, b: JsonObject): number {
  const ta = TYPE_ORDER[a.type as string];
  const tb = TYPE_ORDER[b.type as string];
  if (ta === undefined || tb === undefined) throw new UnorderedTermsError(`a ${String(a.type)} term`);
  if (ta !== tb) return Math.sign(ta - tb);
  switch (a.type) {
    case 'null': return 0;
    case 'boolean': return a.value === b.value ? 0 : a.value === false ? -1 : 1;
    case 'number': return compareNumbers(a.value, b.value);
    case 'string':
    case 'var':
      return compareBytes(a.value as string, b.value as string);
    case 'ref':
    case 'array':
    case 'call':
    // set.Compare: termSliceCompare over sortedKeys(), which is the JSON's element order.
    case 'set':
      return compareSlices(a.value as JsonValue[], b.value as JsonValue[]);
    case 'object':
      return comparePairs(a.value as JsonValue[], b.value as JsonValue[]);
    default:
      // Comprehensions (Body.Compare) and template strings compare by rules not reproduced here.
      throw new UnorderedTermsError(`two ${String(a.type)} terms`);
  }
}

/**
 * Sorts terms in OPA's order. Two equal terms would be one element (a set) or one key (an object,
 * last value wins) in OPA: that merge is not reproduced, so it stops too.
 */
export function sortTerms<T>(items: T[], termOf: (item: T) => JsonObject): T[] {
  const sorted = [...items].sort((x, y) => compareTerms(termOf(x), termOf(y)));
  for (let i = 1; i < sorted.length; i++) {
    if (compareTerms(termOf(sorted[i - 1]!), termOf(sorted[i]!)) === 0) throw new UnorderedTermsError('equal elements or keys');
  }
  return sorted;
}
