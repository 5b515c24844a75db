/**
 * Go's texts for float64 values on the yaml paths: encoding/json's float encoding (how YAMLToJSON
 * writes a YAML float) and strconv.FormatFloat(f, 'g', -1, bits) (how go-yaml writes a float and
 * sigs.k8s.io/yaml turns a float map key into a string).
 */

/** Shortest digits and decimal exponent of a finite non-zero |f| (JS and Go agree on the digits). */
function shortestDigits(f: number): { digits: string; exp: number } {
  const [mant, exp] = Math.abs(f).toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp: Number(exp) };
}

/**
 * encoding/json's float64 text: 'f' form, or 'e' form (exponent without a leading zero) below 1e-6
 * and from 1e21 up. JavaScript's Number#toString draws the same line with the same digits; only
 * negative zero differs ("-0" in Go).
 */
export function goJsonFloat(f: number): string {
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

/** strconv.FormatFloat(f, 'g', -1, 64): 'e' form when the exponent is below -4 or from 6 (shortest's rule). */
export function goFormatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  return formatG(f < 0, shortestDigits(f));
}

function formatG(neg: boolean, { digits, exp }: { digits: string; exp: number }): string {
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * strconv.FormatFloat(f, 'g', -1, 32): f rounded to float32, in the fewest digits that read back as
 * that float32. Undefined when no such text of up to 9 digits is found (it always exists; the
 * caller then stops rather than guess).
 */
export function goFormatG32(f: number): string | undefined {
  const f32 = Math.fround(f);
  if (!Number.isFinite(f32) || f32 === 0) return goFormatG(f32);
  for (let p = 1; p <= 9; p++) {
    const text = Math.abs(f32).toPrecision(p);
    if (Math.fround(Number(text)) === Math.abs(f32)) return formatG(f32 < 0, shortestDigits(Number(text)));
  }
  return undefined;
}
