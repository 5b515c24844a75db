// Unsigned big integers in linear memory for exact decimal <-> binary conversion of f64 (numfmt.ts,
// numparse.ts): little-endian u32 limbs after a u32 limb count. Callers own the buffers (BIG_BYTES
// each) and keep every value below 2^(32 * BIG_LIMBS).

export const BIG_LIMBS: u32 = 160;
export const BIG_BYTES: i32 = (160 + 1) * 4;

// @ts-ignore: decorator
@inline export function bnLen(x: usize): u32 { return load<u32>(x); }
// @ts-ignore: decorator
@inline export function bnLimb(x: usize, i: u32): u32 { return load<u32>(x + 4 + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setLimb(x: usize, i: u32, v: u32): void { store<u32>(x + 4 + (<usize>i << 2), v); }

function trim(x: usize): void {
  let n = bnLen(x);
  while (n > 0 && bnLimb(x, n - 1) == 0) n--;
  store<u32>(x, n);
}

export function bnSet(x: usize, v: u64): void {
  setLimb(x, 0, <u32>v);
  setLimb(x, 1, <u32>(v >> 32));
  store<u32>(x, 2);
  trim(x);
}

export function bnIsZero(x: usize): bool { return bnLen(x) == 0; }

/** Number of significant bits. */
export function bnBits(x: usize): u32 {
  const n = bnLen(x);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <u32>clz(bnLimb(x, n - 1)));
}

/** x <<= n */
export function bnShl(x: usize, n: u32): void {
  const words = n >> 5;
  const bits = n & 31;
  const l = bnLen(x);
  if (l == 0) return;
  const top: u32 = l + words;
  setLimb(x, top, 0);
  for (let i: i32 = <i32>l - 1; i >= 0; i--) {
    const v = bnLimb(x, <u32>i);
    const dst = <u32>i + words;
    if (bits == 0) { setLimb(x, dst, v); continue; }
    setLimb(x, dst + 1, bnLimb(x, dst + 1) | (v >> (32 - bits)));
    setLimb(x, dst, v << bits);
  }
  for (let i: u32 = 0; i < words; i++) setLimb(x, i, 0);
  store<u32>(x, top + 1);
  trim(x);
}

/** x = x * m + a */
export function bnMulAdd(x: usize, m: u32, a: u32): void {
  let carry: u64 = <u64>a;
  const l = bnLen(x);
  for (let i: u32 = 0; i < l; i++) {
    const p = <u64>bnLimb(x, i) * <u64>m + carry;
    setLimb(x, i, <u32>p);
    carry = p >> 32;
  }
  if (carry != 0) { setLimb(x, l, <u32>carry); store<u32>(x, l + 1); }
}

/** x *= m */
export function bnMulSmall(x: usize, m: u32): void { bnMulAdd(x, m, 0); trim(x); }

/** x *= 10^k (k >= 0) */
export function bnMulPow10(x: usize, k: i32): void {
  while (k >= 9) { bnMulSmall(x, 1000000000); k -= 9; }
  let m: u32 = 1;
  while (k > 0) { m *= 10; k--; }
  if (m != 1) bnMulSmall(x, m);
}

/** dst = a + b (dst may be a) */
export function bnAdd(dst: usize, a: usize, b: usize): void {
  const la = bnLen(a);
  const lb = bnLen(b);
  const n = la > lb ? la : lb;
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = <u64>(i < la ? bnLimb(a, i) : 0) + <u64>(i < lb ? bnLimb(b, i) : 0) + carry;
    setLimb(dst, i, <u32>s);
    carry = s >> 32;
  }
  let l = n;
  if (carry != 0) { setLimb(dst, n, <u32>carry); l++; }
  store<u32>(dst, l);
}

/** a -= b (a >= b) */
export function bnSub(a: usize, b: usize): void {
  const la = bnLen(a);
  const lb = bnLen(b);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < la; i++) {
    let d = <i64>bnLimb(a, i) - <i64>(i < lb ? bnLimb(b, i) : 0) - borrow;
    borrow = 0;
    if (d < 0) { d += 0x100000000; borrow = 1; }
    setLimb(a, i, <u32>d);
  }
  trim(a);
}

export function bnCmp(a: usize, b: usize): i32 {
  const la = bnLen(a);
  const lb = bnLen(b);
  if (la != lb) return la < lb ? -1 : 1;
  for (let i: i32 = <i32>la - 1; i >= 0; i--) {
    const x = bnLimb(a, <u32>i);
    const y = bnLimb(b, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function bnCopy(dst: usize, src: usize): void {
  memory.copy(dst, src, 4 + (<usize>bnLen(src) << 2));
}

/** Bit i of x. */
export function bnBit(x: usize, i: u32): u32 {
  const w = i >> 5;
  if (w >= bnLen(x)) return 0;
  return (bnLimb(x, w) >> (i & 31)) & 1;
}

/** Whether any of the bits below bit n of x is set. */
export function bnAnyBelow(x: usize, n: u32): bool {
  const w = n >> 5;
  const l = bnLen(x);
  for (let i: u32 = 0; i < w && i < l; i++) if (bnLimb(x, i) != 0) return true;
  if (w < l && (n & 31) != 0 && (bnLimb(x, w) & ((<u32>1 << (n & 31)) - 1)) != 0) return true;
  return false;
}

/** x /= d (d > 0); returns the remainder. */
export function bnDivSmall(x: usize, d: u32): u32 {
  let rem: u64 = 0;
  for (let i: i32 = <i32>bnLen(x) - 1; i >= 0; i--) {
    const cur = (rem << 32) | <u64>bnLimb(x, <u32>i);
    setLimb(x, <u32>i, <u32>(cur / <u64>d));
    rem = cur % <u64>d;
  }
  trim(x);
  return <u32>rem;
}
