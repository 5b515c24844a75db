/**
 * Rego values as the evaluator holds them, modelled on the module's runtime
 * (compiler/wasm/assembly/value.ts) so that both order, compare and print values alike:
 * numbers are exact 64-bit integers or floats that keep their source text, objects may have keys
 * of any type, objects and sets are kept sorted in OPA's order. `undefined` is "undefined".
 */

import { compareDecimalTexts } from './bigfloat.js';

/** A number: `int` set for integers held exactly (64-bit range), else a float with optional source text. */
export class Num {
  private constructor(readonly int: bigint | undefined, readonly f: number, readonly text: string | undefined) {}

  static int(n: bigint): Num {
    return new Num(BigInt.asIntN(64, n), Number(BigInt.asIntN(64, n)), undefined);
  }

  /** As the runtime's mkFloat: integral values below 2^53 become ints. */
  static float(f: number): Num {
    if (Number.isFinite(f) && f === Math.floor(f) && Math.abs(f) < 9007199254740992) return Num.int(BigInt(f));
    return new Num(undefined, f, undefined);
  }

  static floatText(f: number, text: string): Num {
    return new Num(undefined, f, text);
  }

  /** Number text as the runtime parses JSON: ints of at most 18 digits stay exact. */
  static fromText(text: string): Num {
    const isInt = !/[.eE]/.test(text);
    const digits = text.startsWith('-') ? text.length - 1 : text.length;
    if (isInt && digits <= 18) return Num.int(BigInt(text));
    // 19 digits may still fit i64 (nanosecond timestamps do): those stay exact ints too.
    if (isInt && digits === 19 && text[text.startsWith('-') ? 1 : 0] !== '0') {
      const big = BigInt(text);
      if (big >= -(2n ** 63n) && big < 2n ** 63n) return Num.int(big);
    }
    return Num.floatText(Number(text), text);
  }

  /** An exact integer result: an int when it fits i64, else a number that keeps its digits. */
  static exact(n: bigint): Num {
    return n >= -(2n ** 63n) && n < 2n ** 63n ? Num.int(n) : Num.floatText(Number(n), n.toString());
  }

  /** A constant of the plan, as the backend builds it: any integer in the 64-bit range is exact. */
  static fromConst(text: string): Num {
    if (/^-?\d+$/.test(text)) {
      const big = BigInt(text);
      if (big >= -(2n ** 63n) && big < 2n ** 63n) return Num.int(big);
    }
    return Num.fromText(text);
  }

  get isInt(): boolean {
    return this.int !== undefined;
  }
}

export class Obj {
  readonly keys: Value[] = [];
  readonly vals: Value[] = [];

  get size(): number {
    return this.keys.length;
  }

  get(k: Value): Value | undefined {
    const i = search(this.keys, k);
    return i >= 0 ? this.vals[i] : undefined;
  }

  /** Inserts or replaces; returns the previous value. */
  put(k: Value, v: Value): Value | undefined {
    const i = search(this.keys, k);
    if (i >= 0) {
      const old = this.vals[i];
      this.vals[i] = v;
      return old;
    }
    const at = -i - 1;
    this.keys.splice(at, 0, k);
    this.vals.splice(at, 0, v);
    return undefined;
  }

  copy(): Obj {
    const c = new Obj();
    c.keys.push(...this.keys);
    c.vals.push(...this.vals);
    return c;
  }
}

export class RSet {
  readonly items: Value[] = [];

  get size(): number {
    return this.items.length;
  }

  has(x: Value): boolean {
    return search(this.items, x) >= 0;
  }

  add(x: Value): void {
    const i = search(this.items, x);
    if (i < 0) this.items.splice(-i - 1, 0, x);
  }
}

export type Value = null | boolean | Num | string | Value[] | Obj | RSet;

// ---- order (OPA's ast.Compare, as the runtime implements it) ----

function rank(v: Value): number {
  if (v === null) return 1;
  if (typeof v === 'boolean') return 2;
  if (v instanceof Num) return 3;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 5;
  if (v instanceof Obj) return 6;
  return 7;
}

const NON_BMP_OR_HIGH = /[\uD800-\uFFFF]/;

/** Byte order of the UTF-8 encodings; equal to UTF-16 order unless a string holds high code units. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (NON_BMP_OR_HIGH.test(a) || NON_BMP_OR_HIGH.test(b)) return Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return a < b ? -1 : 1;
}

export function plainInteger(text: string | undefined): text is string {
  return text !== undefined && /^-?[1-9]\d*$/.test(text);
}

/**
 * OPA compares numbers as the exact rationals their texts denote (0.30000000000000001 > 0.3,
 * 1.0 == 1). Different floats order as their values; equal ones (and infinite ones, past float64)
 * are told apart by their texts.
 */
function compareNums(a: Num, b: Num): number {
  if (a.int !== undefined && b.int !== undefined) return a.int < b.int ? -1 : a.int > b.int ? 1 : 0;
  if (a.f !== b.f) return a.f < b.f ? -1 : 1;
  return compareDecimalTexts(exactText(a), exactText(b));
}

/** The text OPA holds for a number; a float without one has its shortest float64 digits. */
function exactText(n: Num): string {
  if (n.int !== undefined) return n.int.toString();
  return n.text ?? String(n.f);
}

function compareSeqs(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareObjs(a: Obj, b: Obj): number {
  const n = Math.min(a.size, b.size);
  for (let i = 0; i < n; i++) {
    const c = compare(a.keys[i]!, b.keys[i]!) || compare(a.vals[i]!, b.vals[i]!);
    if (c !== 0) return c;
  }
  return a.size < b.size ? -1 : a.size > b.size ? 1 : 0;
}

export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1: return 0;
    case 2: return Number(a) - Number(b);
    case 3: return compareNums(a as Num, b as Num);
    case 4: return compareStrings(a as string, b as string);
    case 5: return compareSeqs(a as Value[], b as Value[]);
    case 6: return compareObjs(a as Obj, b as Obj);
    default: return compareSeqs((a as RSet).items, (b as RSet).items);
  }
}

export function equal(a: Value, b: Value): boolean {
  return compare(a, b) === 0;
}

/** Index of x in a sorted list, or -(insertion point)-1. */
function search(list: Value[], x: Value): number {
  let lo = 0;
  let hi = list.length - 1;
  if (hi >= 0 && compare(list[hi]!, x) < 0) return -(hi + 2);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(list[mid]!, x);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

/** Generic lookup, as the runtime's `dot`: object key, array index, set membership. */
export function dot(v: Value | undefined, k: Value | undefined): Value | undefined {
  if (v === undefined || k === undefined) return undefined;
  if (v instanceof Obj) return v.get(k);
  if (Array.isArray(v)) {
    if (!(k instanceof Num) || !isOpaInt(k)) return undefined;
    const i = asInt(k);
    return i >= 0n && i < BigInt(v.length) ? v[Number(i)] : undefined;
  }
  if (v instanceof RSet) return v.has(k) ? k : undefined;
  return undefined;
}

/** True for ints and for floats without a fraction (in the 64-bit range). */
export function isIntegral(n: Num): boolean {
  if (n.int !== undefined) return true;
  return n.f === Math.floor(n.f) && Math.abs(n.f) < 9.2e18;
}

/**
 * As the runtime's isOpaInt: OPA reads a number as an int by its text (strconv.ParseInt), so one
 * that keeps a text ("1.0", "1e0", digits past int64) is not an int whatever its value.
 */
export function isOpaInt(n: Num): boolean {
  // A computed -0 keeps the text "-0", which ParseInt reads as 0.
  return n.int !== undefined || n.text === '-0' || (n.text === undefined && isIntegral(n));
}

export function asInt(n: Num): bigint {
  return n.int ?? BigInt(Math.trunc(n.f));
}

export function typeName(v: Value): string {
  return ['', 'null', 'boolean', 'number', 'string', 'array', 'object', 'set'][rank(v)]!;
}

/** Iteration as the runtime does it: [key, value] pairs of arrays, objects and sets; none for scalars. */
export function* entries(v: Value | undefined): Generator<[Value, Value]> {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield [Num.int(BigInt(i)), v[i]!];
  } else if (v instanceof Obj) {
    for (let i = 0; i < v.size; i++) yield [v.keys[i]!, v.vals[i]!];
  } else if (v instanceof RSet) {
    for (const x of [...v.items]) yield [x, x];
  }
}
