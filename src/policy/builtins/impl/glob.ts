/**
 * glob.match with the semantics of gobwas/glob as OPA uses it: `*` spans no delimiter, `**` spans
 * anything, `?` is one non-delimiter character, `[a-z]` / `[!a-z]` classes, `{a,b}` alternatives,
 * `\` escapes. Delimiters `[]` mean the default ["."]; `null` means none. Patterns compile to
 * anchored Unicode regular expressions, cached because policies reuse the same few patterns.
 */
import type { HostImplementation } from '../types.js';
import { asArray, asString, fail } from '../value.js';

const QUOTED_BY_QUOTE_META = new Set(['*', '?', '\\', '[', ']', '{', '}']);

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

class GlobCompiler {
  private pos = 0;
  private readonly chars: string[];

  constructor(pattern: string, private readonly delimiterClass: string | undefined) {
    this.chars = Array.from(pattern);
  }

  compile(): string {
    const body = this.sequence(false);
    if (this.pos < this.chars.length) fail('unexpected character in glob pattern');
    return body;
  }

  /** Parses until the end, or inside `{}` until `,` or `}`. */
  private sequence(inTerms: boolean): string {
    let out = '';
    while (this.pos < this.chars.length) {
      const c = this.chars[this.pos]!;
      if (inTerms && (c === ',' || c === '}')) return out;
      this.pos++;
      out += this.token(c);
    }
    if (inTerms) fail('unclosed { in glob pattern');
    return out;
  }

  private token(c: string): string {
    switch (c) {
      case '*':
        if (this.chars[this.pos] === '*') {
          this.pos++;
          return '[\\s\\S]*';
        }
        return this.delimiterClass === undefined ? '[\\s\\S]*' : `[^${this.delimiterClass}]*`;
      case '?':
        return this.delimiterClass === undefined ? '[\\s\\S]' : `[^${this.delimiterClass}]`;
      case '[':
        return this.characterClass();
      case '{':
        return this.terms();
      case '\\': {
        const next = this.chars[this.pos++];
        if (next === undefined) fail('trailing escape in glob pattern');
        return escapeRegex(next);
      }
      case ']':
      case '}':
        return fail(`unexpected ${c} in glob pattern`);
      default:
        return escapeRegex(c);
    }
  }

  private characterClass(): string {
    let negate = false;
    if (this.chars[this.pos] === '!') {
      negate = true;
      this.pos++;
    }
    let out = '';
    let count = 0;
    while (this.pos < this.chars.length && this.chars[this.pos] !== ']') {
      const lo = this.chars[this.pos++]!;
      if (this.chars[this.pos] === '-' && this.chars[this.pos + 1] !== undefined && this.chars[this.pos + 1] !== ']') {
        const hi = this.chars[this.pos + 1]!;
        this.pos += 2;
        if (hi < lo) fail('bad range in glob pattern');
        out += `${escapeRegex(lo)}-${escapeRegex(hi)}`;
      } else {
        out += escapeRegex(lo);
      }
      count++;
    }
    if (this.chars[this.pos] !== ']' || count === 0) fail('unclosed [ in glob pattern');
    this.pos++;
    return `[${negate ? '^' : ''}${out}]`;
  }

  private terms(): string {
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      const c = this.chars[this.pos++];
      if (c === '}') break;
      if (c !== ',') fail('unclosed { in glob pattern');
    }
    return `(?:${alternatives.join('|')})`;
  }
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 1000;

function globRegex(pattern: string, delimiters: string[] | null): RegExp {
  const key = JSON.stringify([pattern, delimiters]);
  const cached = cache.get(key);
  if (cached) return cached;
  const delimiterClass = delimiters === null ? undefined : delimiters.map((d) => Array.from(d).map(escapeRegex).join('')).join('');
  const source = new GlobCompiler(pattern, delimiterClass === '' ? undefined : delimiterClass).compile();
  const regex = new RegExp(`^${source}$`, 'u');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, regex);
  return regex;
}

function globMatch(pattern: unknown, delimiters: unknown, value: unknown): boolean {
  const p = asString(pattern, 'operand 1');
  let delims: string[] | null;
  if (delimiters === null) delims = null;
  else {
    delims = asArray(delimiters, 'operand 2').map((d) => asString(d, 'operand 2 element'));
    if (delims.length === 0) delims = ['.'];
  }
  return globRegex(p, delims).test(asString(value, 'operand 3'));
}

function quoteMeta(value: unknown): string {
  return Array.from(asString(value, 'operand 1'))
    .map((c) => (QUOTED_BY_QUOTE_META.has(c) ? `\\${c}` : c))
    .join('');
}

export const globBuiltins: Readonly<Record<string, HostImplementation>> = {
  'glob.match': globMatch,
  'glob.quote_meta': quoteMeta,
};

