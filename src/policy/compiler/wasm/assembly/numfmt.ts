// Shortest decimal text for an f64 that parses back to the same value, in the shape Go's
// strconv uses for JSON ('f' form for exponents in [-7, 21), else 'e' form).
import { parseF64 } from "./json";

const DIG = memory.data(64, 8);

function writeInt(out: u32, n: u32, v: u64): u32 {
  let k: u32 = 0;
  if (v == 0) { store<u8>(DIG, 48); k = 1; }
  while (v > 0) { store<u8>(DIG + k, <u8>(48 + <u32>(v % 10))); v /= 10; k++; }
  for (let i: u32 = 0; i < k; i++) store<u8>(out + n + i, load<u8>(DIG + (k - 1 - i)));
  return n + k;
}

/** Writes the text of f to out (at most 40 bytes); returns its length. */
export function formatF64(f: f64, out: u32): u32 {
  if (isNaN(f) || !isFinite(f)) { store<u8>(out, 48); return 1; }
  let n: u32 = 0;
  if (f < 0) { store<u8>(out, 45); n = 1; f = -f; }
  if (f == 0) { store<u8>(out + n, 48); return n + 1; }
  const e10 = <i32>Math.floor(Math.log10(f));
  // Find the fewest significant digits that round-trip.
  let digits: u64 = 0;
  let p: i32 = 1;
  let scale: i32 = 0;
  for (; p <= 17; p++) {
    scale = p - 1 - e10;
    const scaled = scale >= 0 ? f * Math.pow(10, <f64>scale) : f / Math.pow(10, <f64>(-scale));
    digits = <u64>Math.round(scaled);
    const back = scale >= 0 ? <f64>digits / Math.pow(10, <f64>scale) : <f64>digits * Math.pow(10, <f64>(-scale));
    if (back == f) break;
  }
  if (p > 17) p = 17;
  // Strip trailing zeros of the digit string.
  while (digits > 0 && digits % 10 == 0 && scale > 0) { digits /= 10; scale--; }
  // Digit text
  const dl = writeInt(<u32>DIG + 32, 0, digits);
  const dtext = <u32>DIG + 32;
  const exp = <i32>dl - 1 - scale; // decimal exponent of the first digit
  if (exp < -7 || exp >= 21) {
    store<u8>(out + n, load<u8>(dtext)); n++;
    if (dl > 1) {
      store<u8>(out + n, 46); n++;
      for (let i: u32 = 1; i < dl; i++) { store<u8>(out + n, load<u8>(dtext + i)); n++; }
    }
    store<u8>(out + n, 101); n++;
    store<u8>(out + n, exp < 0 ? 45 : 43); n++;
    const ae = exp < 0 ? -exp : exp;
    if (ae < 10) { store<u8>(out + n, 48); n++; }
    n = writeIntAt(out, n, <u64>ae);
    return n;
  }
  if (scale <= 0) {
    for (let i: u32 = 0; i < dl; i++) { store<u8>(out + n, load<u8>(dtext + i)); n++; }
    for (let i: i32 = 0; i < -scale; i++) { store<u8>(out + n, 48); n++; }
    return n;
  }
  const intDigits = <i32>dl - scale;
  if (intDigits <= 0) {
    store<u8>(out + n, 48); n++;
    store<u8>(out + n, 46); n++;
    for (let i: i32 = 0; i < -intDigits; i++) { store<u8>(out + n, 48); n++; }
    for (let i: u32 = 0; i < dl; i++) { store<u8>(out + n, load<u8>(dtext + i)); n++; }
    return n;
  }
  for (let i: i32 = 0; i < <i32>dl; i++) {
    if (i == intDigits) { store<u8>(out + n, 46); n++; }
    store<u8>(out + n, load<u8>(dtext + <u32>i)); n++;
  }
  return n;
}

function writeIntAt(out: u32, n: u32, v: u64): u32 {
  let k: u32 = 0;
  const tmp = DIG;
  if (v == 0) { store<u8>(tmp, 48); k = 1; }
  while (v > 0) { store<u8>(tmp + k, <u8>(48 + <u32>(v % 10))); v /= 10; k++; }
  for (let i: u32 = 0; i < k; i++) store<u8>(out + n + i, load<u8>(tmp + (k - 1 - i)));
  return n + k;
}
