/**
 * Go's regexp.Compile for the regex built-ins: parse with Go's grammar and errors, check the
 * patterns where JavaScript would answer differently, emit an equivalent RegExp. A Go syntax error
 * is a built-in error (OPA returns the compile error); a pattern that cannot be answered exactly
 * stops the evaluation (NotExactError). Results, errors included, are cached per pattern.
 */
import { fail, notExact } from '../../value.js';
import { checkLimits, checkMatchSemantics, searchesRestAlike } from './checks.js';
import { GoRegexSyntaxError, GoRegexUnsupported, parseGoRegex, type Parsed } from './syntax.js';
import { emitJs } from './to-js.js';

export interface GoRegexp {
  /** Global (`g`) RegExp: callers set lastIndex and call exec. */
  readonly re: RegExp;
  /** Group names by index (index 0 is the whole match), undefined for unnamed groups. */
  readonly names: readonly (string | undefined)[];
  /** Searching the rest of a text finds what searching the whole text does (see checks.ts). */
  readonly restAlike: boolean;
}

/** Lone surrogates cannot occur in Go strings (they are UTF-8); such a value is not one OPA could see. */
export function requireWellFormed(builtin: string, s: string): void {
  if (/\p{Cs}/u.test(s)) notExact(builtin, 'a string with an unpaired UTF-16 surrogate');
}

/**
 * The first match at or after pos, as Go finds it. V8's search for a `u` RegExp can try a start
 * between the two halves of a surrogate pair (an empty or lone-surrogate match there); Go's input
 * has no such position, so such a match is skipped and the search goes on after the pair.
 */
export function execFrom(g: GoRegexp, s: string, pos: number): RegExpExecArray | null {
  let from = pos;
  for (;;) {
    g.re.lastIndex = from;
    const m = g.re.exec(s);
    if (m === null || !insidePair(s, m.index)) return m;
    from = m.index + 1;
  }
}

function insidePair(s: string, i: number): boolean {
  const before = s.charCodeAt(i - 1);
  const at = s.charCodeAt(i);
  return before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff;
}

type Outcome = { ok: Parsed } | { error: Error };

const parsedCache = new Map<string, Outcome>();
const compiledCache = new Map<string, GoRegexp | Error>();
const CACHE_LIMIT = 1000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function parseCached(pattern: string): Outcome {
  const hit = parsedCache.get(pattern);
  if (hit) return hit;
  let outcome: Outcome;
  try {
    const parsed = parseGoRegex(pattern);
    checkLimits(parsed.root, pattern);
    outcome = { ok: parsed };
  } catch (err) {
    if (!(err instanceof GoRegexSyntaxError) && !(err instanceof GoRegexUnsupported)) throw err;
    outcome = { error: err };
  }
  return remember(parsedCache, pattern, outcome);
}

function raise(builtin: string, err: Error): never {
  if (err instanceof GoRegexUnsupported) notExact(builtin, err.message);
  return fail(err.message);
}

/** regex.is_valid: whether Go's syntax.Parse(pattern, syntax.Perl) succeeds. */
export function isValidGoRegex(builtin: string, pattern: string): boolean {
  requireWellFormed(builtin, pattern);
  const outcome = parseCached(pattern);
  if ('ok' in outcome) return true;
  if (outcome.error instanceof GoRegexUnsupported) notExact(builtin, outcome.error.message);
  return false;
}

/**
 * What a built-in reads from matches: only whether there is one (`test`: the set of strings a
 * pattern matches is the same in both engines), where they are (`extent`), or also the groups.
 */
export type Reads = 'test' | 'extent' | 'groups';

/** The compiled pattern for `builtin`; checks that cannot change what it reads are skipped. */
export function compileGoRegex(builtin: string, pattern: string, reads: Reads): GoRegexp {
  requireWellFormed(builtin, pattern);
  const key = `${reads}/${pattern}`;
  let hit = compiledCache.get(key);
  if (hit === undefined) {
    hit = build(pattern, reads);
    remember(compiledCache, key, hit);
  }
  if (hit instanceof Error) raise(builtin, hit);
  hit.re.lastIndex = 0;
  return hit;
}

function build(pattern: string, reads: Reads): GoRegexp | Error {
  const outcome = parseCached(pattern);
  if ('error' in outcome) return outcome.error;
  try {
    if (reads !== 'test') checkMatchSemantics(outcome.ok.root, reads === 'groups');
    const { source, flags } = emitJs(outcome.ok);
    let re: RegExp;
    try {
      re = new RegExp(source, `${flags}g`);
    } catch (err) {
      // The emitter wrote something V8 rejects: never guess, stop instead.
      return new GoRegexUnsupported(`a pattern this engine could not translate (${(err as Error).message})`);
    }
    return { re, names: outcome.ok.names, restAlike: searchesRestAlike(outcome.ok.root) };
  } catch (err) {
    if (err instanceof GoRegexUnsupported) return err;
    throw err;
  }
}
