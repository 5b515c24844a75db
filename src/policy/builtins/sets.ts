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

import { NumberText, notExact, toJsonText } from './value.js';

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
    for (let i = 0; i < value.length; i++) value[i] = decodeMember(value, i, value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === SET_KEY && Array.isArray(obj[SET_KEY])) return asRegoSet(decodeHostValue(obj[SET_KEY]) as unknown[]);
  if (keys.length === 1 && keys[0] === NUM_KEY && typeof obj[NUM_KEY] === 'string') return exactNumber(obj[NUM_KEY]);
  if (!keys.some((k) => k.startsWith('\u0000'))) {
    for (const k of keys) obj[k] = decodeMember(obj, k, obj[k]);
    return obj;
  }
  const out: Record<string, unknown> = {};
  const entries: [unknown, unknown][] = [];
  for (const k of keys) {
    if (k.startsWith(NON_STRING_KEY)) {
      entries.push([nonStringKey(k), decodeHostValue(obj[k])]);
      continue;
    }
    const key = k.startsWith('\u0000') ? k.slice(1) : k;
    out[key] = decodeMember(out, key, obj[k]);
  }
  return withNonStringEntries(out, entries);
}

/** A member of an array or object; a number's text (when not a plain integer) is kept beside it. */
function decodeMember(container: object, key: number | string, member: unknown): unknown {
  const text = numberMarkText(member);
  const decoded = decodeHostValue(member);
  if (text !== undefined && !/^-?\d+$/.test(text)) recordNumberText(container, key, text);
  return decoded;
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
 * A number the module sent as text: integers exactly as bigints, any other as the nearest float64.
 * A number past float64's range has no host form but its text (OutOfRangeNumber): only sprintf,
 * which prints such a number's text as OPA does, may take one (host.ts); any other built-in stops
 * (see NotExactError) rather than work on Infinity.
 */
function exactNumber(text: string): bigint | number | OutOfRangeNumber {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  sawOutOfRange = true;
  return new OutOfRangeNumber(text);
}

export class OutOfRangeNumber {
  constructor(readonly text: string) {}
}

let sawOutOfRange = false;

/** Whether any argument decoded since the last call held a number past float64's range. */
export function takeSawOutOfRange(): boolean {
  const saw = sawOutOfRange;
  sawOutOfRange = false;
  return saw;
}

function numberMarkText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const text = obj[NUM_KEY];
  return typeof text === 'string' && Object.keys(obj).length === 1 ? text : undefined;
}

// The text of members (array elements, object values) that are numbers written otherwise than as
// plain integers ("1.0", "1e3", "1.50"): OPA prints a number by its text (sprintf of [1.0] is
// "[1.0]") and its sprintf treats such a number as a float even when its value is integral.
const numberTexts = new WeakMap<object, Map<number | string, string>>();

function recordNumberText(container: object, key: number | string, text: string): void {
  let texts = numberTexts.get(container);
  if (texts === undefined) numberTexts.set(container, (texts = new Map()));
  texts.set(key, text);
}

/** The text a member crossed in, when it was a number not written as a plain integer. */
export function numberTextAt(container: unknown, key: number | string): string | undefined {
  return typeof container === 'object' && container !== null ? numberTexts.get(container)?.get(key) : undefined;
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
  if (value instanceof NumberText) return value;
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
