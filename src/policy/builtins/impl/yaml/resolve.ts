/**
 * go-yaml v2's `resolve` (resolve.go, v2.4.0, the version sigs.k8s.io/yaml decodes with): what a
 * plain scalar (or one with a standard tag) means. YAML 1.1 words (y/n/yes/no/on/off), Go's
 * base-prefixed integers (strconv.ParseInt with base 0), `_` digit separators, `.inf`/`.nan`, and the
 * float spelling `yamlStyleFloat`. Timestamps are strings for an interface{} target (decode.go keeps
 * the scalar's text), so they need no case of their own here.
 */
import { fail, notExact } from '../../value.js';

export type GoScalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  /** int, int64 or uint64: the exact integer. */
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string };

export const STR_TAG = 'tag:yaml.org,2002:str';
export const BINARY_TAG = 'tag:yaml.org,2002:binary';
const BOOL_TAG = 'tag:yaml.org,2002:bool';
const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const NULL_TAG = 'tag:yaml.org,2002:null';
/** Tags resolve() handles (resolvableTag), besides the plain scalar's empty tag. */
export const RESOLVABLE_TAGS: ReadonlySet<string> = new Set([STR_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG]);

const WORDS = new Map<string, GoScalar>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) WORDS.set(w, { kind: 'bool', value: true });
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) WORDS.set(w, { kind: 'bool', value: false });
for (const w of ['', '~', 'null', 'Null', 'NULL']) WORDS.set(w, { kind: 'null' });
for (const w of ['.nan', '.NaN', '.NAN']) WORDS.set(w, { kind: 'float', value: NaN });
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) WORDS.set(w, { kind: 'float', value: Infinity });
for (const w of ['-.inf', '-.Inf', '-.INF']) WORDS.set(w, { kind: 'float', value: -Infinity });

/** resolveTable: the first byte says which kinds a plain scalar may be; 0 means a string. */
function hintOf(s: string): string {
  if (s === '') return 'N';
  const c = s[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

type IntParse = { ok: true; value: bigint } | { ok: false; range: boolean };

/** strconv.ParseInt / ParseUint with base 0 and bitSize 64 (underscores already removed). */
function goParseInt(s: string, unsigned: boolean): IntParse {
  let body = s;
  let neg = false;
  if (!unsigned && (body[0] === '+' || body[0] === '-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  let digits: string;
  let radix: number;
  if (/^0[xX]/.test(body)) [digits, radix] = [body.slice(2), 16];
  else if (/^0[bB]/.test(body)) [digits, radix] = [body.slice(2), 2];
  else if (/^0[oO]/.test(body)) [digits, radix] = [body.slice(2), 8];
  else if (body.length > 1 && body[0] === '0') [digits, radix] = [body.slice(1), 8];
  else [digits, radix] = [body, 10];
  const alphabet = '0123456789abcdef'.slice(0, radix);
  if (digits === '' || [...digits.toLowerCase()].some((ch) => !alphabet.includes(ch))) return { ok: false, range: false };
  let n = 0n;
  for (const ch of digits.toLowerCase()) n = n * BigInt(radix) + BigInt(alphabet.indexOf(ch));
  if (neg) n = -n;
  const inRange = unsigned ? n <= UINT64_MAX : n >= INT64_MIN && n <= INT64_MAX;
  return inRange ? { ok: true, value: n } : { ok: false, range: true };
}

/** strconv.ParseFloat on a text YAML_STYLE_FLOAT accepts: ok unless it overflows to ±Inf. */
function goParseDecimalFloat(s: string): number | undefined {
  const f = Number(s);
  return Number.isFinite(f) ? f : undefined;
}

/** A scalar starting with '.', read by strconv.ParseFloat as it is written. */
function resolveDotted(s: string, builtin: string): GoScalar {
  // Go's ParseFloat accepts `_` between digits; this reading does not, so such a text stops.
  if (s.includes('_')) notExact(builtin, `the scalar ${JSON.stringify(s)} (a float with "_")`);
  if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) {
    const f = goParseDecimalFloat(s);
    if (f !== undefined) return { kind: 'float', value: f };
  }
  return { kind: 'str', value: s };
}

/** The 'D' and 'S' hints: integers in Go's spellings, then YAML floats. */
function resolveNumeric(s: string, builtin: string): GoScalar {
  const plain = s.replaceAll('_', '');
  const asInt = goParseInt(plain, false);
  if (asInt.ok) return { kind: 'int', value: asInt.value };
  const asUint = goParseInt(plain, true);
  if (asUint.ok) return { kind: 'int', value: asUint.value };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseDecimalFloat(plain);
    if (f !== undefined) return { kind: 'float', value: f };
  }
  // goParseInt already read "0b…" and "-0b…" as Go's explicit binary branches do. An integer past
  // uint64 that is no finite float is a string in go-yaml v2.4.0 but a big.Int in
  // sigs.k8s.io/yaml's own fork of it: which one OPA links cannot be told here.
  if (asUint.range || /^[-+]?0[bB]/.test(plain) && asInt.range) {
    notExact(builtin, `the integer ${JSON.stringify(s)} beyond 64 bits`);
  }
  return { kind: 'str', value: s };
}

/**
 * resolve(tag, in) for an untagged plain scalar (tag '') or one tagged with a resolvable tag;
 * throws a BuiltinError where go-yaml fails ("cannot decode !!int `x` as a !!bool").
 */
export function goResolve(tag: string, s: string, builtin: string): GoScalar {
  const hint = hintOf(s);
  let out: GoScalar = { kind: 'str', value: s };
  if (hint !== '' && tag !== STR_TAG) {
    const word = WORDS.get(s);
    if (word !== undefined) out = word;
    else if (hint === '.') out = resolveDotted(s, builtin);
    else if (hint === 'D' || hint === 'S') out = resolveNumeric(s, builtin);
  }
  return tag === '' ? out : checkTag(tag, s, out);
}

const TAG_OF_KIND: Record<GoScalar['kind'], string> = { null: NULL_TAG, bool: BOOL_TAG, int: INT_TAG, float: FLOAT_TAG, str: STR_TAG };

/** resolve's deferred check: an explicit tag must match, except that !!float takes an integer. */
function checkTag(tag: string, s: string, out: GoScalar): GoScalar {
  if (tag === STR_TAG || TAG_OF_KIND[out.kind] === tag) return out;
  if (tag === FLOAT_TAG && out.kind === 'int') return { kind: 'float', value: Number(out.value) };
  return fail(`yaml: cannot decode ${TAG_OF_KIND[out.kind]} \`${s}\` as a ${tag}`);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATE = /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)/;
/** "15:4:5.999999999": getnum's one or two digits, a fraction of any length after '.' or ','. */
const TIME = '([0-9][0-9]?):([0-9][0-9]?):([0-9][0-9]?)(?:[.,][0-9]+)?';
const RFC3339_LIKE = new RegExp(`^[Tt]${TIME}(?:Z|[+-]([0-9]{2}):([0-9]{2}))$`);
const SPACED = new RegExp(`^ +${TIME}$`);

/**
 * Whether parseTimestamp (resolve.go) reads s as a timestamp: time.Parse with the layouts
 * "2006-1-2T15:4:5.999999999Z07:00", the same with "t", "2006-1-2 15:4:5.999999999" and
 * "2006-1-2", each with time.Parse's range checks (month, the month's days, hour < 24, minute and
 * second < 60, zone offset hour <= 24 and minute <= 60).
 */
export function isGoTimestamp(s: string): boolean {
  const date = DATE.exec(s);
  if (date === null) return false;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  const rest = s.slice(date[0].length);
  if (rest === '') return true;
  const time = RFC3339_LIKE.exec(rest) ?? SPACED.exec(rest);
  if (time === null) return false;
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3])];
  if (hour > 23 || minute > 59 || second > 59) return false;
  const [zoneHour, zoneMinute] = [Number(time[4] ?? 0), Number(time[5] ?? 0)];
  return zoneHour <= 24 && zoneMinute <= 60;
}

/** Whether go-yaml reads s, written plain, back as the same string (encode.go's canUsePlain test). */
export function plainReadsAsString(s: string, builtin: string): boolean {
  return s !== '<<' && goResolve('', s, builtin).kind === 'str' && !isGoTimestamp(s);
}
