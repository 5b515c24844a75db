/**
 * sprintf with Go's fmt semantics as OPA applies them: integers are Go ints, other numbers float64,
 * strings strings, and every other value is passed as its Rego text (`{"a": 1}`, `[1, 2]`, `true`).
 * The SDK's own sprintf (sprintf-js) differs, so the module calls this one under an alias.
 */
import { isRegoSet, numberTextAt, OutOfRangeNumber } from '../sets.js';
import type { HostImplementation } from '../types.js';
import { asArray, asString, compareStrings, computedNumberText, type JsonValue } from '../value.js';

type GoArg =
  | { kind: 'int'; value: bigint }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function integerArg(value: bigint): GoArg {
  return value > INT64_MAX || value < INT64_MIN ? { kind: 'bigint', value } : { kind: 'int', value };
}

/** Go strconv.Quote, close enough for policy text: JSON escapes with Go's spelling of controls. */
export function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u00([0-1][0-9a-f])/g, (_m, hex: string) => {
      const code = parseInt(hex, 16);
      if (code === 7) return '\\a';
      if (code === 11) return '\\v';
      return `\\x${hex}`;
    })
    .replace(/[\u007f]/g, '\\x7f');
}

/**
 * The text OPA prints for a value (ast.Term.String()); `text` is a number's text when it crossed with
 * one (sets.ts numberTextAt), since OPA prints a number as written ([1.0] is "[1.0]").
 */
export function regoValueString(value: JsonValue | OutOfRangeNumber, text?: string): string {
  if (value instanceof OutOfRangeNumber) return value.text;
  if (value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'bigint') return text ?? numberString(value);
  if (typeof value === 'boolean') return String(value);
  if (isRegoSet(value)) {
    const members = value as JsonValue[];
    return members.length === 0 ? 'set()' : `{${members.map((m, i) => regoValueString(m, numberTextAt(value, i))).join(', ')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((m, i) => regoValueString(m, numberTextAt(value, i))).join(', ')}]`;
  const keys = Object.keys(value).sort(compareStrings);
  return `{${keys.map((k) => `${goQuote(k)}: ${regoValueString(value[k]!, numberTextAt(value, k))}`).join(', ')}}`;
}

/** A number that crossed without text: an integer's digits, or a computed float as OPA writes it. */
function numberString(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  return Number.isSafeInteger(value) ? String(value) : computedNumberText(value);
}

/**
 * OPA's sprintf argument for a value: a number is an int when its text is a plain integer of int64,
 * a *big.Int when plain and wider, a float64 when its text reads as one, else its text (2e308).
 */
function toGoArg(value: JsonValue | OutOfRangeNumber, text: string | undefined): GoArg {
  if (value instanceof OutOfRangeNumber) return { kind: 'string', value: value.text };
  if (typeof value === 'bigint') return integerArg(value);
  if (typeof value === 'number') {
    if (text === undefined && Number.isInteger(value)) return integerArg(BigInt(value));
    return { kind: 'float', value };
  }
  if (typeof value === 'string') return { kind: 'string', value };
  return { kind: 'string', value: regoValueString(value) };
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  precision?: number;
}

/** strconv 'e' formatting: at least two exponent digits. */
function formatExp(f: number, precision: number | undefined, upper = false): string {
  const text = precision === undefined ? f.toExponential() : f.toExponential(precision);
  const [mantissa, exp] = text.split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
  const out = `${mantissa}e${sign}${digits}`;
  return upper ? out.toUpperCase() : out;
}

/** strconv 'g' with the shortest representation (Go's %v for float64): %e when exp < -4 || exp >= 21. */
function formatShortest(f: number, eprec = 21): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  const exact = Number(f.toExponential().split('e')[1]);
  const e = Number.isFinite(exact) ? exact : exp;
  if (e < -4 || e >= eprec) return formatExp(f, undefined);
  return f.toFixed(Math.max(0, (f.toExponential().split('e')[0]!.replace(/[-.]/g, '').length - 1) - e)).replace(/\.?0+$/, (m) => (m.includes('.') ? '' : m));
}

function formatG(f: number, precision: number | undefined): string {
  if (precision === undefined) return formatShortest(f, 21);
  const p = precision === 0 ? 1 : precision;
  const e = Number(f.toExponential(p - 1).split('e')[1]);
  if (e < -4 || e >= p) return formatExp(f, p - 1).replace(/\.?0+e/, 'e');
  return f.toFixed(Math.max(0, p - 1 - e)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  if (text.length >= width) return text;
  if (spec.minus) return text + ' '.repeat(width - text.length);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(text) ? text[0]! : '';
    return sign + '0'.repeat(width - text.length) + text.slice(sign.length);
  }
  return ' '.repeat(width - text.length) + text;
}

function signed(text: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${text}`;
  if (spec.plus) return `+${text}`;
  if (spec.space) return ` ${text}`;
  return text;
}

function goTypeName(arg: GoArg): string {
  return arg.kind === 'int' ? 'int' : arg.kind === 'bigint' ? '*big.Int' : arg.kind === 'float' ? 'float64' : 'string';
}

function argText(arg: GoArg): string {
  return arg.kind === 'string' ? arg.value : arg.kind === 'float' ? formatShortest(arg.value) : arg.value.toString();
}

function badVerb(verb: string, arg: GoArg): string {
  return `%!${verb}(${goTypeName(arg)}=${argText(arg)})`;
}

function formatInt(verb: string, n: bigint, spec: Spec): string | undefined {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let digits: string;
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString();
      break;
    case 'b':
      digits = abs.toString(2);
      break;
    case 'o':
      digits = (spec.sharp ? '0' : '') + abs.toString(8);
      break;
    case 'O':
      digits = `0o${abs.toString(8)}`;
      break;
    case 'x':
      digits = (spec.sharp ? '0x' : '') + abs.toString(16);
      break;
    case 'X':
      digits = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase();
      break;
    case 'c':
      return String.fromCodePoint(Number(n));
    case 'q':
      return `'${String.fromCodePoint(Number(n))}'`;
    case 'U':
      return `U+${abs.toString(16).toUpperCase().padStart(4, '0')}`;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return undefined;
    default:
      return undefined;
  }
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  return signed(digits, negative, spec);
}

function formatFloat(verb: string, f: number, spec: Spec): string | undefined {
  const negative = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  let text: string;
  switch (verb) {
    case 'v':
    case 'g':
      text = formatG(abs, spec.precision);
      break;
    case 'G':
      text = formatG(abs, spec.precision).toUpperCase();
      break;
    case 'e':
    case 'E':
      text = formatExp(abs, spec.precision ?? 6, verb === 'E');
      break;
    case 'f':
    case 'F':
      text = abs.toFixed(spec.precision ?? 6);
      break;
    default:
      return undefined;
  }
  return signed(text, negative, spec);
}

function formatString(verb: string, s: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      return spec.precision === undefined ? s : Array.from(s).slice(0, spec.precision).join('');
    case 'q':
      return goQuote(s);
    case 'x':
      return Buffer.from(s, 'utf8').toString('hex');
    case 'X':
      return Buffer.from(s, 'utf8').toString('hex').toUpperCase();
    default:
      return undefined;
  }
}

function formatOne(verb: string, arg: GoArg, spec: Spec): string {
  let text: string | undefined;
  if (arg.kind === 'int') text = formatInt(verb, arg.value, spec);
  else if (arg.kind === 'bigint') text = verb === 's' ? arg.value.toString() : formatInt(verb, arg.value, spec);
  else if (arg.kind === 'float') text = formatFloat(verb, arg.value, spec);
  else text = formatString(verb, arg.value, spec);
  if (text === undefined) return badVerb(verb, arg);
  return pad(text, spec, arg.kind !== 'string');
}

export function goSprintf(format: string, values: JsonValue[]): string {
  const args = values.map((v, i) => toGoArg(v, numberTextAt(values, i)));
  let next = 0;
  let out = '';
  const re = /%([-+# 0]*)(\d+|\*)?(?:\.(\d*|\*))?([a-zA-Z%])?/gy;
  let i = 0;
  while (i < format.length) {
    const at = format.indexOf('%', i);
    if (at < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, at);
    re.lastIndex = at;
    const m = re.exec(format)!;
    i = re.lastIndex;
    const [, flags = '', width, precision, verb] = m;
    if (verb === undefined) {
      out += '%!(NOVERB)';
      continue;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    const spec: Spec = {
      minus: flags.includes('-'),
      plus: flags.includes('+'),
      sharp: flags.includes('#'),
      space: flags.includes(' '),
      zero: flags.includes('0') && !flags.includes('-'),
      ...(width !== undefined && width !== '*' ? { width: Number(width) } : {}),
      ...(precision !== undefined && precision !== '*' ? { precision: precision === '' ? 0 : Number(precision) } : {}),
    };
    const arg = args[next++];
    out += arg === undefined ? `%!${verb}(MISSING)` : formatOne(verb, arg, spec);
  }
  if (next < args.length) {
    out += `%!(EXTRA ${args.slice(next).map((a) => `${goTypeName(a)}=${argText(a)}`).join(', ')})`;
  }
  return out;
}

export const sprintfBuiltins: Readonly<Record<string, HostImplementation>> = {
  sprintf: (format: unknown, values: unknown) => goSprintf(asString(format, 'operand 1'), asArray(values, 'operand 2')),
};

