/**
 * units.parse and units.parse_bytes, computed exactly with rationals (bigint numerator over a power
 * of ten) as OPA does with big.Rat, so that "0.001k" is exactly 1 and large values keep every digit.
 */
import type { HostImplementation } from '../types.js';
import { asString, fail } from '../value.js';

const MAX_EXPONENT_DIGITS = 6;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Splits "10.5Ki" into ["10.5", "Ki"], as OPA's extractNumAndUnit does (exponent digits capped). */
function extractNumAndUnit(s: string): [string, string] {
  let boundary = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      boundary = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        boundary = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (end < s.length && isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) fail('exponent too large');
    }
  }
  if (boundary === -1) return [s, ''];
  if (boundary === 0) return ['', s];
  return [s.slice(0, boundary), s.slice(boundary)];
}

interface Rational {
  num: bigint;
  den: bigint;
}

/** Parses a decimal like "-1.25e3" exactly (Go's big.Rat.SetString for decimals). */
function parseDecimal(text: string): Rational {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) fail('could not parse amount to a number');
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  const exp = Number(exponent);
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return { num: sign === '-' ? -num : num, den };
}

/** An exact integer as a JS number when safe, else a bigint (serialised with every digit). */
export function integerResult(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Go big.Rat.FloatString(10): ten decimals, halves rounded away from zero. */
function rationalToNumber(r: Rational): number | bigint {
  if (r.num % r.den === 0n) return integerResult(r.num / r.den);
  const negative = r.num < 0n;
  const abs = negative ? -r.num : r.num;
  const scaled = (abs * 10n ** 10n * 2n + r.den) / (2n * r.den);
  const digits = scaled.toString().padStart(11, '0');
  const text = `${negative ? '-' : ''}${digits.slice(0, -10)}.${digits.slice(-10)}`;
  return Number(text);
}

const SI: Record<string, bigint> = { k: 1000n, m: 1000n ** 2n, g: 1000n ** 3n, t: 1000n ** 4n, p: 1000n ** 5n, e: 1000n ** 6n };
const BINARY: Record<string, bigint> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n, e: 1n << 60n };

function unitsMultiplier(unit: string): Rational {
  if (unit === '') return { num: 1n, den: 1n };
  if (unit === 'm') return { num: 1n, den: 1000n };
  if (unit === 'M') return { num: SI.m!, den: 1n };
  const prefix = unit[0]!.toLowerCase();
  const rest = unit.slice(1).toLowerCase();
  if (prefix === 'm' && rest === '') return { num: 1n, den: 1000n };
  if (rest === '' && SI[prefix] !== undefined) return { num: SI[prefix]!, den: 1n };
  if (rest === 'i' && BINARY[prefix] !== undefined) return { num: BINARY[prefix]!, den: 1n };
  return fail(`unit ${unit} not recognized`);
}

function unitsParse(value: unknown): number | bigint {
  const s = asString(value, 'operand 1').replaceAll('"', '');
  if (s.includes(' ')) fail('spaces not allowed in resource strings');
  const [num, unit] = extractNumAndUnit(s);
  if (num === '') fail('no amount provided');
  const multiplier = unitsMultiplier(unit);
  const amount = parseDecimal(num);
  return rationalToNumber({ num: amount.num * multiplier.num, den: amount.den * multiplier.den });
}

function bytesMultiplier(unit: string): bigint {
  if (unit === '') return 1n;
  const match = /^([kmgtpe])(i?)b?$/.exec(unit);
  if (!match) return fail(`byte unit ${unit} not recognized`);
  return match[2] === 'i' ? BINARY[match[1]!]! : SI[match[1]!]!;
}

function unitsParseBytes(value: unknown): number | bigint {
  const s = asString(value, 'operand 1').toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) fail('spaces not allowed in resource strings');
  const [num, unit] = extractNumAndUnit(s);
  if (num === '') fail('no byte amount provided');
  const multiplier = bytesMultiplier(unit);
  const amount = parseDecimal(num);
  // big.Float.Int truncates toward zero; bigint division does the same.
  return integerResult((amount.num * multiplier) / amount.den);
}

export const unitBuiltins: Readonly<Record<string, HostImplementation>> = {
  'units.parse': unitsParse,
  'units.parse_bytes': unitsParseBytes,
};
