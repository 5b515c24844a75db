/**
 * regex.* built-ins with Go's regexp semantics. Patterns go through a parser of Go's syntax and
 * Go's matching algorithm (impl/regex/: a Pike VM, linear in the text, never backtracking); what
 * cannot be answered exactly stops. The loops over successive matches follow Go's regexp.go
 * (allMatches, replaceAll, Split, expand); Go steps over an empty match by one UTF-8 rune, here by
 * one code point (1 or 2 UTF-16 units), which is the same character.
 */
import type { HostImplementation } from '../types.js';
import { asInteger, asString, fail, notExact } from '../value.js';
import { compileGoRegex, findAt, isValidGoRegex, requireWellFormed, type GoRegexp, type Match } from './regex/compile.js';

/** Width of the character at pos in UTF-16 units (Go: the UTF-8 rune there), 0 at the end. */
function charWidth(s: string, pos: number): number {
  if (pos >= s.length) return 0;
  return s.codePointAt(pos)! > 0xffff ? 2 : 1;
}

/** Go's allMatches: an empty match right after the previous match is not reported. */
function allMatches(g: GoRegexp, s: string, n: number): Match[] {
  const out: Match[] = [];
  const limit = n < 0 ? s.length + 1 : n;
  let pos = 0;
  let prevMatchEnd = -1;
  while (out.length < limit && pos <= s.length) {
    const m = findAt(g, s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevMatchEnd) accept = false;
      const width = charWidth(s, pos);
      pos = width > 0 ? pos + width : s.length + 1;
    } else {
      pos = m.end;
    }
    prevMatchEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

function operands(name: string, pattern: unknown, value: unknown, valueFirst = false): { p: string; s: string } {
  const p = asString(pattern, valueFirst ? 'operand 2' : 'operand 1');
  const s = asString(value, valueFirst ? 'operand 1' : 'operand 2');
  requireWellFormed(name, s);
  return { p, s };
}

function match(name: string) {
  return (pattern: unknown, value: unknown): boolean => {
    const { p, s } = operands(name, pattern, value);
    return findAt(compileGoRegex(name, p), s, 0) !== undefined;
  };
}

function findN(pattern: unknown, value: unknown, count: unknown): string[] {
  const { p, s } = operands('regex.find_n', pattern, value);
  const n = asInteger(count, 'operand 3');
  const g = compileGoRegex('regex.find_n', p);
  return n === 0 ? [] : allMatches(g, s, n).map((m) => s.slice(m.start, m.end));
}

function findAllSubmatch(pattern: unknown, value: unknown, count: unknown): string[][] {
  const name = 'regex.find_all_string_submatch_n';
  const { p, s } = operands(name, pattern, value);
  const n = asInteger(count, 'operand 3');
  const g = compileGoRegex(name, p);
  return n === 0 ? [] : allMatches(g, s, n).map((m) => m.groups.map((x) => x ?? ''));
}

/** Go's Regexp.Split(s, -1). */
function split(pattern: unknown, value: unknown): string[] {
  const { p, s } = operands('regex.split', pattern, value);
  const g = compileGoRegex('regex.split', p);
  if (p.length > 0 && s.length === 0) return [''];
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allMatches(g, s, -1)) {
    end = m.start;
    if (m.end !== 0) parts.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return parts;
}

/** Go's extract: $name or ${name}; name is letters, digits, `_`; a number without leading zeros is an index. */
function extract(t: string): { name: string; num: number; rest: string } | undefined {
  if (t.length < 2 || t[0] !== '$') return undefined;
  const brace = t[1] === '{';
  const body = t.slice(brace ? 2 : 1);
  const name = /^[\p{L}\p{Nd}_]*/u.exec(body)![0];
  if (name === '') return undefined;
  let i = name.length;
  if (brace) {
    if (body[i] !== '}') return undefined;
    i++;
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 9 ? Number(name) : -1;
  if (num >= 1e9) num = -1;
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: body.slice(i) };
}

/** Go's Regexp.Expand for ReplaceAllString: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: Match, names: readonly (string | undefined)[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i);
    if (t[1] === '$') {
      out += '$';
      t = t.slice(2);
      continue;
    }
    const x = extract(t);
    if (!x) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    t = x.rest;
    if (x.num >= 0) out += m.groups[x.num] ?? '';
    else {
      const idx = names.findIndex((n, k) => n === x.name && m.groups[k] !== undefined);
      if (idx >= 0) out += m.groups[idx]!;
    }
  }
  return out + t;
}

/**
 * regex.replace. OPA has had two loops: Go's Regexp.ReplaceAllString (one search over the whole
 * text), and, in later versions that write into a cancellable sink, repeated FindSubmatchIndex on
 * the rest of the text after each match. Which one the OPA to agree with runs is not known here, so
 * the answer is given when both loops give it and the evaluation stops when they differ.
 */
function replace(value: unknown, pattern: unknown, replacement: unknown): string {
  const name = 'regex.replace';
  const { p, s } = operands(name, pattern, value, true);
  const template = asString(replacement, 'operand 3');
  const g = compileGoRegex(name, p);
  const whole = replaceAllString(g, s, template);
  if (!g.restAlike && replaceOnRest(g, s, template) !== whole) {
    notExact(name, 'a replacement on which the two regex.replace algorithms of OPA versions differ (a pattern that can match empty or looks before its position, like ^ or \\b)');
  }
  return whole;
}

/** Go's Regexp.ReplaceAllString. */
function replaceAllString(g: GoRegexp, s: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = findAt(g, s, searchPos);
    if (!m) break;
    out += s.slice(lastMatchEnd, m.start);
    // No replacement for an empty match right after the previous match.
    if (m.end > lastMatchEnd || m.start === 0) out += expand(template, m, g.names);
    lastMatchEnd = m.end;
    const width = charWidth(s, searchPos);
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + s.slice(lastMatchEnd);
}

/**
 * The sink loop: each search sees the rest of the text as the whole text (so ^ and \b hold at its
 * start); an empty match at that start never advances (OPA loops until cancelled): undefined.
 */
function replaceOnRest(g: GoRegexp, s: string, template: string): string | undefined {
  let out = '';
  let start = 0;
  for (;;) {
    const rest = s.slice(start);
    const m = findAt(g, rest, 0);
    if (!m) return out + rest;
    if (m.end === 0) return undefined;
    out += rest.slice(0, m.start) + expand(template, m, g.names);
    start += m.end;
  }
}

/** Go's regexp.QuoteMeta. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * OPA's compileRegexTemplate (forked from gorilla/mux): one-byte delimiters, first-level delimited
 * parts are regular expressions (each must compile alone), the rest is literal; anchored both ends.
 */
function templateMatch(template: unknown, value: unknown, open: unknown, close: unknown): boolean {
  const name = 'regex.template_match';
  const t = asString(template, 'operand 1');
  const s = asString(value, 'operand 2');
  const startDelim = asString(open, 'operand 3');
  const endDelim = asString(close, 'operand 4');
  if (Buffer.byteLength(startDelim) !== 1) fail(`start delimiter has to be exactly one character long but is ${Buffer.byteLength(startDelim)} long`);
  if (Buffer.byteLength(endDelim) !== 1) fail(`end delimiter has to be exactly one character long but is ${Buffer.byteLength(startDelim)} long`);
  requireWellFormed(name, t);
  requireWellFormed(name, s);
  const idxs: number[] = [];
  let level = 0;
  let idx = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === startDelim) {
      if (++level === 1) idx = i;
    } else if (t[i] === endDelim) {
      if (--level === 0) idxs.push(idx, i + 1);
      else if (level < 0) fail(`unbalanced braces in ${JSON.stringify(t)}`);
    }
  }
  if (level !== 0) fail(`unbalanced braces in ${JSON.stringify(t)}`);
  let source = '^';
  let end = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = t.slice(end, idxs[i]);
    end = idxs[i + 1]!;
    const part = t.slice(idxs[i]! + 1, end - 1);
    source += `${quoteMeta(raw)}(${part})`;
    compileGoRegex(name, `^${part}$`);
  }
  source += `${quoteMeta(t.slice(end))}$`;
  return findAt(compileGoRegex(name, source), s, 0) !== undefined;
}

export const regexBuiltins: Readonly<Record<string, HostImplementation>> = {
  'regex.match': match('regex.match'),
  re_match: match('re_match'),
  'regex.is_valid': (p: unknown) => typeof p === 'string' && isValidGoRegex('regex.is_valid', p),
  'regex.find_n': findN,
  'regex.find_all_string_submatch_n': findAllSubmatch,
  'regex.split': split,
  'regex.replace': replace,
  'regex.template_match': templateMatch,
};
