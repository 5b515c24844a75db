// OPA's arithmetic where it leaves the integers (topdown/arithmetic.go, aggregates.go): the operands'
// texts read as 64-bit-mantissa floats (bigfloat.ts), one rounded operation, and the result read back
// from its text as OPA's ast.Number would be. The integer paths stay in builtins.ts and wide.ts.
import { alloc, fail } from "./mem";
import { N_INT, numKind, intVal, floatVal, numTextPtr, numTextLen, mkFloatText, tagOf, T_NUM, lenOf, arrGet } from "./value";
import { numberFromText } from "./json";
import { formatF64 } from "./numfmt";
import { sfParse, sfAdd, sfMul, sfQuo, sfFormat, sfIntText, rNeg, rM, rE, textPtr, textLen } from "./bigfloat";

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;
export const OP_DIV: i32 = 3;

const PREC: i32 = 64;

export let ntPtr: u32 = 0;
export let ntLen: u32 = 0;

const INF_MSG = memory.data<u8>([
  // "number without decimal text"
  110, 117, 109, 98, 101, 114, 32, 119, 105, 116, 104, 111, 117, 116, 32, 100, 101, 99, 105, 109, 97, 108, 32, 116, 101, 120, 116, 0]);

/**
 * The decimal text OPA holds for a number into ntPtr/ntLen: an int's digits, the source text, or for
 * a float made without one, its shortest float64 digits.
 */
export function numText(v: u32): void {
  if (numKind(v) == N_INT) {
    const x = intVal(v);
    let u: u64 = x < 0 ? <u64>(-x) : <u64>x;
    const buf = alloc(21);
    let n: u32 = 0;
    do { store<u8>(buf + 20 - n, <u8>(48 + <u32>(u % 10))); u /= 10; n++; } while (u > 0);
    if (x < 0) { store<u8>(buf + 20 - n, 45); n++; }
    ntPtr = buf + 21 - n; ntLen = n;
    return;
  }
  if (numTextLen(v) > 0) { ntPtr = numTextPtr(v); ntLen = numTextLen(v); return; }
  const f = floatVal(v);
  if (!isFinite(f)) fail(<usize>INF_MSG);
  const buf = alloc(330);
  ntLen = formatF64(f, buf);
  ntPtr = buf;
}

function parseNum(v: u32): void {
  numText(v);
  sfParse(ntPtr, ntLen, PREC);
}

/** The number OPA gets from builtins.FloatToNumber of the result at `prec` bits. */
function resultValue(neg: bool, m: u64, e: i32, prec: i32): u32 {
  sfFormat(neg, m, e, prec);
  // -0 keeps its sign (a quotient 0 / -2): read as an int it would print as 0.
  if (textLen == 2 && load<u8>(textPtr) == 45 && load<u8>(textPtr + 1) == 48) return mkFloatText(-0.0, textPtr, textLen);
  return numberFromText(textPtr, textLen);
}

/** a op b on floats; undefined (0) for a zero divisor, OPA's "divide by zero". */
export function floatArith(a: u32, b: u32, op: i32): u32 {
  parseNum(a);
  const an = rNeg, am = rM, ae = rE;
  parseNum(b);
  const bn = rNeg, bm = rM, be = rE;
  if (op == OP_DIV) {
    if (bm == 0) return 0;
    sfQuo(an, am, ae, bn, bm, be, PREC);
  } else if (op == OP_MUL) sfMul(an, am, ae, bn, bm, be, PREC);
  else sfAdd(an, am, ae, bn, bm, be, op == OP_SUB, PREC);
  return resultValue(rNeg, rM, rE, PREC);
}

export function floatAbs(a: u32): u32 {
  parseNum(a);
  return resultValue(false, rM, rE, PREC);
}

const HALF_M: u64 = <u64>1 << 63;
const HALF_E: i32 = -64;

function intResult(neg: bool, m: u64, e: i32, add: u32): u32 {
  sfIntText(neg, m, e, add);
  return numberFromText(textPtr, textLen);
}

/** Whether m * 2^e has no fraction. */
function exact(m: u64, e: i32): bool {
  if (m == 0 || e >= 0) return true;
  if (e <= -64) return false;
  return (m & ((<u64>1 << <u64>(-e)) - 1)) == 0;
}

function truncIsZero(m: u64, e: i32): bool {
  return m == 0 || e <= -64 || (e < 0 && (m >> <u64>(-e)) == 0);
}

/** OPA's arithRound: x -+ 0.5 (rounded at 64 bits, as big.Float adds), truncated toward zero. */
export function floatRound(a: u32): u32 {
  parseNum(a);
  sfAdd(rNeg, rM, rE, false, HALF_M, HALF_E, rNeg, PREC);
  return intResult(rNeg, rM, rE, 0);
}

/**
 * OPA's arithCeil: the truncation, plus one unless it is negative or equal to x. A value in (-1, 0)
 * truncates to +0, so OPA's ceil(-0.5) is 1; this does the same.
 */
export function floatCeil(a: u32): u32 {
  parseNum(a);
  const neg = rNeg, m = rM, e = rE;
  const negative = neg && !truncIsZero(m, e);
  if (negative || exact(m, e)) return intResult(neg, m, e, 0);
  return intResult(false, m, e, 1);
}

/** OPA's arithFloor: the truncation, minus one unless it is not negative or equal to x (floor(-0.5) is 0, as in OPA). */
export function floatFloor(a: u32): u32 {
  parseNum(a);
  const neg = rNeg, m = rM, e = rE;
  const negative = neg && !truncIsZero(m, e);
  if (!negative || exact(m, e)) return intResult(neg, m, e, 0);
  return intResult(true, m, e, 1);
}

/**
 * sum and product of numbers that are not all integers: a float fold, sum at 64 bits from zero,
 * product at 53 bits from big.NewFloat(1) (whose precision the product keeps), each element read
 * at 64 bits. Undefined when an element is not a number.
 */
export function floatFold(c: u32, product: bool): u32 {
  const prec: i32 = product ? 53 : PREC;
  let neg = false, m: u64 = product ? HALF_M : 0, e: i32 = product ? -63 : 0;
  for (let i: u32 = 0; i < lenOf(c); i++) {
    const x = arrGet(c, i);
    if (tagOf(x) != T_NUM) return 0;
    parseNum(x);
    if (product) sfMul(neg, m, e, rNeg, rM, rE, prec);
    else sfAdd(neg, m, e, rNeg, rM, rE, false, prec);
    neg = rNeg; m = rM; e = rE;
  }
  return resultValue(neg, m, e, prec);
}
