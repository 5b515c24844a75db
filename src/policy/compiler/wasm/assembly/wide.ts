// Exact integer +, - and * beyond i64, as OPA computes them (Go's big.Int). Operands are ints or
// numbers that kept their integer digits; magnitudes are little-endian base-1e9 limbs in the
// evaluation's heap, and the result is written back as digits (an int again when it fits i64).
import { alloc } from "./mem";
import { N_INT, numKind, intVal, numTextPtr, numTextLen, plainInteger } from "./value";
import { numberFromText } from "./json";
import { bnMulAdd, bnBits, bnShl, bnCmp, bnSub, bnCopy, bnIsZero, bnDivSmall } from "./bignum";

const BASE: u64 = 1000000000;

/** True for an int, or a number whose text is a plain integer (a literal or input beyond i64). */
export function hasIntegerDigits(v: u32): bool {
  if (numKind(v) == N_INT) return true;
  return numTextLen(v) > 0 && plainInteger(numTextPtr(v), numTextLen(v));
}

// The last magnitude read or built: its sign and limb count (pointers are returned).
let mNeg: bool = false;
let mLen: u32 = 0;

function limbsOf(v: u32): u32 {
  if (numKind(v) == N_INT) {
    const x = intVal(v);
    mNeg = x < 0;
    // -i64.MIN wraps to i64.MIN, whose u64 reading is 2^63: still the right magnitude.
    let u: u64 = mNeg ? <u64>(-x) : <u64>x;
    const p = alloc(12);
    let n: u32 = 0;
    do { store<u32>(p + (n << 2), <u32>(u % BASE)); u /= BASE; n++; } while (u > 0);
    mLen = n;
    return p;
  }
  const tp = numTextPtr(v), tl = numTextLen(v);
  mNeg = load<u8>(tp) == 45;
  const start: u32 = mNeg ? 1 : 0;
  const n = (tl - start + 8) / 9;
  const p = alloc(n << 2);
  let end = tl;
  for (let i: u32 = 0; i < n; i++) {
    const s = end >= start + 9 ? end - 9 : start;
    let limb: u32 = 0;
    for (let j = s; j < end; j++) limb = limb * 10 + (<u32>load<u8>(tp + j) - 48);
    store<u32>(p + (i << 2), limb);
    end = s;
  }
  mLen = n;
  return p;
}

function limb(p: u32, n: u32, i: u32): u64 { return i < n ? <u64>load<u32>(p + (i << 2)) : 0; }

function cmpMag(a: u32, la: u32, b: u32, lb: u32): i32 {
  const n = la > lb ? la : lb;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const x = limb(a, la, <u32>i), y = limb(b, lb, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

function addMag(a: u32, la: u32, b: u32, lb: u32): u32 {
  const n = (la > lb ? la : lb) + 1;
  const p = alloc(n << 2);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = limb(a, la, i) + limb(b, lb, i) + carry;
    store<u32>(p + (i << 2), <u32>(s % BASE));
    carry = s / BASE;
  }
  mLen = n;
  return p;
}

/** |a| - |b| for |a| >= |b|. */
function subMag(a: u32, la: u32, b: u32, lb: u32): u32 {
  const p = alloc(la << 2);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < la; i++) {
    let d = <i64>limb(a, la, i) - <i64>limb(b, lb, i) - borrow;
    borrow = 0;
    if (d < 0) { d += <i64>BASE; borrow = 1; }
    store<u32>(p + (i << 2), <u32>d);
  }
  mLen = la;
  return p;
}

function mulMag(a: u32, la: u32, b: u32, lb: u32): u32 {
  const n = la + lb;
  const p = alloc(n << 2);
  for (let i: u32 = 0; i < n; i++) store<u32>(p + (i << 2), 0);
  for (let i: u32 = 0; i < la; i++) {
    let carry: u64 = 0;
    const x = limb(a, la, i);
    for (let j: u32 = 0; j < lb || carry > 0; j++) {
      const at = p + ((i + j) << 2);
      const cur = <u64>load<u32>(at) + x * limb(b, lb, j) + carry;
      store<u32>(at, <u32>(cur % BASE));
      carry = cur / BASE;
    }
  }
  mLen = n;
  return p;
}

/** The magnitude's digits (with a sign) as a number value. */
function toNumber(p: u32, n: u32, neg: bool): u32 {
  while (n > 1 && load<u32>(p + ((n - 1) << 2)) == 0) n--;
  const buf = alloc(n * 9 + 1);
  let o = buf;
  const zero = n == 1 && load<u32>(p) == 0;
  if (neg && !zero) store<u8>(o++, 45);
  for (let i = <i32>n - 1; i >= 0; i--) {
    let x = load<u32>(p + (<u32>i << 2));
    const width: i32 = i == <i32>n - 1 ? 0 : 9;
    // Digits of one limb, most significant first; lower limbs are padded to 9 digits.
    let digits: i32 = 0;
    let t = x;
    do { digits++; t /= 10; } while (t > 0);
    if (width > digits) for (let z = digits; z < width; z++) store<u8>(o++, 48);
    for (let d = digits - 1; d >= 0; d--) { store<u8>(o + <u32>d, <u8>(48 + x % 10)); x /= 10; }
    o += <u32>digits;
  }
  return numberFromText(buf, o - buf);
}

/** Exact a + b (sub: a - b) of two integers of any width. */
export function wideAdd(a: u32, b: u32, sub: bool): u32 {
  const pa = limbsOf(a); const na = mNeg; const la = mLen;
  const pb = limbsOf(b); const nb = sub ? !mNeg : mNeg; const lb = mLen;
  if (na == nb) { const p = addMag(pa, la, pb, lb); return toNumber(p, mLen, na); }
  const c = cmpMag(pa, la, pb, lb);
  if (c == 0) return numberFromText(<u32>memory.data<u8>([48]), 1);
  if (c > 0) { const p = subMag(pa, la, pb, lb); return toNumber(p, mLen, na); }
  const p = subMag(pb, lb, pa, la);
  return toNumber(p, mLen, nb);
}

/** Exact a * b of two integers of any width. */
export function wideMul(a: u32, b: u32): u32 {
  const pa = limbsOf(a); const na = mNeg; const la = mLen;
  const pb = limbsOf(b); const nb = mNeg; const lb = mLen;
  const p = mulMag(pa, la, pb, lb);
  return toNumber(p, mLen, na != nb);
}

/** The magnitude of an integer value (its digits) as a binary bignum on the heap; mNeg has its sign. */
function bigOf(v: u32): u32 {
  const p = limbsOf(v);
  const n = mLen;
  const x = alloc((n * 30 / 32 + 4) << 2);
  store<u32>(x, 0);
  for (let i = <i32>n - 1; i >= 0; i--) bnMulAdd(x, 1000000000, load<u32>(p + (<u32>i << 2)));
  let l = load<u32>(x);
  while (l > 0 && load<u32>(x + (l << 2)) == 0) l--;
  store<u32>(x, l);
  return x;
}

/**
 * Exact a % b of two integers of any width (Go's big.Int.Rem: truncated, the sign of a), as OPA's
 * opRem does beyond the int32 window; 0 (undefined: "modulo by zero") for a zero divisor.
 */
export function wideRem(a: u32, b: u32): u32 {
  const x = bigOf(a); const neg = mNeg;
  const y = bigOf(b);
  if (bnIsZero(y)) return 0;
  const q = alloc((load<u32>(x) + 4) << 2);
  // Shift-and-subtract: x -= y * 2^k from the highest k down; x ends as the remainder.
  for (let k = <i32>bnBits(x) - <i32>bnBits(y); k >= 0; k--) {
    bnCopy(q, y);
    if (k > 0) bnShl(q, <u32>k);
    if (bnCmp(x, q) >= 0) bnSub(x, q);
  }
  // Base-1e9 limbs back, least significant first, for toNumber.
  const out = alloc((load<u32>(x) * 32 / 29 + 2) << 2);
  let n: u32 = 0;
  do { store<u32>(out + (n << 2), bnDivSmall(x, 1000000000)); n++; } while (!bnIsZero(x));
  return toNumber(out, n, neg);
}
