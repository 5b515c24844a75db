/**
 * Go's regexp.Compile for the regex built-ins: parse with Go's grammar and errors, then compile to
 * a program run by a Pike VM with Go's own matching rules (vm.ts). A Go syntax error is a built-in
 * error (OPA returns the compile error); a pattern that cannot be answered exactly stops the
 * evaluation (NotExactError). Results, errors included, are cached per pattern.
 */
import { fail, notExact } from '../../value.js';
import { atomTest } from './atoms.js';
import { checkFoldFactoring, checkLimits, checkProgramSize, searchesRestAlike } from './checks.js';
import { GoRegexSyntaxError, GoRegexUnsupported, parseGoRegex, type Parsed } from './syntax.js';
import { compileProgram, runProgram, type Program } from './vm.js';

export interface GoRegexp {
  /** The built-in using it, named when it stops. */
  readonly builtin: string;
  readonly prog: Program;
  /** Group names by index (index 0 is the whole match), undefined for unnamed groups. */
  readonly names: readonly (string | undefined)[];
  /** Searching the rest of a text finds what searching the whole text does (see checks.ts). */
  readonly restAlike: boolean;
}

export interface Match {
  start: number;
  end: number;
  /** Group texts by index (0 is the whole match), undefined for a group that took no part. */
  groups: (string | undefined)[];
}

/** Lone surrogates cannot occur in Go strings (they are UTF-8); such a value is not one OPA could see. */
export function requireWellFormed(builtin: string, s: string): void {
  if (/\p{Cs}/u.test(s)) notExact(builtin, 'a string with an unpaired UTF-16 surrogate');
}

/** The leftmost-first match at or after pos (UTF-16 offsets), searching with the whole text as context. */
export function findAt(g: GoRegexp, s: string, pos: number): Match | undefined {
  let slots: number[] | undefined;
  try {
    slots = runProgram(g.prog, s, pos);
  } catch (err) {
    if (err instanceof GoRegexUnsupported) notExact(g.builtin, err.message);
    throw err;
  }
  if (!slots) return undefined;
  const groups: (string | undefined)[] = [];
  for (let i = 0; i < slots.length; i += 2) {
    groups.push(slots[i]! >= 0 && slots[i + 1]! >= 0 ? s.slice(slots[i], slots[i + 1]) : undefined);
  }
  return { start: slots[0]!, end: slots[1]!, groups };
}

type Outcome = { ok: Parsed } | { error: Error };

const parsedCache = new Map<string, Outcome>();
const compiledCache = new Map<string, Omit<GoRegexp, 'builtin'> | Error>();
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

/** The compiled pattern for `builtin`, or the built-in's error, or a stop. */
export function compileGoRegex(builtin: string, pattern: string): GoRegexp {
  requireWellFormed(builtin, pattern);
  let hit = compiledCache.get(pattern);
  if (hit === undefined) {
    hit = build(pattern);
    remember(compiledCache, pattern, hit);
  }
  if (hit instanceof Error) raise(builtin, hit);
  return { ...hit, builtin };
}

function build(pattern: string): Omit<GoRegexp, 'builtin'> | Error {
  const outcome = parseCached(pattern);
  if ('error' in outcome) return outcome.error;
  const { root, captures, names } = outcome.ok;
  try {
    checkFoldFactoring(root);
    checkProgramSize(root);
  } catch (err) {
    if (err instanceof GoRegexUnsupported) return err;
    throw err;
  }
  return { prog: compileProgram(root, captures, atomTest), names, restAlike: searchesRestAlike(root) };
}
