// Decimal text -> the nearest f64 (a tie goes to the even mantissa), as Go's strconv.ParseFloat and
// JS's Number() give it. Multiplying digits and powers of ten in f64 rounded at every step and gave
// a neighbour of the right value for about one long decimal in five (0.9090909090909091 read as
// ...092), so a policy compared and computed with a number other than the one it was given.
//
// Short inputs take the exact fast path (at most 15 digits and |exponent| <= 22: one correctly
// rounded f64 operation on exact operands); the rest are done on exact big integers.
import { bnSet, bnShl, bnMulAdd, bnMulPow10, bnBits, bnBit, bnAnyBelow, bnIsZero, bnCmp, bnSub, bnCopy } from "./bignum";

const D = memory.data(644, 8);
const P = memory.data(644, 8);
const Q = memory.data(644, 8);

// More significant digits than any f64 half-way point needs (767): the rest only tell whether the
// value lies above the digits kept, which one more nonzero digit records.
const MAX_DIGITS: i32 = 780;

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** m * 2^e exactly (m already rounded to what the result can hold). */
function scale2(m: f64, e: i32): f64 {
  while (e > 1023) { m *= reinterpret<f64>(<u64>(1023 + 1023) << 52); e -= 1023; }
  while (e < -1022) { m *= reinterpret<f64>(<u64>1 << 52); e += 1022; }
  return m * reinterpret<f64>(<u64>(e + 1023) << 52);
}

/**
 * The f64 nearest to q * 2^e2 where q holds the value's top bits and `sticky` says whether
 * anything nonzero lies below them.
 */
function roundBits(q: u64, sticky: bool, e2: i32): f64 {
  if (q == 0) return 0;
  const bl = 64 - <i32>clz(q);
  const top = bl - 1 + e2; // binary exponent of the leading bit
  if (top > 1023) return Infinity;
  // Bits the result can hold: 53, fewer below the normal range.
  let keep = 53;
  if (top < -1022) keep = 53 - (-1022 - top);
  if (keep < 0) keep = 0;
  const drop = bl - keep;
  if (drop <= 0) return scale2(<f64>q, e2);
  let m: u64 = drop >= 64 ? 0 : q >> <u64>drop;
  const half: u64 = <u64>1 << <u64>(drop - 1);
  const rest: u64 = drop >= 64 ? q : q & ((<u64>1 << <u64>drop) - 1);
  if (rest > half || (rest == half && (sticky || (m & 1) == 1))) m++;
  const r = scale2(<f64>m, e2 + drop);
  return r;
}

/** Decimal text [p, p+n): optional '-', digits, optional fraction and exponent. */
export function parseDecimal(p: u32, n: u32): f64 {
  let i = p;
  const e = p + n;
  let neg = false;
  if (i < e && load<u8>(i) == 45) { neg = true; i++; }
  // Significant digits go into D (and, while few, into `small`); `exp` is the power of ten that
  // scales them.
  bnSet(D, 0);
  let small: u64 = 0;
  let digits: i32 = 0;
  let exp: i32 = 0;
  let dropped = false;
  let seenPoint = false;
  for (; i < e; i++) {
    const c = load<u8>(i);
    if (c == 46 && !seenPoint) { seenPoint = true; continue; }
    if (c < 48 || c > 57) break;
    const d = <u32>(c - 48);
    if (digits == 0 && d == 0) { if (seenPoint) exp--; continue; } // leading zeros
    if (digits >= MAX_DIGITS) {
      if (!seenPoint) exp++;
      if (d != 0) dropped = true;
      continue;
    }
    if (seenPoint) exp--;
    bnMulAdd(D, 10, d);
    if (digits < 19) small = small * 10 + <u64>d;
    digits++;
  }
  if (i < e && (load<u8>(i) == 101 || load<u8>(i) == 69)) {
    i++;
    let eneg = false;
    if (i < e && (load<u8>(i) == 43 || load<u8>(i) == 45)) { eneg = load<u8>(i) == 45; i++; }
    let ev: i32 = 0;
    while (i < e && load<u8>(i) >= 48 && load<u8>(i) <= 57) { if (ev < 100000) ev = ev * 10 + <i32>(load<u8>(i) - 48); i++; }
    exp += eneg ? -ev : ev;
  }
  const r = digits == 0 ? 0.0 : magnitude(small, digits, exp, dropped);
  return neg ? -r : r;
}

function magnitude(small: u64, digits: i32, exp: i32, dropped: bool): f64 {
  if (dropped) { bnMulAdd(D, 10, 1); exp--; digits++; }
  // Exact fast path: both operands are exact f64s and IEEE rounds the one operation correctly.
  if (digits <= 15 && exp >= -22 && exp <= 22) {
    const m = <f64>small;
    return exp >= 0 ? m * POW10[exp] : m / POW10[-exp];
  }
  // Far outside f64's range (the value lies in [10^(digits-1+exp), 10^(digits+exp))).
  if (digits + exp > 310) return Infinity;
  if (digits + exp < -330) return 0;
  if (exp >= 0) {
    bnMulPow10(D, exp);
    return topBits(D, 0);
  }
  // D / 10^-exp: shift D so that the integer quotient has 63 or 64 bits, then round that.
  bnSet(P, 1);
  bnMulPow10(P, -exp);
  const shift = 63 + <i32>bnBits(P) - <i32>bnBits(D);
  if (shift > 0) bnShl(D, <u32>shift);
  else if (shift < 0) bnShl(P, <u32>(-shift));
  let q: u64 = 0;
  // Long division, one quotient bit at a time (64 steps of compare-and-subtract).
  const qb = <i32>bnBits(D) - <i32>bnBits(P);
  for (let b: i32 = qb; b >= 0; b--) {
    bnCopy(Q, P);
    if (b > 0) bnShl(Q, <u32>b);
    if (bnCmp(D, Q) >= 0) { bnSub(D, Q); q |= <u64>1 << <u64>b; }
  }
  return roundBits(q, !bnIsZero(D), -shift);
}

/** The f64 nearest to the big integer x * 2^e2. */
function topBits(x: usize, e2: i32): f64 {
  const bl = <i32>bnBits(x);
  if (bl <= 64) {
    let q: u64 = 0;
    for (let b: i32 = bl - 1; b >= 0; b--) q = (q << 1) | <u64>bnBit(x, <u32>b);
    return roundBits(q, false, e2);
  }
  const low = bl - 64;
  let q: u64 = 0;
  for (let b: i32 = bl - 1; b >= low; b--) q = (q << 1) | <u64>bnBit(x, <u32>b);
  return roundBits(q, bnAnyBelow(x, <u32>low), e2 + low);
}
