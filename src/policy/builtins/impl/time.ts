/**
 * time.* built-ins with Go's time semantics: nanoseconds since the epoch as exact integers, Go
 * layouts ("2006-01-02T15:04:05Z07:00") for parse_ns and format, IANA zones through Intl.
 */
import type { HostImplementation } from '../types.js';
import { asArray, asInteger, asString, fail, type JsonValue } from '../value.js';
import { integerResult } from './units.js';

const NS_PER_MS = 1_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
};

function checkRange(ns: bigint): bigint {
  if (ns > INT64_MAX || ns < INT64_MIN) fail('time outside of valid range');
  return ns;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  yday: number;
  offsetSeconds: number;
  zone: string;
}

function offsetFor(ms: number, zone: string): number {
  if (zone === 'UTC' || zone === '') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone === 'Local' ? undefined : zone,
    hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 1000);
}

function civil(ns: bigint, zone = 'UTC'): Civil {
  const ms = Number(floorDiv(ns, NS_PER_MS));
  const nanos = Number(ns - floorDiv(ns, 1_000_000_000n) * 1_000_000_000n);
  const offsetSeconds = offsetFor(ms, zone);
  const d = new Date(ms + offsetSeconds * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), nanos,
    weekday: d.getUTCDay(), yday: Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - start) / 86400000) + 1,
    offsetSeconds, zone,
  };
}

function validZone(zone: string): string {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return zone === '' ? 'UTC' : zone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return fail(`unknown time zone ${zone}`);
  }
}

/** The number or [number, zone(, layout)] argument of time.date and friends. */
function timeArg(value: unknown): { ns: bigint; zone: string; layout?: string } {
  if (typeof value === 'number' || typeof value === 'bigint') return { ns: toNs(value), zone: 'UTC' };
  const arr = asArray(value, 'operand 1');
  if (arr.length < 2 || arr.length > 3) fail('array must have 2 or 3 elements');
  const zone = validZone(asString(arr[1], 'timezone'));
  return arr.length === 3 ? { ns: toNs(arr[0]), zone, layout: asString(arr[2], 'layout') } : { ns: toNs(arr[0]), zone };
}

function toNs(value: unknown): bigint {
  if (typeof value === 'bigint') return checkRange(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('timestamp must be a number');
  // OPA takes the number's big.Float Int64 and errors unless exact: a fraction or a value past int64
  // is "timestamp too big", never truncated.
  if (!Number.isInteger(value) || Math.abs(value) > 9.3e18) fail('timestamp too big');
  const ns = BigInt(value);
  if (ns > INT64_MAX || ns < INT64_MIN) fail('timestamp too big');
  return ns;
}

/** Go's layout chunks, longest first where prefixes overlap. */
const CHUNKS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15',
  'PM', 'pm', 'Z07:00:00', 'Z07:00', 'Z0700', 'Z07', '-07:00:00', '-07:00', '-0700', '-07', '1', '2', '3', '4', '5',
];

function tokenize(layout: string): string[] {
  const out: string[] = [];
  let i = 0;
  let literal = '';
  const flush = (): void => {
    if (literal) out.push(`L${literal}`);
    literal = '';
  };
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac) {
      flush();
      out.push(`F${frac[0]}`);
      i += frac[0].length;
      continue;
    }
    const chunk = CHUNKS.find((c) => layout.startsWith(c, i) && !(c === 'Jan' && layout.startsWith('January', i)));
    if (chunk && !(chunk === 'Mon' && /^Mon(?!day)[a-z]/.test(layout.slice(i)))) {
      flush();
      out.push(`T${chunk}`);
      i += chunk.length;
      continue;
    }
    literal += layout[i];
    i++;
  }
  if (literal) out.push(`L${literal}`);
  return out;
}

const pad = (n: number, width: number, ch = '0'): string => String(n).padStart(width, ch);

function formatOffset(seconds: number, token: string): string {
  if (token.startsWith('Z') && seconds === 0) return 'Z';
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = pad(abs % 60, 2);
  const shape = token.replace(/^Z/, '-');
  if (shape === '-07') return `${sign}${hh}`;
  if (shape === '-0700') return `${sign}${hh}${mm}`;
  if (shape === '-07:00') return `${sign}${hh}:${mm}`;
  return `${sign}${hh}:${mm}:${ss}`;
}

function formatTime(c: Civil, layout: string): string {
  return tokenize(layout)
    .map((t) => {
      const v = t.slice(1);
      if (t[0] === 'L') return v;
      if (t[0] === 'F') {
        const digits = pad(c.nanos, 9).slice(0, v.length - 1);
        if (v[1] === '0') return v[0] + digits;
        const trimmed = digits.replace(/0+$/, '');
        return trimmed === '' ? '' : v[0] + trimmed;
      }
      switch (v) {
        case 'January': return MONTHS[c.month - 1]!;
        case 'Jan': return MONTHS[c.month - 1]!.slice(0, 3);
        case 'Monday': return DAYS[c.weekday]!;
        case 'Mon': return DAYS[c.weekday]!.slice(0, 3);
        case 'MST': return c.zone === 'UTC' ? 'UTC' : formatOffset(c.offsetSeconds, '-07');
        case '2006': return pad(c.year, 4);
        case '06': return pad(c.year % 100, 2);
        case '01': return pad(c.month, 2);
        case '1': return String(c.month);
        case '02': return pad(c.day, 2);
        case '_2': return pad(c.day, 2, ' ');
        case '2': return String(c.day);
        case '002': return pad(c.yday, 3);
        case '__2': return pad(c.yday, 3, ' ');
        case '15': return pad(c.hour, 2);
        case '03': return pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        case '3': return String(c.hour % 12 === 0 ? 12 : c.hour % 12);
        case '04': return pad(c.minute, 2);
        case '4': return String(c.minute);
        case '05': return pad(c.second, 2);
        case '5': return String(c.second);
        case 'PM': return c.hour >= 12 ? 'PM' : 'AM';
        case 'pm': return c.hour >= 12 ? 'pm' : 'am';
        default: return formatOffset(c.offsetSeconds, v);
      }
    })
    .join('');
}

/** Go time.Parse for the layout chunks above; returns nanoseconds since the epoch. */
function parseTime(layout: string, value: string): bigint {
  let pos = 0;
  let year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0n, offset = 0, pm: boolean | undefined;
  const num = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value.slice(pos));
    if (!m) fail(`cannot parse "${value.slice(pos)}" as a number`);
    pos += m[0].length;
    return Number(m[0]);
  };
  const word = (names: string[]): number => {
    const i = names.findIndex((n) => value.slice(pos, pos + n.length).toLowerCase() === n.toLowerCase());
    if (i < 0) fail(`cannot parse "${value.slice(pos)}"`);
    pos += names[i]!.length;
    return i;
  };
  const tokens = tokenize(layout);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const v = t.slice(1);
    if (t[0] === 'L') {
      if (!value.startsWith(v, pos)) fail(`cannot parse "${value.slice(pos)}" as "${v}"`);
      pos += v.length;
      continue;
    }
    if (t[0] === 'F') {
      const m = /^[.,](\d+)/.exec(value.slice(pos));
      if (m) {
        nanos = BigInt(m[1]!.slice(0, 9).padEnd(9, '0'));
        pos += m[0].length;
      } else if (v[1] === '0') fail('missing fractional seconds');
      continue;
    }
    switch (v) {
      case 'January': month = word(MONTHS) + 1; break;
      case 'Jan': month = word(MONTHS.map((m) => m.slice(0, 3))) + 1; break;
      case 'Monday': word(DAYS); break;
      case 'Mon': word(DAYS.map((d) => d.slice(0, 3))); break;
      case 'MST': { const m = /^[A-Z]{3,5}/.exec(value.slice(pos)); if (!m) fail('bad zone'); pos += m[0].length; break; }
      case '2006': year = num(4, 4); break;
      case '06': { const y = num(2, 2); year = y >= 69 ? 1900 + y : 2000 + y; break; }
      case '01': month = num(2, 2); break;
      case '1': month = num(1, 2); break;
      case '02': day = num(2, 2); break;
      case '_2': if (value[pos] === ' ') pos++; day = num(1, 2); break;
      case '2': day = num(1, 2); break;
      case '002': case '__2': num(1, 3); break;
      case '15': hour = num(1, 2); break;
      case '03': hour = num(2, 2); break;
      case '3': hour = num(1, 2); break;
      case '04': minute = num(2, 2); break;
      case '4': minute = num(1, 2); break;
      case '05': second = num(2, 2); break;
      case '5': second = num(1, 2); break;
      case 'PM': case 'pm': pm = word(['AM', 'PM']) === 1; break;
      default: {
        if (v.startsWith('Z') && (value[pos] === 'Z' || value[pos] === 'z')) { pos++; break; }
        const m = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?/.exec(value.slice(pos));
        if (!m) fail(`cannot parse "${value.slice(pos)}" as "${v}"`);
        pos += m[0].length;
        offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
      }
    }
    // Seconds without a layout fraction may still carry one in the value (Go accepts it after 05).
    if ((v === '05' || v === '5') && tokens[k + 1]?.[0] !== 'F') {
      const m = /^[.,](\d+)/.exec(value.slice(pos));
      if (m) {
        nanos = BigInt(m[1]!.slice(0, 9).padEnd(9, '0'));
        pos += m[0].length;
      }
    }
  }
  if (pos !== value.length) fail(`extra text: "${value.slice(pos)}"`);
  if (pm !== undefined) {
    if (hour > 12) fail('hour out of range');
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59) {
    fail('value out of range');
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const seconds = BigInt(date.getTime() / 1000) - BigInt(offset);
  return checkRange(seconds * 1_000_000_000n + nanos);
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** Go time.ParseDuration. */
export function parseDuration(value: unknown): number | bigint {
  const s = asString(value, 'operand 1');
  const m = /^([+-]?)((?:\d*\.?\d+|\d+\.)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (s === '0' || s === '+0' || s === '-0') return 0;
  if (!m) fail(`time: invalid duration "${s}"`);
  let total = 0n;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d*)\.?(\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = DURATION_UNITS[part[3]!]!;
    const whole = BigInt(part[1] || '0');
    const frac = part[2] ?? '';
    total += whole * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
  }
  // Go's time.ParseDuration refuses a duration past int64 nanoseconds ("invalid duration").
  if (total > (m[1] === '-' ? -INT64_MIN : INT64_MAX)) fail(`time: invalid duration "${s}"`);
  return integerResult(m[1] === '-' ? -total : total);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function diff(a: unknown, b: unknown): number[] {
  const x = timeArg(a);
  const y = timeArg(b);
  const [first, second] = x.ns <= y.ns ? [x.ns, y.ns] : [y.ns, x.ns];
  const c1 = civil(first, x.zone);
  const c2 = civil(second, x.zone);
  let year = c2.year - c1.year, month = c2.month - c1.month, day = c2.day - c1.day;
  let hour = c2.hour - c1.hour, min = c2.minute - c1.minute, sec = c2.second - c1.second;
  if (sec < 0) { sec += 60; min--; }
  if (min < 0) { min += 60; hour--; }
  if (hour < 0) { hour += 24; day--; }
  if (day < 0) { day += daysInMonth(c1.year, c1.month); month--; }
  if (month < 0) { month += 12; year--; }
  return [year, month, day, hour, min, sec];
}

function addDate(ns: unknown, years: unknown, months: unknown, days: unknown): number | bigint {
  const t = toNs(ns);
  const ms = Number(floorDiv(t, NS_PER_MS));
  const subMs = t - floorDiv(t, NS_PER_MS) * NS_PER_MS;
  const d = new Date(ms);
  const moved = new Date(0);
  moved.setUTCFullYear(d.getUTCFullYear() + asInteger(years, 'operand 2'), d.getUTCMonth() + asInteger(months, 'operand 3'), d.getUTCDate() + asInteger(days, 'operand 4'));
  moved.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return integerResult(checkRange(BigInt(moved.getTime()) * NS_PER_MS + subMs));
}

function resultNs(ns: bigint): number | bigint {
  return integerResult(ns);
}

export const timeBuiltins: Readonly<Record<string, HostImplementation>> = {
  'time.now_ns': () => resultNs(BigInt(Date.now()) * NS_PER_MS),
  'time.parse_rfc3339_ns': (v: unknown) => resultNs(parseTime(NAMED_LAYOUTS.RFC3339!, asString(v, 'operand 1'))),
  'time.parse_ns': (layout: unknown, v: unknown) => {
    const l = asString(layout, 'operand 1');
    return resultNs(parseTime(NAMED_LAYOUTS[l] ?? l, asString(v, 'operand 2')));
  },
  'time.parse_duration_ns': parseDuration,
  'time.date': (v: unknown): JsonValue[] => {
    const { ns, zone } = timeArg(v);
    const c = civil(ns, zone);
    return [c.year, c.month, c.day];
  },
  'time.clock': (v: unknown): JsonValue[] => {
    const { ns, zone } = timeArg(v);
    const c = civil(ns, zone);
    return [c.hour, c.minute, c.second];
  },
  'time.weekday': (v: unknown) => {
    const { ns, zone } = timeArg(v);
    return DAYS[civil(ns, zone).weekday]!;
  },
  'time.format': (v: unknown) => {
    const { ns, zone, layout } = timeArg(v);
    const l = layout === undefined ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[layout] ?? layout);
    return formatTime(civil(ns, zone), l);
  },
  'time.add_date': addDate,
  'time.diff': diff,
};
