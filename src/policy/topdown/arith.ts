/**
 * OPA's arithmetic built-ins (topdown/arithmetic.go, aggregates.go) over the evaluator's numbers,
 * as the module's runtime does them (compiler/wasm/assembly/arith.ts):
 * integers stay exact at any width for + - * % (and for / when the divisor divides an int);
 * anything else is computed on the number texts with bigfloat.ts and read back from the result's
 * text. Errors OPA raises (divide by zero, modulo on floats) are undefined here, as for every
 * built-in error outside strict mode.
 */
import * as bf from './bigfloat.js';
import { EvaluationError } from './errors.js';
import { Num, RSet, type Value, asInt, isIntegral, plainInteger } from './value.js';

const PREC = 64;
const SMALL = 2n ** 31n;

/** An int, or a number that kept the digits of an integer (a literal or input beyond i64). */
export function integerDigits(n: Num): bigint | undefined {
  if (n.int !== undefined) return n.int;
  return plainInteger(n.text) ? BigInt(n.text) : undefined;
}

/** The decimal text OPA holds for the number (a float without text: its shortest float64 digits). */
export function numText(n: Num): string {
  if (n.int !== undefined) return n.int.toString();
  return n.text ?? String(n.f);
}

/** A number from a computed text, as the runtime reads it back (-0 keeps its sign). */
export function numFromText(text: string): Num {
  return text === '-0' ? Num.floatText(-0, text) : Num.fromText(text);
}

function toFloat(n: Num): bf.BigFloat {
  return bf.parse(numText(n), PREC);
}

function fromFloat(x: bf.BigFloat, prec = PREC): Num {
  return numFromText(bf.format(x, prec));
}

function small(n: Num): boolean {
  return n.int !== undefined && n.int >= -SMALL && n.int < SMALL;
}

type Exact = (x: bigint, y: bigint) => bigint;
type Float = (x: bf.BigFloat, y: bf.BigFloat) => bf.BigFloat;

function arith(a: Value, b: Value, exact: Exact, float: Float): Value | undefined {
  if (!(a instanceof Num) || !(b instanceof Num)) return undefined;
  const ix = integerDigits(a);
  const iy = integerDigits(b);
  if (ix !== undefined && iy !== undefined) return Num.exact(exact(ix, iy));
  return fromFloat(float(toFloat(a), toFloat(b)));
}

export function plus(a: Value, b: Value): Value | undefined {
  return arith(a, b, (x, y) => x + y, (x, y) => bf.add(x, y, PREC));
}

export function minus(a: Value, b: Value): Value | undefined {
  return arith(a, b, (x, y) => x - y, (x, y) => bf.add(x, y, PREC, true));
}

export function mul(a: Value, b: Value): Value | undefined {
  return arith(a, b, (x, y) => x * y, (x, y) => bf.mul(x, y, PREC));
}

/** An int quotient only for ints where the divisor divides a nonzero dividend; else a float (0 / -2 is -0). */
export function div(a: Value, b: Value): Value | undefined {
  if (!(a instanceof Num) || !(b instanceof Num)) return undefined;
  if (a.int !== undefined && b.int !== undefined) {
    if (b.int === 0n) return undefined;
    if (a.int !== 0n && a.int % b.int === 0n) return Num.exact(a.int / b.int);
  }
  const y = toFloat(b);
  if (bf.isZero(y)) return undefined;
  return fromFloat(bf.quo(toFloat(a), y, PREC));
}

/** As the runtime's isWideInteger: an integer beyond what an exact int or f64 holds. */
function isWide(n: Num): boolean {
  if (n.int !== undefined) return false;
  if (n.text !== undefined) return plainInteger(n.text);
  return n.f === Math.floor(n.f) && Math.abs(n.f) >= 9007199254740992;
}

/**
 * Integers only: exact at any width (OPA's opRem, big.Int.Rem: truncated, the sign of a); a zero
 * divisor or a non-integer is an error (undefined). An integral float past 2^53 without digits has
 * no exact form in the module, which stops there (fails closed), and so does this.
 */
export function rem(a: Value, b: Value): Value | undefined {
  if (!(a instanceof Num) || !(b instanceof Num)) return undefined;
  const ix = integerDigits(a);
  const iy = integerDigits(b);
  if (ix !== undefined && iy !== undefined) return iy === 0n ? undefined : Num.exact(ix % iy);
  if (isWide(a) || isWide(b)) throw new EvaluationError('integer arithmetic beyond 64 bits is not supported by this engine');
  if (!isIntegral(a) || !isIntegral(b)) return undefined;
  const y = asInt(b);
  if (y === 0n) return undefined;
  return Num.int(asInt(a) % y);
}

/** abs, round, ceil, floor: ints in the int32 window as they are (abs negates), anything else via big.Float. */
function unary(smallOp: (x: bigint) => bigint, float: (x: bf.BigFloat) => Num): (a: Value) => Value | undefined {
  return (a) => {
    if (!(a instanceof Num)) return undefined;
    if (small(a)) return Num.int(smallOp(a.int!));
    return float(toFloat(a));
  };
}

export const abs = unary((x) => (x < 0n ? -x : x), (x) => fromFloat({ ...x, neg: false }));

const HALF = bf.parse('0.5', PREC);

/** Half away from zero: x -+ 0.5 (rounded at 64 bits, as OPA adds a float), truncated. */
export const round = unary((x) => x, (x) => Num.exact(bf.trunc(bf.add(x, HALF, PREC, x.neg))));

/** OPA's arithCeil: the truncation, plus one unless it is negative or exact (so ceil(-0.5) is 1, as in OPA). */
export const ceil = unary((x) => x, (x) => {
  const i = bf.trunc(x);
  return Num.exact(i < 0n || exactInt(x, i) ? i : i + 1n);
});

/** OPA's arithFloor: the truncation, minus one unless it is not negative or exact (floor(-0.5) is 0, as in OPA). */
export const floor = unary((x) => x, (x) => {
  const i = bf.trunc(x);
  return Num.exact(i >= 0n || exactInt(x, i) ? i : i - 1n);
});

function exactInt(x: bf.BigFloat, i: bigint): boolean {
  return bf.isInt(x) && bf.trunc(x) === i;
}

/** Elements of an array or set; undefined for anything else. */
function items(a: Value): Value[] | undefined {
  if (Array.isArray(a)) return a;
  if (a instanceof RSet) return a.items;
  return undefined;
}

/**
 * sum and product: exact when every element is an integer; otherwise a float fold, sum at 64 bits
 * from zero, product at 53 bits from big.NewFloat(1) (whose precision the product keeps), each
 * element read at 64 bits.
 */
function aggregate(start: bigint, exact: Exact, float: Float, prec: number): (a: Value) => Value | undefined {
  return (a) => {
    const xs = items(a);
    if (!xs) return undefined;
    if (!xs.every((x) => x instanceof Num)) return undefined;
    const nums = xs as Num[];
    const ints = nums.map(integerDigits);
    if (ints.every((i) => i !== undefined)) return Num.exact((ints as bigint[]).reduce(exact, start));
    let acc = start === 0n ? { neg: false, m: 0n, e: 0 } : bf.parse(start.toString(), prec);
    for (const x of nums) acc = float(acc, toFloat(x));
    return fromFloat(acc, prec);
  };
}

export const sum = aggregate(0n, (x, y) => x + y, (x, y) => bf.add(x, y, PREC), PREC);
export const product = aggregate(1n, (x, y) => x * y, (x, y) => bf.mul(x, y, 53), 53);
