/**
 * OPA's non-integer arithmetic: Go's math/big.Float at a fixed mantissa precision (64 bits for
 * + - * / and sum, 53 for product, whose accumulator starts as big.NewFloat(1)), rounding half to
 * even, with an exponent range that never overflows in practice (1e308 * 10 is 1e+309). Numbers come
 * in and go out as decimal text (OPA's ast.Number): text -> nearest float (big.Float.SetString),
 * operation rounded once, float -> text (builtins.FloatToNumber: Text('f', -1) for an integral
 * value, Text('g', -1) otherwise, where -1 is big's roundShortest). The wasm runtime implements the
 * same in compiler/wasm/assembly/bigfloat.ts; the two must agree digit for digit.
 */
import { EvaluationError } from './errors.js';

/** A finite value (-1)^neg * m * 2^e; m is 0 (a signed zero) or has exactly `prec` bits. */
export interface BigFloat {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/**
 * The magnitudes this engine computes with (about 10^±4000): beyond them the evaluation stops
 * instead of spending unbounded time and memory on exact big integers. OPA has no such limit.
 */
export const MAX_DECIMAL_EXPONENT = 4000;
export const MAX_DIGITS = 4000;
const MAX_BINARY_EXPONENT = 13300;

function outOfRange(): never {
  throw new EvaluationError('number beyond the magnitude or digits this engine computes with (10^+-4000, 4000 digits)');
}

function bitLen(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** (-1)^neg * (n + sticky) * 2^e rounded to prec bits, half to even (sticky: a nonzero part below n). */
export function round(neg: boolean, n: bigint, e: number, sticky: boolean, prec: number): BigFloat {
  if (n === 0n) return { neg, m: 0n, e: 0 };
  const bl = bitLen(n);
  if (bl <= prec) {
    const x = { neg, m: n << BigInt(prec - bl), e: e - (prec - bl) };
    return checked(x, prec);
  }
  const drop = bl - prec;
  let m = n >> BigInt(drop);
  const rest = n & ((1n << BigInt(drop)) - 1n);
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (sticky || (m & 1n) === 1n))) m++;
  let ex = e + drop;
  if (bitLen(m) > prec) { m >>= 1n; ex++; }
  return checked({ neg, m, e: ex }, prec);
}

function checked(x: BigFloat, prec: number): BigFloat {
  const top = x.e + prec - 1;
  if (top > MAX_BINARY_EXPONENT || top < -MAX_BINARY_EXPONENT) outOfRange();
  return x;
}

/** Sign, significant digits (no leading zeros) and the power of ten that scales them. */
interface Decimal { neg: boolean; digits: string; exp: number }

const NUMBER = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The exponent's value, as the runtime reads it: digits are taken while the value is below 10^12, so
 * absurdly long exponents saturate there (such numbers are far out of range either way).
 */
function exponentOf(text: string): number {
  let v = 0;
  for (const c of text.replace(/^[+-]/, '')) if (v < 1e12) v = v * 10 + (c.charCodeAt(0) - 48);
  return text.startsWith('-') ? -v : v;
}

function decimalOf(text: string): Decimal {
  const g = NUMBER.exec(text);
  if (!g) throw new EvaluationError(`not a number: ${text}`);
  const intPart = g[2] ?? '';
  const frac = g[3] ?? '';
  const expText = g[4] ?? '0';
  const exp0 = exponentOf(expText);
  let digits = (intPart + frac).replace(/^0+/, '');
  let exp = exp0 - frac.length;
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  return { neg: g[1] === '-', digits, exp };
}

/** big.Float.SetString(text) at the given precision: the nearest value, a tie to the even mantissa. */
export function parse(text: string, prec: number): BigFloat {
  const d = decimalOf(text);
  if (d.digits === '') return { neg: d.neg, m: 0n, e: 0 };
  const position = d.digits.length + d.exp;
  if (d.digits.length > MAX_DIGITS || position > MAX_DECIMAL_EXPONENT || position < -MAX_DECIMAL_EXPONENT) outOfRange();
  const D = BigInt(d.digits);
  if (d.exp >= 0) return round(d.neg, D * 10n ** BigInt(d.exp), 0, false, prec);
  const P = 10n ** BigInt(-d.exp);
  // Scale so that the quotient has at least prec + 2 bits: its low bits and the remainder decide the rounding.
  const s = Math.max(0, prec + 2 + bitLen(P) - bitLen(D));
  const num = D << BigInt(s);
  return round(d.neg, num / P, -s, num % P !== 0n, prec);
}

export function isZero(x: BigFloat): boolean {
  return x.m === 0n;
}

/** big.Float.Add (sub: Sub) into a result of the given precision. */
export function add(a: BigFloat, b: BigFloat, prec: number, sub = false): BigFloat {
  const bneg = sub ? !b.neg : b.neg;
  if (a.m === 0n && b.m === 0n) return { neg: a.neg && bneg, m: 0n, e: 0 };
  if (a.m === 0n) return round(bneg, b.m, b.e, false, prec);
  if (b.m === 0n) return round(a.neg, a.m, a.e, false, prec);
  const e = Math.min(a.e, b.e);
  const x = a.m << BigInt(a.e - e);
  const y = b.m << BigInt(b.e - e);
  if (a.neg === bneg) return round(a.neg, x + y, e, false, prec);
  // An exact zero difference is +0 (round to nearest even).
  if (x === y) return { neg: false, m: 0n, e: 0 };
  return x > y ? round(a.neg, x - y, e, false, prec) : round(bneg, y - x, e, false, prec);
}

export function mul(a: BigFloat, b: BigFloat, prec: number): BigFloat {
  const neg = a.neg !== b.neg;
  if (a.m === 0n || b.m === 0n) return { neg, m: 0n, e: 0 };
  return round(neg, a.m * b.m, a.e + b.e, false, prec);
}

/** big.Float.Quo; the divisor is not zero (the caller reports that). */
export function quo(a: BigFloat, b: BigFloat, prec: number): BigFloat {
  const neg = a.neg !== b.neg;
  if (a.m === 0n) return { neg, m: 0n, e: 0 };
  const s = prec + 2 + bitLen(b.m);
  const num = a.m << BigInt(s);
  return round(neg, num / b.m, a.e - b.e - s, num % b.m !== 0n, prec);
}

/** The exact integer part (toward zero) of x, as big.Float.Int does. */
export function trunc(x: BigFloat): bigint {
  if (x.m === 0n) return 0n;
  const v = x.e >= 0 ? x.m << BigInt(x.e) : x.m >> BigInt(-x.e);
  return x.neg ? -v : v;
}

export function isInt(x: BigFloat): boolean {
  if (x.m === 0n || x.e >= 0) return true;
  return (x.m & ((1n << BigInt(-x.e)) - 1n)) === 0n;
}

/** The exact value of an integer as a float whose precision holds all its bits (big.Float.SetInt). */
export function fromInt(i: bigint): { x: BigFloat; prec: number } {
  const neg = i < 0n;
  const mag = neg ? -i : i;
  const prec = Math.max(64, bitLen(mag));
  return { x: round(neg, mag, 0, false, prec), prec };
}

// ---- text (math/big ftoa.go) ----

/** Go's math/big `decimal`: digits without trailing zeros, value 0.digits * 10^exp. */
interface GoDecimal { mant: string; exp: number }

function decimalInit(m: bigint, shift: number): GoDecimal {
  if (m === 0n) return { mant: '', exp: 0 };
  const s = shift >= 0 ? (m << BigInt(shift)).toString() : (m * 5n ** BigInt(-shift)).toString();
  const exp = shift >= 0 ? s.length : s.length + shift;
  return { mant: s.replace(/0+$/, ''), exp };
}

function at(d: GoDecimal, i: number): string {
  return i >= 0 && i < d.mant.length ? d.mant[i]! : '0';
}

function trimZeros(d: GoDecimal): GoDecimal {
  const mant = d.mant.replace(/0+$/, '');
  return { mant, exp: mant === '' ? 0 : d.exp };
}

function roundDown(d: GoDecimal, n: number): GoDecimal {
  if (n < 0 || n >= d.mant.length) return d;
  return trimZeros({ mant: d.mant.slice(0, n), exp: d.exp });
}

function roundUp(d: GoDecimal, n: number): GoDecimal {
  if (n < 0 || n >= d.mant.length) return d;
  while (n > 0 && d.mant[n - 1]! >= '9') n--;
  if (n === 0) return { mant: '1', exp: d.exp + 1 };
  return { mant: d.mant.slice(0, n - 1) + String.fromCharCode(d.mant.charCodeAt(n - 1) + 1), exp: d.exp };
}

function shouldRoundUp(d: GoDecimal, n: number): boolean {
  if (d.mant[n] === '5' && n + 1 === d.mant.length) return n > 0 && (d.mant.charCodeAt(n - 1) - 48) % 2 !== 0;
  return d.mant[n]! >= '5';
}

function roundAt(d: GoDecimal, n: number): GoDecimal {
  if (n < 0 || n >= d.mant.length) return d;
  return shouldRoundUp(d, n) ? roundUp(d, n) : roundDown(d, n);
}

/**
 * ftoa.go roundShortest: the fewest digits that lie within half an ulp (at prec bits) either side
 * of x; the bounds count only when the mantissa is even. The interval is symmetric even at a power
 * of two, unlike strconv's float64 rule.
 */
function roundShortest(d: GoDecimal, x: BigFloat, prec: number): GoDecimal {
  if (d.mant === '') return d;
  const mant = x.m << 1n; // lsb is half an ulp
  const exp = x.e - 1;
  const lower = decimalInit(mant - 1n, exp);
  const upper = decimalInit(mant + 1n, exp);
  const inclusive = (mant & 2n) === 0n;
  void prec;
  for (let i = 0; i < d.mant.length; i++) {
    const m = d.mant[i]!;
    const l = at(lower, i);
    const u = at(upper, i);
    const okdown = l !== m || (inclusive && i + 1 === lower.mant.length);
    const okup = m !== u && (inclusive || m.charCodeAt(0) + 1 < u.charCodeAt(0) || i + 1 < upper.mant.length);
    if (okdown && okup) return roundAt(d, i + 1);
    if (okdown) return roundDown(d, i + 1);
    if (okup) return roundUp(d, i + 1);
  }
  return d;
}

function fmtE(d: GoDecimal, prec: number): string {
  let s = d.mant.length > 0 ? d.mant[0]! : '0';
  if (prec > 0) {
    s += '.';
    s += d.mant.slice(1, Math.min(d.mant.length, prec + 1));
    for (let i = Math.max(1, Math.min(d.mant.length, prec + 1)); i <= prec; i++) s += '0';
  }
  let exp = d.mant.length > 0 ? d.exp - 1 : 0;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${s}e${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(d: GoDecimal, prec: number): string {
  let s = '';
  if (d.exp > 0) {
    const m = Math.min(d.mant.length, d.exp);
    s += d.mant.slice(0, m) + '0'.repeat(d.exp - m);
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += at(d, d.exp + i);
  }
  return s;
}

/** builtins.FloatToNumber: Text('f', -1) for an integral value, else Text('g', -1). */
export function format(x: BigFloat, prec: number): string {
  const sign = x.neg ? '-' : '';
  const d = roundShortest(decimalInit(x.m, x.e), x, prec);
  if (isInt(x)) return sign + fmtF(d, Math.max(d.mant.length - d.exp, 0));
  const exp = d.exp - 1;
  if (exp < -4 || exp >= 6) return sign + fmtE(d, d.mant.length - 1);
  return sign + fmtF(d, Math.max(d.mant.length - d.exp, 0));
}

// ---- exact comparison of decimal texts (ast.Compare on numbers) ----

/** Compares the rationals two decimal texts denote. */
export function compareDecimalTexts(a: string, b: string): number {
  const x = decimalOf(a);
  const y = decimalOf(b);
  const sx = x.digits === '' ? 0 : x.neg ? -1 : 1;
  const sy = y.digits === '' ? 0 : y.neg ? -1 : 1;
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (sx === 0) return 0;
  const px = x.digits.length + x.exp;
  const py = y.digits.length + y.exp;
  let c = px !== py ? (px < py ? -1 : 1) : x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  if (sx < 0) c = -c;
  return c;
}
