// OPA's non-integer arithmetic: Go's math/big.Float at a fixed mantissa precision (64 bits, or 53
// for product), rounding half to even, with an exponent range far beyond float64's (1e308 * 10 is
// an integer of 310 digits, not Infinity). Values come in and go out as decimal text, as OPA's
// ast.Number: text -> nearest float (big.Float.SetString), one rounded operation, float -> text
// (builtins.FloatToNumber with big's roundShortest). The TypeScript evaluator does the same in
// src/policy/topdown/bigfloat.ts; the two must agree digit for digit.
//
// A value is (neg, m, e): (-1)^neg * m * 2^e with m a u64 whose top bit is set, or m == 0 (a signed
// zero). A precision below 64 leaves the low bits of m zero. Results land in the globals rNeg,
// rM, rE. Exact big-integer steps (reading and writing decimals) use bignum.ts on buffers taken
// from the evaluation's heap.
import { alloc, fail } from "./mem";
import { bnSet, bnShl, bnMulAdd, bnMulSmall, bnMulPow10, bnBits, bnBit, bnAnyBelow, bnIsZero, bnCmp, bnSub, bnCopy, bnDivSmall } from "./bignum";

export let rNeg: bool = false;
export let rM: u64 = 0;
export let rE: i32 = 0;

// Magnitudes past about 10^±4000 (or more than 4000 significant digits) stop the evaluation: exact
// big integers for them would cost unbounded time and memory. OPA has no such limit; failing closed
// is the answer that is never different from OPA's.
const MAX_DECIMAL_EXPONENT: i32 = 4000;
const MAX_DIGITS: i32 = 4000;
const MAX_BINARY_EXPONENT: i32 = 13300;

const RANGE_MSG = memory.data<u8>([
  // "number beyond the magnitude or digits this engine computes with (10^+-4000, 4000 digits)"
  110, 117, 109, 98, 101, 114, 32, 98, 101, 121, 111, 110, 100, 32, 116, 104, 101, 32, 109, 97, 103, 110, 105, 116, 117, 100, 101,
  32, 111, 114, 32, 100, 105, 103, 105, 116, 115, 32, 116, 104, 105, 115, 32, 101, 110, 103, 105, 110, 101, 32, 99, 111, 109, 112,
  117, 116, 101, 115, 32, 119, 105, 116, 104, 32, 40, 49, 48, 94, 43, 45, 52, 48, 48, 48, 44, 32, 52, 48, 48, 48, 32, 100, 105, 103,
  105, 116, 115, 41, 0]);

function outOfRange(): void { fail(<usize>RANGE_MSG); }

/** A bignum buffer from the heap with room for `bits` bits. */
function bigBuf(bits: i32): u32 {
  const limbs = (bits >> 5) + 4;
  const p = alloc(<u32>(limbs + 1) << 2);
  store<u32>(p, 0);
  return p;
}

function setZero(neg: bool): void { rNeg = neg; rM = 0; rE = 0; }

/**
 * Rounds (-1)^neg * (hi * 2^64 + lo + s) * 2^e, where s is a positive amount below one unit when
 * `sticky`, to `prec` bits (half to even) into the result.
 */
function round128(neg: bool, hi: u64, lo: u64, sticky: bool, e: i32, prec: i32): void {
  if (hi == 0 && lo == 0) { setZero(neg); return; }
  // Normalise: the leading bit to bit 127 of (hi, lo).
  const z: i32 = hi != 0 ? <i32>clz(hi) : 64 + <i32>clz(lo);
  if (z >= 64) { hi = lo; lo = 0; e -= 64; }
  const zz = z & 63;
  if (zz != 0) { hi = (hi << <u64>zz) | (lo >> <u64>(64 - zz)); lo = lo << <u64>zz; e -= zz; }
  // Value = (hi . lo) * 2^(e + 64): keep the top prec bits of hi.
  const drop = 64 - prec; // bits of hi below the kept ones
  let m: u64 = drop == 0 ? hi : (hi >> <u64>drop) << <u64>drop;
  let roundBit: bool, below: bool;
  if (drop == 0) {
    roundBit = (lo >> 63) != 0;
    below = (lo << 1) != 0 || sticky;
  } else {
    roundBit = ((hi >> <u64>(drop - 1)) & 1) != 0;
    below = (drop > 1 && (hi & ((<u64>1 << <u64>(drop - 1)) - 1)) != 0) || lo != 0 || sticky;
  }
  let ex = e + 64;
  const unit: u64 = <u64>1 << <u64>drop;
  if (roundBit && (below || (m & unit) != 0)) {
    m += unit;
    if (m == 0) { m = <u64>1 << 63; ex++; } // carried out of the top: 2^64 -> 2^63 * 2
  }
  const top = ex + 63;
  if (top > MAX_BINARY_EXPONENT || top < -MAX_BINARY_EXPONENT) outOfRange();
  rNeg = neg; rM = m; rE = ex;
}

// ---- decimal text -> float ----

/** Top 128 bits of a bignum into round128 (the bits below as sticky), times 2^e2. */
function roundBig(neg: bool, x: u32, sticky: bool, e2: i32, prec: i32): void {
  const bl = <i32>bnBits(x);
  let hi: u64 = 0, lo: u64 = 0;
  const low = bl > 128 ? bl - 128 : 0;
  for (let b: i32 = bl - 1; b >= low; b--) {
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | <u64>bnBit(x, <u32>b);
  }
  round128(neg, hi, lo, sticky || (low > 0 && bnAnyBelow(x, <u32>low)), e2 + low, prec);
}

/** big.Float.SetString of the decimal text [p, p+n) at `prec` bits into the result. */
export function sfParse(p: u32, n: u32, prec: i32): void {
  let i = p;
  const end = p + n;
  let neg = false;
  if (i < end && load<u8>(i) == 45) { neg = true; i++; }
  else if (i < end && load<u8>(i) == 43) i++;
  // First pass: count significant digits (up to the last nonzero one) and find the exponent.
  let digits: i32 = 0, sig: i32 = 0, exp: i32 = 0, seenPoint = false;
  const start = i;
  for (; i < end; i++) {
    const c = load<u8>(i);
    if (c == 46 && !seenPoint) { seenPoint = true; continue; }
    if (c < 48 || c > 57) break;
    if (digits == 0 && c == 48) { if (seenPoint) exp--; continue; }
    if (seenPoint) exp--;
    digits++;
    if (c != 48) sig = digits;
  }
  const digitsEnd = i;
  if (i < end && (load<u8>(i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < end && (load<u8>(i) == 43 || load<u8>(i) == 45)) { eneg = load<u8>(i) == 45; i++; }
    let ev: i32 = 0;
    while (i < end && load<u8>(i) >= 48 && load<u8>(i) <= 57) { if (ev < 100000000) ev = ev * 10 + <i32>(load<u8>(i) - 48); i++; }
    exp += eneg ? -ev : ev;
  }
  if (digits == 0) { setZero(neg); return; }
  const position = digits + exp;
  if (sig > MAX_DIGITS || position > MAX_DECIMAL_EXPONENT || position < -MAX_DECIMAL_EXPONENT) { outOfRange(); return; }
  // Trailing zeros go into the exponent.
  exp += digits - sig;
  digits = sig;
  // Second pass: the significant digits into a big integer D; value = D * 10^exp.
  const D = bigBuf(digits * 4 + (exp > 0 ? exp * 4 : 0) + 64 + (exp < 0 ? -exp * 4 + 200 : 0));
  let taken: i32 = 0;
  for (let j = start; j < digitsEnd && taken < digits; j++) {
    const c = load<u8>(j);
    if (c == 46) continue;
    if (taken == 0 && c == 48) continue;
    taken++;
    bnMulAdd(D, 10, <u32>(c - 48));
  }
  if (exp >= 0) {
    bnMulPow10(D, exp);
    roundBig(neg, D, false, 0, prec);
    return;
  }
  // D / 10^-exp, with D scaled so that the quotient has at least prec + 2 bits.
  const P = bigBuf(-exp * 4 + 200);
  bnSet(P, 1);
  bnMulPow10(P, -exp);
  let shift = prec + 2 + <i32>bnBits(P) - <i32>bnBits(D);
  if (shift < 0) shift = 0;
  if (shift > 0) bnShl(D, <u32>shift);
  const Q = bigBuf(<i32>bnBits(D) + 64);
  let hi: u64 = 0, lo: u64 = 0;
  const qb = <i32>bnBits(D) - <i32>bnBits(P);
  // Long division, one quotient bit at a time; the quotient has at most prec + 4 bits.
  for (let b: i32 = qb; b >= 0; b--) {
    bnCopy(Q, P);
    if (b > 0) bnShl(Q, <u32>b);
    let bit: u64 = 0;
    if (bnCmp(D, Q) >= 0) { bnSub(D, Q); bit = 1; }
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | bit;
  }
  round128(neg, hi, lo, !bnIsZero(D), -shift, prec);
}

// ---- operations ----

/** a + b (sub: a - b) at `prec` bits into the result (big.Float.Add / Sub). */
export function sfAdd(an: bool, am: u64, ae: i32, bn: bool, bm: u64, be: i32, sub: bool, prec: i32): void {
  if (sub) bn = !bn;
  if (am == 0 && bm == 0) { setZero(an && bn); return; }
  if (am == 0) { round128(bn, 0, bm, false, be, prec); return; }
  if (bm == 0) { round128(an, 0, am, false, ae, prec); return; }
  // a is the larger magnitude.
  if (be > ae || (be == ae && bm > am)) {
    const tn = an; an = bn; bn = tn;
    const tm = am; am = bm; bm = tm;
    const te = ae; ae = be; be = te;
  }
  const d = ae - be;
  // a as (am, 0) * 2^(ae - 64); b shifted right by d into the same frame, lost bits as sticky.
  let bh: u64 = 0, bl: u64 = 0, sticky = false;
  if (d == 0) bh = bm;
  else if (d < 64) { bh = bm >> <u64>d; bl = bm << <u64>(64 - d); }
  else if (d == 64) bl = bm;
  else if (d < 128) { bl = bm >> <u64>(d - 64); sticky = (bm << <u64>(128 - d)) != 0; }
  else sticky = true;
  let hi: u64, lo: u64, e = ae - 64;
  if (an == bn) {
    lo = bl;
    hi = am + bh;
    const carry = hi < am;
    if (carry) {
      // 129 bits: shift right by one, the lost bit joins the sticky bits.
      sticky = sticky || (lo & 1) != 0;
      lo = (lo >> 1) | (hi << 63);
      hi = (hi >> 1) | (<u64>1 << 63);
      e++;
    }
    round128(an, hi, lo, sticky, e, prec);
    return;
  }
  // a - (b + s) = (a - b - 1) + (1 - s) when s > 0: the sticky part stays positive.
  lo = 0 - bl;
  let borrow: u64 = bl != 0 ? 1 : 0;
  hi = am - bh - borrow;
  if (sticky) {
    if (lo == 0) hi--;
    lo--;
  }
  if (hi == 0 && lo == 0 && !sticky) { setZero(false); return; } // x - x is +0
  round128(an, hi, lo, sticky, e, prec);
}

/** a * b at `prec` bits into the result. */
export function sfMul(an: bool, am: u64, ae: i32, bn: bool, bm: u64, be: i32, prec: i32): void {
  const neg = an != bn;
  if (am == 0 || bm == 0) { setZero(neg); return; }
  // 64 x 64 -> 128 bits from 32-bit halves.
  const a0 = am & 0xffffffff, a1 = am >> 32, b0 = bm & 0xffffffff, b1 = bm >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (p00 & 0xffffffff) | (mid << 32);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  round128(neg, hi, lo, false, ae + be, prec);
}

/** a / b (b not zero) at `prec` bits into the result. */
export function sfQuo(an: bool, am: u64, ae: i32, bn: bool, bm: u64, be: i32, prec: i32): void {
  const neg = an != bn;
  if (am == 0) { setZero(neg); return; }
  // Restoring division of am by bm (both with the top bit set): 128 quotient bits.
  let r = am;
  let hi: u64 = 0, lo: u64 = 0;
  for (let i = 0; i < 128; i++) {
    let bit: u64 = 0;
    if (i == 0) {
      if (r >= bm) { r -= bm; bit = 1; }
    } else {
      const over = (r >> 63) != 0;
      r = r << 1;
      if (over || r >= bm) { r -= bm; bit = 1; }
    }
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | bit;
  }
  round128(neg, hi, lo, r != 0, ae - be - 127, prec);
}

// ---- float -> text (math/big ftoa.go: roundShortest, then %f or %g) ----

// A decimal as Go's math/big keeps it: digits without trailing zeros at [ptr, ptr+len), value
// 0.digits * 10^exp. The three in use: the value (d) and the half-way points below and above it.
let dPtr: u32 = 0; let dLen: i32 = 0; let dExp: i32 = 0;
let lPtr: u32 = 0; let lLen: i32 = 0; let lExp: i32 = 0;
let uPtr: u32 = 0; let uLen: i32 = 0; let uExp: i32 = 0;
let tPtr: u32 = 0; let tLen: i32 = 0; let tExp: i32 = 0;

/** The exact decimal of x * 2^shift (x a bignum, consumed) into t*. */
function decimalInit(x: u32, shift: i32): void {
  if (bnIsZero(x)) { tPtr = 0; tLen = 0; tExp = 0; return; }
  if (shift > 0) bnShl(x, <u32>shift);
  else if (shift < 0) {
    // x * 2^shift = x * 5^-shift / 10^-shift
    let k = -shift;
    while (k >= 13) { bnMulSmall(x, 1220703125); k -= 13; }
    let m: u32 = 1;
    while (k > 0) { m *= 5; k--; }
    if (m != 1) bnMulSmall(x, m);
  }
  // Base-1e9 chunks, least significant first, then the digits most significant first.
  const maxChunks = (<i32>bnBits(x) / 29) + 2;
  const chunks = alloc(<u32>maxChunks << 2);
  let nc: i32 = 0;
  while (!bnIsZero(x)) { store<u32>(chunks + (<u32>nc << 2), bnDivSmall(x, 1000000000)); nc++; }
  const out = alloc(<u32>nc * 9);
  let n: u32 = 0;
  for (let c = nc - 1; c >= 0; c--) {
    let v = load<u32>(chunks + (<u32>c << 2));
    let w: i32 = 9;
    if (c == nc - 1) { w = 0; let t = v; do { w++; t /= 10; } while (t > 0); }
    for (let j = w - 1; j >= 0; j--) { store<u8>(out + n + <u32>j, <u8>(48 + v % 10)); v /= 10; }
    n += <u32>w;
  }
  let len = <i32>n;
  tExp = len + (shift < 0 ? shift : 0);
  while (len > 0 && load<u8>(out + <u32>len - 1) == 48) len--;
  tPtr = out; tLen = len;
}

/** Room for the decimal of a 66-bit integer times 2^shift (5^-shift for a negative shift). */
function decimalBits(shift: i32): i32 { return 130 + (shift > 0 ? shift : (-shift * 7) / 3 + 1); }

function mantBig(m: u64, delta: i32, shift: i32): u32 {
  // 2m + delta (delta in -1, 0, 1) as a bignum.
  const x = bigBuf(decimalBits(shift));
  bnSet(x, m);
  bnShl(x, 1);
  if (delta > 0) bnMulAdd(x, 1, 1);
  else if (delta < 0) {
    const one = bigBuf(64);
    bnSet(one, 1);
    bnSub(x, one);
  }
  return x;
}

function digitAt(p: u32, len: i32, i: i32): u32 { return i >= 0 && i < len ? <u32>load<u8>(p + <u32>i) : 48; }

function trimD(): void {
  while (dLen > 0 && load<u8>(dPtr + <u32>dLen - 1) == 48) dLen--;
  if (dLen == 0) dExp = 0;
}

function roundDownD(n: i32): void {
  if (n < 0 || n >= dLen) return;
  dLen = n;
  trimD();
}

function roundUpD(n: i32): void {
  if (n < 0 || n >= dLen) return;
  while (n > 0 && load<u8>(dPtr + <u32>n - 1) >= 57) n--;
  if (n == 0) { store<u8>(dPtr, 49); dLen = 1; dExp++; return; }
  store<u8>(dPtr + <u32>n - 1, load<u8>(dPtr + <u32>n - 1) + 1);
  dLen = n;
}

function roundD(n: i32): void {
  if (n < 0 || n >= dLen) return;
  const c = load<u8>(dPtr + <u32>n);
  let up: bool;
  if (c == 53 && n + 1 == dLen) up = n > 0 && ((load<u8>(dPtr + <u32>n - 1) - 48) & 1) != 0;
  else up = c >= 53;
  if (up) roundUpD(n); else roundDownD(n);
}

/** ftoa.go roundShortest at `prec` bits (the interval is x +- half an ulp, even at a power of two). */
function roundShortest(m: u64, e: i32, prec: i32): void {
  if (dLen == 0) return;
  // The mantissa with prec + 1 bits, its lsb half an ulp: 2 * (m >> (64 - prec)) at e + (64 - prec) - 1.
  const pm = m >> <u64>(64 - prec);
  const pe = e + (64 - prec) - 1;
  decimalInit(mantBig(pm, -1, pe), pe); lPtr = tPtr; lLen = tLen; lExp = tExp;
  decimalInit(mantBig(pm, 1, pe), pe); uPtr = tPtr; uLen = tLen; uExp = tExp;
  const inclusive = (pm & 1) == 0;
  for (let i: i32 = 0; i < dLen; i++) {
    const c = <u32>load<u8>(dPtr + <u32>i);
    const l = digitAt(lPtr, lLen, i);
    const u = digitAt(uPtr, uLen, i);
    const okdown = l != c || (inclusive && i + 1 == lLen);
    const okup = c != u && (inclusive || c + 1 < u || i + 1 < uLen);
    if (okdown && okup) { roundD(i + 1); return; }
    if (okdown) { roundDownD(i + 1); return; }
    if (okup) { roundUpD(i + 1); return; }
  }
}

function isIntegral(m: u64, e: i32): bool {
  if (m == 0 || e >= 0) return true;
  if (e <= -64) return false;
  return (m & ((<u64>1 << <u64>(-e)) - 1)) == 0;
}

// Output cursor.
let oPtr: u32 = 0;
let oLen: u32 = 0;
function put(c: u32): void { store<u8>(oPtr + oLen, <u8>c); oLen++; }

function fmtF(prec: i32): void {
  if (dExp > 0) {
    const m = dLen < dExp ? dLen : dExp;
    for (let i: i32 = 0; i < m; i++) put(load<u8>(dPtr + <u32>i));
    for (let i = m; i < dExp; i++) put(48);
  } else put(48);
  if (prec > 0) {
    put(46);
    for (let i: i32 = 0; i < prec; i++) put(digitAt(dPtr, dLen, dExp + i));
  }
}

function fmtE(prec: i32): void {
  put(dLen > 0 ? load<u8>(dPtr) : 48);
  if (prec > 0) {
    put(46);
    let i: i32 = 1;
    const m = dLen < prec + 1 ? dLen : prec + 1;
    for (; i < m; i++) put(load<u8>(dPtr + <u32>i));
    for (; i <= prec; i++) put(48);
  }
  put(101);
  let x: i32 = dLen > 0 ? dExp - 1 : 0;
  if (x < 0) { put(45); x = -x; } else put(43);
  if (x < 10) put(48);
  // decimal digits of x
  let t = x, w = 0;
  do { w++; t /= 10; } while (t > 0);
  for (let j = w - 1; j >= 0; j--) { store<u8>(oPtr + oLen + <u32>j, <u8>(48 + x % 10)); x /= 10; }
  oLen += <u32>w;
}

export let textPtr: u32 = 0;
export let textLen: u32 = 0;

/** builtins.FloatToNumber of the result at `prec` bits: Text('f', -1) when integral, else Text('g', -1). */
export function sfFormat(neg: bool, m: u64, e: i32, prec: i32): void {
  const x = bigBuf(decimalBits(e));
  bnSet(x, m);
  decimalInit(x, e);
  dPtr = tPtr; dLen = tLen; dExp = tExp;
  roundShortest(m, e, prec);
  const room = <u32>(dLen + (dExp < 0 ? -dExp : dExp) + 16);
  oPtr = alloc(room); oLen = 0;
  if (neg) put(45);
  if (isIntegral(m, e)) fmtF(dLen - dExp > 0 ? dLen - dExp : 0);
  else {
    const x10 = dExp - 1;
    if (x10 < -4 || x10 >= 6) fmtE(dLen - 1);
    else fmtF(dLen - dExp > 0 ? dLen - dExp : 0);
  }
  textPtr = oPtr; textLen = oLen;
}

/** The decimal digits of the integer (-1)^neg * |trunc(m * 2^e)| + add (add 0 or 1 to the magnitude) into textPtr/textLen. */
export function sfIntText(neg: bool, m: u64, e: i32, add: u32): void {
  const x = bigBuf(decimalBits(e > 0 ? e : 0));
  if (e >= 0) { bnSet(x, m); bnShl(x, <u32>e); }
  else bnSet(x, e <= -64 ? 0 : m >> <u64>(-e));
  if (add != 0) bnMulAdd(x, 1, add);
  const zero = bnIsZero(x);
  decimalInit(x, 0);
  oPtr = alloc(<u32>tExp + 2); oLen = 0;
  if (neg && !zero) put(45);
  if (zero) put(48);
  for (let i: i32 = 0; i < tExp; i++) put(digitAt(tPtr, tLen, i));
  textPtr = oPtr; textLen = oLen;
}

// ---- exact comparison of decimal texts ----

// Significant digits of a decimal text (without '.', leading and trailing zeros) and the position
// of the decimal point relative to the first of them.
let cStart: u32 = 0; let cEnd: u32 = 0; let cPos: i64 = 0; let cNeg: bool = false; let cDigits: i32 = 0;

function scanDecimal(p: u32, n: u32): void {
  let i = p;
  const end = p + n;
  cNeg = i < end && load<u8>(i) == 45;
  if (cNeg || (i < end && load<u8>(i) == 43)) i++;
  let digits: i32 = 0, intDigits: i64 = 0, seenPoint = false, leadingFrac: i64 = 0;
  cStart = 0; cEnd = 0;
  let lastNonZero: u32 = 0;
  for (; i < end; i++) {
    const c = load<u8>(i);
    if (c == 46 && !seenPoint) { seenPoint = true; continue; }
    if (c < 48 || c > 57) break;
    if (digits == 0 && c == 48) { if (seenPoint) leadingFrac++; continue; }
    if (digits == 0) cStart = i;
    digits++;
    if (!seenPoint) intDigits++;
    if (c != 48) lastNonZero = i;
  }
  let ev: i64 = 0;
  if (i < end && (load<u8>(i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < end && (load<u8>(i) == 43 || load<u8>(i) == 45)) { eneg = load<u8>(i) == 45; i++; }
    while (i < end && load<u8>(i) >= 48 && load<u8>(i) <= 57) { if (ev < 1000000000000) ev = ev * 10 + <i64>(load<u8>(i) - 48); i++; }
    if (eneg) ev = -ev;
  }
  cDigits = digits;
  cEnd = digits == 0 ? 0 : lastNonZero + 1;
  cPos = digits == 0 ? 0 : (intDigits > 0 ? intDigits : -leadingFrac) + ev;
}

/** The order of the rationals two decimal texts denote. */
export function cmpDecimalTexts(pa: u32, na: u32, pb: u32, nb: u32): i32 {
  scanDecimal(pa, na);
  const aNeg = cNeg, aStart = cStart, aEnd = cEnd, aPos = cPos, aZero = cDigits == 0;
  scanDecimal(pb, nb);
  const bNeg = cNeg, bStart = cStart, bEnd = cEnd, bPos = cPos, bZero = cDigits == 0;
  const sa: i32 = aZero ? 0 : (aNeg ? -1 : 1);
  const sb: i32 = bZero ? 0 : (bNeg ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  let c: i32 = 0;
  if (aPos != bPos) c = aPos < bPos ? -1 : 1;
  else {
    // Digit by digit, skipping the decimal point; the shorter sequence is padded with zeros.
    let i = aStart, j = bStart;
    while (c == 0 && (i < aEnd || j < bEnd)) {
      if (i < aEnd && load<u8>(i) == 46) { i++; continue; }
      if (j < bEnd && load<u8>(j) == 46) { j++; continue; }
      const x: u32 = i < aEnd ? load<u8>(i) : 48;
      const y: u32 = j < bEnd ? load<u8>(j) : 48;
      if (x != y) c = x < y ? -1 : 1;
      i++; j++;
    }
  }
  return sa < 0 ? -c : c;
}

