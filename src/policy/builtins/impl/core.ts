/**
 * Core built-ins (numbers, aggregates, types, arrays, sets, bits). The module implements most of
 * these natively; the host versions let the compiler delegate any of them and keep the catalogue
 * complete. Sets arrive as sorted arrays, so set-typed results are returned as sorted arrays.
 */
import type { HostImplementation } from '../types.js';
import {
  asArray,
  asInteger,
  asNumber,
  asString,
  compareValues,
  fail,
  isObject,
  notExact,
  toSet,
  valuesEqual,
  type JsonValue,
} from '../value.js';
import { integerResult } from './units.js';

/**
 * OPA builds a range of any length (until the query is cancelled); a longer one than this would hold
 * the process for seconds and hundreds of MB, so it stops the evaluation (fail closed) instead of
 * answering "undefined", which `not numbers.range(...)` would read as true.
 */
export const RANGE_LIMIT = 1_000_000n;

/** An integer operand kept exact: wide integers arrive as bigints and stay so (OPA's big.Int). */
function integerOperand(value: unknown, what: string): bigint {
  return typeof value === 'bigint' ? value : BigInt(asInteger(value, what));
}

function range(name: string, a: unknown, b: unknown, step: bigint): (number | bigint)[] {
  const from = integerOperand(a, 'operand 1');
  const to = integerOperand(b, 'operand 2');
  const span = from <= to ? to - from : from - to;
  if (span / step >= RANGE_LIMIT) notExact(name, `a range of more than ${RANGE_LIMIT} numbers`);
  const out: (number | bigint)[] = [];
  if (from <= to) for (let v = from; v <= to; v += step) out.push(integerResult(v));
  else for (let v = from; v >= to; v -= step) out.push(integerResult(v));
  return out;
}

function rangeStep(a: unknown, b: unknown, s: unknown): (number | bigint)[] {
  const step = integerOperand(s, 'operand 3');
  if (step <= 0n) fail('step must be a positive integer');
  return range('numbers.range_step', a, b, step);
}

function numbers(values: unknown): number[] {
  return asArray(values, 'operand 1').map((v) => asNumber(v, 'operand 1 element'));
}

/** Exact integer sums and products, as OPA computes with big numbers. */
function sum(values: unknown): number | bigint {
  const ns = numbers(values);
  if (ns.every(Number.isInteger)) return integerResult(ns.reduce((acc, n) => acc + BigInt(n), 0n));
  return ns.reduce((acc, n) => acc + n, 0);
}

function product(values: unknown): number | bigint {
  const ns = numbers(values);
  if (ns.every(Number.isInteger)) return integerResult(ns.reduce((acc, n) => acc * BigInt(n), 1n));
  return ns.reduce((acc, n) => acc * n, 1);
}

function extreme(values: unknown, sign: 1 | -1): JsonValue | undefined {
  const items = asArray(values, 'operand 1');
  if (items.length === 0) return undefined;
  return items.reduce((best, v) => (compareValues(v, best) * sign > 0 ? v : best));
}

function count(value: unknown): number {
  if (typeof value === 'string') return Array.from(value).length;
  if (Array.isArray(value)) return value.length;
  if (isObject(value)) return Object.keys(value).length;
  return fail('operand 1 must be one of {array, object, set, string}');
}

/** OPA's type names; a set reaches the host as an array and is reported as one. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'object';
  if (typeof value === 'bigint') return 'number';
  return typeof value;
}

function toNumber(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const s = asString(value, 'operand 1');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail(`invalid syntax: ${s}`);
  return Number(s);
}

/** Go math.Round: halves away from zero. */
function round(value: unknown): number {
  const n = asNumber(value);
  return Math.sign(n) * Math.round(Math.abs(n));
}

function arraySlice(arr: unknown, start: unknown, stop: unknown): JsonValue[] {
  const items = asArray(arr, 'operand 1');
  const from = Math.max(0, asInteger(start, 'operand 2'));
  const to = Math.min(items.length, asInteger(stop, 'operand 3'));
  return from >= to ? [] : items.slice(from, to);
}

function flatten(arr: unknown): JsonValue[] {
  return asArray(arr, 'operand 1').flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function setsOf(value: unknown): JsonValue[][] {
  return asArray(value, 'operand 1').map((s) => asArray(s, 'operand 1 element'));
}

function intersect(a: JsonValue[], b: JsonValue[]): JsonValue[] {
  return a.filter((x) => b.some((y) => valuesEqual(x, y)));
}

function difference(a: JsonValue[], b: JsonValue[]): JsonValue[] {
  return a.filter((x) => !b.some((y) => valuesEqual(x, y)));
}

/** OPA's bits.* work on big.Int: a wide integer keeps every bit instead of going through float64. */
function int64(value: unknown, operand: string): bigint {
  return typeof value === 'bigint' ? value : BigInt(asInteger(value, operand));
}

const LSH_LIMIT = 1n << 16n;

function bitsResult(value: bigint): number | bigint {
  return integerResult(value);
}

export const coreBuiltins: Readonly<Record<string, HostImplementation>> = {
  'numbers.range': (a: unknown, b: unknown) => range('numbers.range', a, b, 1n),
  'numbers.range_step': rangeStep,
  abs: (n: unknown) => Math.abs(asNumber(n)),
  ceil: (n: unknown) => Math.ceil(asNumber(n)),
  floor: (n: unknown) => Math.floor(asNumber(n)),
  round,
  count,
  sum,
  product,
  max: (v: unknown) => extreme(v, 1),
  min: (v: unknown) => extreme(v, -1),
  sort: (v: unknown) => [...asArray(v, 'operand 1')].sort(compareValues),
  type_name: typeName,
  is_null: (v: unknown) => v === null,
  is_boolean: (v: unknown) => typeof v === 'boolean',
  is_number: (v: unknown) => typeof v === 'number' || typeof v === 'bigint',
  is_string: (v: unknown) => typeof v === 'string',
  is_array: (v: unknown) => Array.isArray(v),
  is_object: (v: unknown) => isObject(v),
  to_number: toNumber,
  'array.concat': (a: unknown, b: unknown) => [...asArray(a, 'operand 1'), ...asArray(b, 'operand 2')],
  'array.slice': arraySlice,
  'array.reverse': (a: unknown) => [...asArray(a, 'operand 1')].reverse(),
  'array.flatten': flatten,
  union: (sets: unknown) => toSet(setsOf(sets).flat()),
  intersection: (sets: unknown) => {
    const all = setsOf(sets);
    return all.length === 0 ? [] : toSet(all.reduce(intersect));
  },
  and: (a: unknown, b: unknown) => toSet(intersect(asArray(a, 'operand 1'), asArray(b, 'operand 2'))),
  or: (a: unknown, b: unknown) => toSet([...asArray(a, 'operand 1'), ...asArray(b, 'operand 2')]),
  set_diff: (a: unknown, b: unknown) => toSet(difference(asArray(a, 'operand 1'), asArray(b, 'operand 2'))),
  'bits.and': (a: unknown, b: unknown) => bitsResult(int64(a, 'operand 1') & int64(b, 'operand 2')),
  'bits.or': (a: unknown, b: unknown) => bitsResult(int64(a, 'operand 1') | int64(b, 'operand 2')),
  'bits.xor': (a: unknown, b: unknown) => bitsResult(int64(a, 'operand 1') ^ int64(b, 'operand 2')),
  'bits.negate': (a: unknown) => bitsResult(~int64(a, 'operand 1')),
  'bits.lsh': (a: unknown, b: unknown) => {
    const shift = int64(b, 'operand 2');
    if (shift < 0n) fail('operand 2 must be an unsigned integer number');
    const value = int64(a, 'operand 1');
    // OPA shifts a big.Int by any amount; past this the result would take seconds to print.
    if (value !== 0n && shift > LSH_LIMIT) notExact('bits.lsh', `a shift by more than ${LSH_LIMIT} bits`);
    return integerResult(value << shift);
  },
  'bits.rsh': (a: unknown, b: unknown) => {
    const shift = int64(b, 'operand 2');
    if (shift < 0n) fail('operand 2 must be an unsigned integer number');
    return integerResult(int64(a, 'operand 1') >> shift);
  },
};
