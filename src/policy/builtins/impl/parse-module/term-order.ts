/**
 * OPA's term order (v1/ast/compare.go Compare), used by set and object MarshalJSON: a set marshals
 * its elements and an object its [key, value] pairs in that order (sortedKeys). It works on the
 * terms already in their JSON form ({type, value}), so wildcards are compared by their `$N` names.
 * Only the comparisons whose Go result is certain are made; any other one stops the built-in.
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

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * NumberCompare: for integer texts it is an exact comparison (Int64 or big.Rat). Texts with a
 * fraction or an exponent go through a TrimRight(".0") shortcut in Go that treats "10.0" as "1";
 * rather than mimic that, such comparisons stop.
 */
function compareNumbers(a: JsonValue, b: JsonValue): number {
  const x = (a as unknown as NumberText).text;
  const y = (b as unknown as NumberText).text;
  if (!INTEGER.test(x) || !INTEGER.test(y)) throw new UnorderedTermsError('numbers other than integers');
  const d = BigInt(x) - BigInt(y);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** termSliceCompare: element-wise, then the shorter first. */
function compareSlices(a: JsonValue[], b: JsonValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareTerms(a[i] as JsonObject, b[i] as JsonObject);
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
      return compareSlices(a.value as JsonValue[], b.value as JsonValue[]);
    default:
      // Objects, sets, comprehensions and template strings compare by rules not reproduced here.
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
