/**
 * regex.globs_match: whether two restricted regular expressions (literals, `.`, character classes,
 * escapes, each optionally followed by `*`, `+` or `?`) can match a common string, as the
 * glob-intersection library OPA uses decides it. Searched as a product of the two token automata.
 */
import type { HostImplementation } from '../types.js';
import { asString, fail } from '../value.js';

type Range = [number, number];
interface CharSet {
  negated: boolean;
  ranges: Range[];
}
interface Token {
  set: CharSet;
  repeat: '' | '*' | '+' | '?';
}

const ANY: CharSet = { negated: true, ranges: [] };

function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    let set: CharSet;
    if (c === '.') set = ANY;
    else if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) fail(`input:${pattern}, trailing escape`);
      set = { negated: false, ranges: [[next.codePointAt(0)!, next.codePointAt(0)!]] };
    } else if (c === '[') {
      const negated = chars[i + 1] === '^';
      if (negated) i++;
      const ranges: Range[] = [];
      for (i++; i < chars.length && chars[i] !== ']'; i++) {
        let lo = chars[i]!;
        if (lo === '\\') lo = chars[++i] ?? fail('bad escape in set');
        if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
          ranges.push([lo.codePointAt(0)!, chars[i + 2]!.codePointAt(0)!]);
          i += 2;
        } else ranges.push([lo.codePointAt(0)!, lo.codePointAt(0)!]);
      }
      if (chars[i] !== ']') fail(`input:${pattern}, unclosed set`);
      set = { negated, ranges };
    } else if (c === ']') {
      return fail(`input:${pattern}, pos:${i + 1}, set-close ']' with no preceding '[': the input provided is invalid`);
    } else if (c === '*' || c === '+' || c === '?') {
      return fail(`input:${pattern}, pos:${i + 1}, repetition without a preceding token`);
    } else set = { negated: false, ranges: [[c.codePointAt(0)!, c.codePointAt(0)!]] };
    const next = chars[i + 1];
    const repeat = next === '*' || next === '+' || next === '?' ? next : '';
    if (repeat) i++;
    tokens.push({ set, repeat });
  }
  return tokens;
}

function inSet(set: CharSet, code: number): boolean {
  const hit = set.ranges.some(([lo, hi]) => code >= lo && code <= hi);
  return set.negated ? !hit : hit;
}

/** Whether some character belongs to both sets (candidates: range edges and their neighbours). */
function intersects(a: CharSet, b: CharSet): boolean {
  if (a.negated && b.negated) return true;
  const candidates = new Set<number>([0x61, 0x30, 0x10ffff]);
  for (const [lo, hi] of [...a.ranges, ...b.ranges]) for (const v of [lo - 1, lo, hi, hi + 1]) if (v >= 0) candidates.add(v);
  for (const code of candidates) if (inSet(a, code) && inSet(b, code)) return true;
  return false;
}

/** Epsilon closure: positions reachable by skipping optional tokens; `starred` marks a `+` already matched once. */
type Pos = { i: number; starred: boolean };

function closure(tokens: Token[], start: Pos): Pos[] {
  const out: Pos[] = [start];
  let p = start;
  while (p.i < tokens.length) {
    const t = tokens[p.i]!;
    if (t.repeat === '*' || t.repeat === '?' || (t.repeat === '+' && p.starred)) {
      p = { i: p.i + 1, starred: false };
      out.push(p);
    } else break;
  }
  return out;
}

function step(tokens: Token[], p: Pos): Pos {
  const t = tokens[p.i]!;
  if (t.repeat === '*') return p;
  if (t.repeat === '+') return { i: p.i, starred: true };
  return { i: p.i + 1, starred: false };
}

function globsMatch(a: unknown, b: unknown): boolean {
  const x = tokenize(asString(a, 'operand 1'));
  const y = tokenize(asString(b, 'operand 2'));
  const seen = new Set<string>();
  const queue: [Pos, Pos][] = [[{ i: 0, starred: false }, { i: 0, starred: false }]];
  while (queue.length > 0) {
    const [p0, q0] = queue.shift()!;
    for (const p of closure(x, p0)) {
      for (const q of closure(y, q0)) {
        const key = `${p.i},${p.starred},${q.i},${q.starred}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (p.i === x.length && q.i === y.length) return true;
        if (p.i < x.length && q.i < y.length && intersects(x[p.i]!.set, y[q.i]!.set)) queue.push([step(x, p), step(y, q)]);
      }
    }
  }
  return false;
}

export const globsMatchBuiltins: Readonly<Record<string, HostImplementation>> = {
  'regex.globs_match': globsMatch,
};
