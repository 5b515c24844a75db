/** String built-ins with Go's semantics: indexes and lengths count Unicode code points (runes). */
import type { HostImplementation } from '../types.js';
import { asArray, asInteger, asNumber, asObject, asString, asStringList, compareStrings, fail } from '../value.js';
import { nonStringEntries } from '../sets.js';

function runes(s: string): string[] {
  return Array.from(s);
}

/** Go strings.Split: an empty separator splits into runes. */
function goSplit(s: string, sep: string, limit = -1): string[] {
  if (limit === 0) return [];
  if (sep === '') {
    const all = runes(s);
    if (limit < 0 || limit >= all.length) return all;
    return [...all.slice(0, limit - 1), all.slice(limit - 1).join('')];
  }
  const parts = s.split(sep);
  if (limit < 0 || parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
}

function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(runes(cutset));
  const chars = runes(s);
  let start = 0;
  let end = chars.length;
  while (left && start < end && cut.has(chars[start]!)) start++;
  while (right && end > start && cut.has(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** Go unicode.IsSpace: the Latin-1 spaces plus Unicode White_Space. */
const GO_SPACE = /^[\s\u0085]+|[\s\u0085]+$/gu;

/** Go strings.NewReplacer: at each position the first listed pair whose old string matches wins. */
function replaceN(pairs: [string, string][], s: string): string {
  let out = '';
  let i = 0;
  while (i <= s.length) {
    const hit = pairs.find(([old]) => old !== '' && s.startsWith(old, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
      continue;
    }
    if (i < s.length) out += s[i];
    i++;
  }
  return out;
}

function formatInt(value: unknown, base: unknown): string {
  const n = asNumber(value, 'operand 1');
  const b = asInteger(base, 'operand 2');
  if (![2, 8, 10, 16].includes(b)) fail('operand 2 must be one of {2, 8, 10, 16}');
  const truncated = typeof value === 'bigint' ? value : BigInt(Math.trunc(n));
  return truncated.toString(b);
}

function indexOfRunes(haystack: string, needle: string, from = 0): number {
  const at = haystack.indexOf(needle, from);
  if (at < 0) return -1;
  return runes(haystack.slice(0, at)).length;
}

function indexOfN(haystack: string, needle: string): number[] {
  if (needle === '') fail('empty search character');
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    found.push(runes(haystack.slice(0, at)).length);
  }
  return found;
}

function substring(value: unknown, start: unknown, length: unknown): string {
  const chars = runes(asString(value, 'operand 1'));
  const from = asInteger(start, 'operand 2');
  const len = asInteger(length, 'operand 3');
  if (from < 0) fail('negative offset');
  if (from >= chars.length) return '';
  if (len < 0) return chars.slice(from).join('');
  return chars.slice(from, from + len).join('');
}

function goCount(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1;
  return s.split(sub).length - 1;
}

function anyMatch(search: unknown, base: unknown, test: (s: string, b: string) => boolean): boolean {
  const searches = asStringList(search, 'operand 1');
  const bases = asStringList(base, 'operand 2');
  return searches.some((s) => bases.some((b) => test(s, b)));
}

function concat(delimiter: unknown, items: unknown): string {
  return asArray(items, 'operand 2')
    .map((item) => asString(item, 'operand 2 element'))
    .join(asString(delimiter, 'operand 1'));
}

function replaceAll(s: string, old: string, replacement: string): string {
  if (old === '') return ['', ...runes(s), ''].join(replacement);
  return s.split(old).join(replacement);
}

/** strings.split_n: the first n parts of the split, or for negative n the last |n| parts. */
function splitN(s: unknown, sep: unknown, n: unknown): string[] {
  const parts = goSplit(asString(s, 'operand 1'), asString(sep, 'operand 2'));
  const count = asInteger(n, 'operand 3');
  return count >= 0 ? parts.slice(0, count) : parts.slice(Math.max(0, parts.length + count));
}

export const stringBuiltins: Readonly<Record<string, HostImplementation>> = {
  concat,
  contains: (s: unknown, sub: unknown) => asString(s).includes(asString(sub)),
  startswith: (s: unknown, p: unknown) => asString(s).startsWith(asString(p)),
  endswith: (s: unknown, p: unknown) => asString(s).endsWith(asString(p)),
  format_int: formatInt,
  indexof: (s: unknown, sub: unknown) => indexOfRunes(asString(s), asString(sub)),
  indexof_n: (s: unknown, sub: unknown) => indexOfN(asString(s), asString(sub)),
  lower: (s: unknown) => asString(s).toLowerCase(),
  upper: (s: unknown) => asString(s).toUpperCase(),
  replace: (s: unknown, old: unknown, rep: unknown) => replaceAll(asString(s), asString(old), asString(rep)),
  split: (s: unknown, sep: unknown) => goSplit(asString(s), asString(sep)),
  substring,
  trim: (s: unknown, cut: unknown) => trimCutset(asString(s), asString(cut), true, true),
  trim_left: (s: unknown, cut: unknown) => trimCutset(asString(s), asString(cut), true, false),
  trim_right: (s: unknown, cut: unknown) => trimCutset(asString(s), asString(cut), false, true),
  trim_prefix: (s: unknown, p: unknown) => {
    const str = asString(s);
    const prefix = asString(p);
    return str.startsWith(prefix) ? str.slice(prefix.length) : str;
  },
  trim_suffix: (s: unknown, p: unknown) => {
    const str = asString(s);
    const suffix = asString(p);
    return suffix !== '' && str.endsWith(suffix) ? str.slice(0, str.length - suffix.length) : str;
  },
  trim_space: (s: unknown) => asString(s).replace(GO_SPACE, ''),
  'strings.any_prefix_match': (search: unknown, base: unknown) => anyMatch(search, base, (s, b) => s.startsWith(b)),
  'strings.any_suffix_match': (search: unknown, base: unknown) => anyMatch(search, base, (s, b) => s.endsWith(b)),
  'strings.count': (s: unknown, sub: unknown) => goCount(asString(s), asString(sub)),
  'strings.replace_n': (patterns: unknown, s: unknown) => {
    const obj = asObject(patterns, 'operand 1');
    if (nonStringEntries(obj).length > 0) fail('operand 1 non-string key found in pattern object');
    const pairs = Object.keys(obj)
      .sort(compareStrings)
      .map((old): [string, string] => [old, asString(obj[old], 'operand 1 value')]);
    return replaceN(pairs, asString(s, 'operand 2'));
  },
  'strings.reverse': (s: unknown) => runes(asString(s)).reverse().join(''),
  'strings.split_n': splitN,
};
