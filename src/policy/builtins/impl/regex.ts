/**
 * regex.* built-ins. Go's RE2 syntax is translated to JavaScript where they differ (named groups
 * `(?P<n>)`, leading inline flags, `\z`, `\A`, POSIX classes, `\pL`); Go's rules for successive
 * matches and Split are followed. Compiled patterns are cached.
 */
import type { HostImplementation } from '../types.js';
import { asInteger, asString, fail } from '../value.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\\A/g, '^')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX[name];
      if (cls === undefined) return m;
      return neg ? `^${cls}` : cls;
    })
    .replace(/\\([pP])([A-Z])/g, '\\$1{$2}');
  return { source, flags };
}

const cache = new Map<string, RegExp>();

export function goRegex(pattern: string, extraFlags = ''): RegExp {
  const key = `${extraFlags}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { source, flags } = translate(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}${extraFlags}u`);
  } catch {
    try {
      re = new RegExp(source, `${flags}${extraFlags}`);
    } catch (err) {
      return fail(`invalid regular expression: ${(err as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/** Go's FindAll: successive non-overlapping matches; an empty match abutting the previous one is skipped. */
function findAll(pattern: string, s: string, n: number): RegExpExecArray[] {
  const re = goRegex(pattern, 'g');
  const out: RegExpExecArray[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && (n < 0 || out.length < n)) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (start === end && start === prevEnd) {
      pos = start + (s.codePointAt(start)! > 0xffff ? 2 : 1);
      continue;
    }
    out.push(m);
    prevEnd = end;
    pos = end === start ? end + (s.codePointAt(end) !== undefined && s.codePointAt(end)! > 0xffff ? 2 : 1) : end;
  }
  return out;
}

function split(pattern: unknown, value: unknown): string[] {
  const s = asString(value, 'operand 2');
  const p = asString(pattern, 'operand 1');
  if (s === '') return [''];
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(p, s, -1)) {
    end = m.index;
    if (m.index + m[0].length !== 0) parts.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return parts;
}

/** Go's Regexp.ReplaceAllString template: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}

function replace(value: unknown, pattern: unknown, replacement: unknown): string {
  const s = asString(value, 'operand 1');
  const template = asString(replacement, 'operand 3');
  let out = '';
  let last = 0;
  for (const m of findAll(asString(pattern, 'operand 2'), s, -1)) {
    out += s.slice(last, m.index) + expand(template, m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** gorilla/mux-style templates: literal text with regular expressions between delimiters. */
function templateMatch(template: unknown, value: unknown, open: unknown, close: unknown): boolean {
  const t = asString(template, 'operand 1');
  const startDelim = asString(open, 'operand 3');
  const endDelim = asString(close, 'operand 4');
  let source = '^';
  let i = 0;
  while (i < t.length) {
    const start = t.indexOf(startDelim, i);
    if (start < 0) {
      source += quoteMeta(t.slice(i));
      break;
    }
    source += quoteMeta(t.slice(i, start));
    let depth = 0;
    let j = start;
    for (; j < t.length; j++) {
      if (t.startsWith(startDelim, j)) depth++;
      else if (t.startsWith(endDelim, j) && --depth === 0) break;
    }
    if (j >= t.length) fail(`unbalanced braces in ${t}`);
    source += `(${t.slice(start + startDelim.length, j)})`;
    i = j + endDelim.length;
  }
  return goRegex(`${source}$`).test(asString(value, 'operand 2'));
}

export const regexBuiltins: Readonly<Record<string, HostImplementation>> = {
  'regex.match': (p: unknown, v: unknown) => goRegex(asString(p, 'operand 1')).test(asString(v, 'operand 2')),
  re_match: (p: unknown, v: unknown) => goRegex(asString(p, 'operand 1')).test(asString(v, 'operand 2')),
  'regex.is_valid': (p: unknown) => {
    if (typeof p !== 'string') return false;
    try {
      goRegex(p);
      return true;
    } catch {
      return false;
    }
  },
  'regex.find_n': (p: unknown, v: unknown, n: unknown) =>
    findAll(asString(p, 'operand 1'), asString(v, 'operand 2'), asInteger(n, 'operand 3')).map((m) => m[0]),
  'regex.find_all_string_submatch_n': (p: unknown, v: unknown, n: unknown) =>
    findAll(asString(p, 'operand 1'), asString(v, 'operand 2'), asInteger(n, 'operand 3')).map((m) => [...m].map((g) => g ?? '')),
  'regex.split': split,
  'regex.replace': replace,
  'regex.template_match': templateMatch,
};
