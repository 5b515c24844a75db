/**
 * Sets across the SDK. JSON has no sets, so while a host built-in runs the module writes a set as
 * `{"\u0000set": [...]}` and puts one more NUL in front of any string key that starts with NUL (no
 * object can pass for a set); it reads the built-in's result back the same way (see
 * compiler/wasm/assembly/json.ts, "host mode").
 *
 * A key that is not a string (`{[1]: "a"}`) is written as "\u0000k" and its JSON text; the host has no
 * exact form for it, so such an argument stops the call with a NotExactError (fail closed), as does
 * a number past float64's range. Integers beyond 2^53 cross as {"\u0000num": "<digits>"} and arrive
 * here as bigints.
 *
 * Host implementations keep receiving sets as sorted arrays (most treat both alike); an array that
 * was a set is remembered here, so the ones that must tell them apart (json.patch, sprintf, walk...)
 * can ask `isRegoSet`, and one they return (or pass through) crosses back as a set.
 */

import { notExact } from './value.js';

const SET_KEY = '\u0000set';
const NUM_KEY = '\u0000num';
const sets = new WeakSet<object>();

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
  for (const k of keys) {
    // JSON objects have string keys only; the host cannot work on the others as OPA would.
    if (k.startsWith('\u0000k')) notExact('host built-in', `an object key that is not a string (${k.slice(2, 42)})`);
    out[k.startsWith('\u0000') ? k.slice(1) : k] = decodeHostValue(obj[k]);
  }
  return out;
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
  return out;
}
