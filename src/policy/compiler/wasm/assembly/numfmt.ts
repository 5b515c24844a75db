// Shortest decimal text for an f64 that parses back to the same value (of the shortest ones, the
// closest; a tie goes to the even digit), as Go's strconv.FormatFloat(f, 'g', -1, 64) and JS's
// Number.prototype.toString choose the digits, in the shape OPA gives a computed number (below).
//
// The digits come from Burger & Dybvig's free-format algorithm on exact big integers: the value and
// the half-way points to its neighbours are kept as integer ratios, so no digit depends on a rounded
// floating-point step (scaling by Math.pow gave 10/11 -> ...092 where the right text is ...091).

import { bnSet, bnShl, bnMulSmall, bnMulPow10, bnAdd, bnSub, bnCmp } from "./bignum";

// Work registers (bignum.ts layout, 160 limbs each). Values stay below 2^1300.
const R = memory.data(644, 8);
const S = memory.data(644, 8);
const MP = memory.data(644, 8);
const MM = memory.data(644, 8);
const T = memory.data(644, 8);
const DIG = memory.data(32, 8);
const EXP = memory.data(8, 8);

/** Compares a + b with c. */
function bnCmpSum(a: usize, b: usize, c: usize): i32 {
  bnAdd(T, a, b);
  return bnCmp(T, c);
}

/**
 * The shortest digits of f > 0 (finite) into DIG; returns their count and leaves in EXP the decimal
 * exponent k with f = 0.d1d2...dn * 10^k.
 */
function shortestDigits(f: f64): u32 {
  const bits = reinterpret<u64>(f);
  const be = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  const mant: u64 = be == 0 ? frac : frac | (<u64>1 << 52);
  const e: i32 = be == 0 ? -1074 : be - 1075;
  // Round-half-even parsing maps a half-way point to the even mantissa, so for an even mantissa the
  // interval of texts that parse back to f includes its ends.
  const even = (mant & 1) == 0;
  // The gap below is half the gap above at a power of two (except at the smallest exponent).
  const unequal = frac == 0 && be > 1;
  // f = R/S; the half-way points to the neighbours are (R - MM)/S and (R + MP)/S.
  if (e >= 0) {
    bnSet(R, mant); bnShl(R, <u32>e + (unequal ? 2 : 1));
    bnSet(S, unequal ? 4 : 2);
    bnSet(MP, 1); bnShl(MP, <u32>e + (unequal ? 1 : 0));
    bnSet(MM, 1); bnShl(MM, <u32>e);
  } else {
    bnSet(R, mant); bnShl(R, unequal ? 2 : 1);
    bnSet(S, 1); bnShl(S, <u32>((unequal ? 2 : 1) - e));
    bnSet(MP, unequal ? 2 : 1);
    bnSet(MM, 1);
  }
  // k = ceil(log10 f), estimated (never too high), then corrected.
  let k = <i32>Math.ceil(Math.log10(f) - 1e-10);
  if (k >= 0) bnMulPow10(S, k);
  else { bnMulPow10(R, -k); bnMulPow10(MP, -k); bnMulPow10(MM, -k); }
  const high = bnCmpSum(R, MP, S);
  if (even ? high >= 0 : high > 0) { bnMulSmall(S, 10); k++; }
  let n: u32 = 0;
  while (true) {
    bnMulSmall(R, 10); bnMulSmall(MP, 10); bnMulSmall(MM, 10);
    let d: u32 = 0;
    while (bnCmp(R, S) >= 0) { bnSub(R, S); d++; }
    const low = bnCmp(R, MM);
    const up = bnCmpSum(R, MP, S);
    const tc1 = even ? low <= 0 : low < 0;
    const tc2 = even ? up >= 0 : up > 0;
    if (!tc1 && !tc2) { store<u8>(DIG + n, <u8>(48 + d)); n++; continue; }
    if (tc1 && tc2) {
      // Both d and d+1 parse back to f: take the closer one (the even one on a tie).
      bnAdd(T, R, R);
      const c = bnCmp(T, S);
      if (c > 0 || (c == 0 && (d & 1) == 1)) d++;
    } else if (tc2) d++;
    store<u8>(DIG + n, <u8>(48 + d)); n++;
    break;
  }
  store<i32>(EXP, k);
  return n;
}

/**
 * Writes the text of f to out (at most 330 bytes); returns its length. The shape is OPA's for a
 * computed number (topdown's builtins.FloatToNumber: big.Float.Text, 'f' for an integral value,
 * else 'g' with the shortest digits): an integral value is written out in full ('f', zeros after
 * the digits; every f64 from 2^53 up is integral), any other in 'e' form when its decimal exponent
 * is below -4 or from 6 up (1.2345678e+06, 5e-05: sign and at least two exponent digits), else
 * in 'f' form.
 */
export function formatF64(f: f64, out: u32): u32 {
  if (isNaN(f) || !isFinite(f)) { store<u8>(out, 48); return 1; }
  let n: u32 = 0;
  if (f < 0) { store<u8>(out, 45); n = 1; f = -f; }
  if (f == 0) { store<u8>(out + n, 48); return n + 1; }
  const dl = shortestDigits(f);
  const exp = load<i32>(EXP) - 1; // decimal exponent of the first digit
  if (f != Math.floor(f) && (exp < -4 || exp >= 6)) return n + writeE(out + n, dl, exp);
  return n + writeF(out + n, dl, exp);
}

function writeE(out: u32, dl: u32, exp: i32): u32 {
  let n: u32 = 0;
  store<u8>(out, load<u8>(DIG)); n++;
  if (dl > 1) {
    store<u8>(out + n, 46); n++;
    for (let i: u32 = 1; i < dl; i++) { store<u8>(out + n, load<u8>(DIG + i)); n++; }
  }
  store<u8>(out + n, 101); n++;
  store<u8>(out + n, exp < 0 ? 45 : 43); n++;
  const ae = exp < 0 ? -exp : exp;
  if (ae >= 100) { store<u8>(out + n, <u8>(48 + ae / 100)); n++; }
  store<u8>(out + n, <u8>(48 + (ae / 10) % 10)); n++;
  store<u8>(out + n, <u8>(48 + ae % 10)); n++;
  return n;
}

function writeF(out: u32, dl: u32, exp: i32): u32 {
  let n: u32 = 0;
  const intDigits = exp + 1;
  if (intDigits <= 0) {
    store<u8>(out + n, 48); n++;
    store<u8>(out + n, 46); n++;
    for (let i: i32 = 0; i < -intDigits; i++) { store<u8>(out + n, 48); n++; }
    for (let i: u32 = 0; i < dl; i++) { store<u8>(out + n, load<u8>(DIG + i)); n++; }
    return n;
  }
  for (let i: i32 = 0; i < <i32>dl; i++) {
    if (i == intDigits) { store<u8>(out + n, 46); n++; }
    store<u8>(out + n, load<u8>(DIG + <u32>i)); n++;
  }
  // An integral value: the digits end before the decimal point, zeros fill up to it.
  for (let i: i32 = <i32>dl; i < intDigits; i++) { store<u8>(out + n, 48); n++; }
  return n;
}
