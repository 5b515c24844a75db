/**
 * Sets across the SDK. JSON has no sets, so while a host built-in runs the module writes a set as
 * `{"\u0000set": [...]}` and puts one more NUL in front of any string key that starts with NUL (no
 * object can pass for a set); it reads the built-in's result back the same way (see
 * compiler/wasm/assembly/json.ts, "host mode").
 *
 * A key that is not a string (`{[1]: "a"}`) is written as "\u0000k" and its JSON text. Plain objects
 * have string keys only, so such entries are kept beside the object (`nonStringEntries`) with the
 * key's value; the built-ins that handle them as OPA does (NON_STRING_KEY_AWARE in host.ts) read
 * them there, and a result object carrying them crosses back with the same "\u0000k" keys. Any other
 * built-in given such an object stops with a NotExactError (fail closed), as does a number past
 * float64's range. Integers beyond 2^53 cross as {"\u0000num": "<digits>"} and arrive here as
 * bigints.
 *
 * Host implementations keep receiving sets as sorted arrays (most treat both alike); an array that
 * was a set is remembered here, so the ones that must tell them apart (json.patch, sprintf, walk...)
 * can ask `isRegoSet`, and one they return (or pass through) crosses back as a set.
 */

import { notExact, toJsonText } from './value.js';

const SET_KEY = '\u0000set';
const NUM_KEY = '\u0000num';
const NON_STRING_KEY = '\u0000k';
const sets = new WeakSet<object>();
const nonString = new WeakMap<object, [unknown, unknown][]>();
let sawNonStringKey = false;

/** The entries of an object whose keys are not strings, as [key, value] pairs. */
export function nonStringEntries(obj: unknown): readonly [unknown, unknown][] {
  return (typeof obj === 'object' && obj !== null && nonString.get(obj)) || [];
}

/** Gives a (new) object entries whose keys are not strings; returns it. */
export function withNonStringEntries<T extends object>(obj: T, entries: [unknown, unknown][]): T {
  if (entries.length > 0) nonString.set(obj, entries);
  return obj;
}

/** Whether any argument decoded since the last call held a key that is not a string. */
export function takeSawNonStringKey(): boolean {
  const saw = sawNonStringKey;
  sawNonStringKey = false;
  return saw;
}

/** The exact text a key value crosses in (the module parses it back, see json.ts nonStringKey). */
export function hostKeyText(key: unknown): string {
  return toJsonText(encodeHostValue(key));
}

function containsObject(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsObject);
  return typeof value === 'object' && value !== null;
}

export function isRegoSet(value: unknown): boolean {
  return Array.isArray(value) && sets.has(value);
}

/** Marks an array (sorted, without duplicates) as a set; returns it. */
export function asRegoSet<T extends unknown[]>(items: T): T {
  sets.add(items);
  return items;
}

/** An argument as the SDK parsed it -> the host's view (sets as marked arrays, keys unescaped). */
export function decodeHostValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeHostValue(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === SET_KEY && Array.isArray(obj[SET_KEY])) return asRegoSet(decodeHostValue(obj[SET_KEY]) as unknown[]);
  if (keys.length === 1 && keys[0] === NUM_KEY && typeof obj[NUM_KEY] === 'string') return exactNumber(obj[NUM_KEY]);
  if (!keys.some((k) => k.startsWith('\u0000'))) {
    for (const k of keys) obj[k] = decodeHostValue(obj[k]);
    return obj;
  }
  const out: Record<string, unknown> = {};
  const entries: [unknown, unknown][] = [];
  for (const k of keys) {
    if (k.startsWith(NON_STRING_KEY)) {
      entries.push([nonStringKey(k), decodeHostValue(obj[k])]);
      continue;
    }
    out[k.startsWith('\u0000') ? k.slice(1) : k] = decodeHostValue(obj[k]);
  }
  return withNonStringEntries(out, entries);
}

/** A key that is not a string, from its crossing text. */
function nonStringKey(k: string): unknown {
  sawNonStringKey = true;
  const key = decodeHostValue(JSON.parse(k.slice(NON_STRING_KEY.length)) as unknown);
  // A key holding an object may itself hold keys that are not strings, written without a mark
  // inside the key's text: no exact form (fail closed).
  if (containsObject(key)) notExact('host built-in', `an object key holding an object (${k.slice(2, 42)})`);
  return key;
}

/**
 * A number the module sent as text: integers exactly as bigints; a number past float64's range
 * has no exact host form, so the call stops (see NotExactError) rather than work on Infinity.
 */
function exactNumber(text: string): bigint | number {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const n = Number(text);
  if (!Number.isFinite(n)) notExact('host built-in', `the number ${text.slice(0, 40)} (beyond float64)`);
  return n;
}

/** Whether a result needs encoding (holds a marked set or a key starting with NUL). */
export function needsHostEncoding(value: unknown): boolean {
  if (Array.isArray(value)) return sets.has(value) || value.some(needsHostEncoding);
  if (value === null || typeof value !== 'object') return false;
  if (nonString.has(value)) return true;
  for (const [k, v] of Object.entries(value)) if (k.startsWith('\u0000') || needsHostEncoding(v)) return true;
  return false;
}

/** A result -> the value the module reads back in host mode (marked sets, escaped keys). */
export function encodeHostValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(encodeHostValue);
    return sets.has(value) ? { [SET_KEY]: items } : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.startsWith('\u0000') ? `\u0000${k}` : k] = encodeHostValue(v);
  // After the string keys: the module reads these back as keys that are not strings.
  for (const [k, v] of nonStringEntries(value)) out[`${NON_STRING_KEY}${hostKeyText(k)}`] = encodeHostValue(v);
  return out;
}
