/**
 * Infix operators as host functions (plus, minus, mul, div, rem, comparisons, membership). The
 * module evaluates these natively; the host versions keep the table complete for delegation.
 * Integer arithmetic is exact, as OPA's big-number arithmetic is.
 */
import type { HostImplementation } from '../types.js';
import { asNumber, compareValues, fail, isObject, toSet, valuesEqual, type JsonValue } from '../value.js';
import { integerResult } from './units.js';

function exact(a: unknown, b: unknown, op: (x: bigint, y: bigint) => bigint, float: (x: number, y: number) => number): number | bigint {
  const x = asNumber(a, 'operand 1');
  const y = asNumber(b, 'operand 2');
  if (Number.isInteger(x) && Number.isInteger(y)) return integerResult(op(BigInt(x), BigInt(y)));
  return float(x, y);
}

function minus(a: unknown, b: unknown): JsonValue {
  if (Array.isArray(a) && Array.isArray(b)) return toSet(a.filter((x) => !b.some((y) => valuesEqual(x as JsonValue, y as JsonValue))));
  return exact(a, b, (x, y) => x - y, (x, y) => x - y);
}

function div(a: unknown, b: unknown): number {
  const x = asNumber(a, 'operand 1');
  const y = asNumber(b, 'operand 2');
  if (y === 0) fail('divide by zero');
  return x / y;
}

function rem(a: unknown, b: unknown): number | bigint {
  const x = asNumber(a, 'operand 1');
  const y = asNumber(b, 'operand 2');
  if (!Number.isInteger(x) || !Number.isInteger(y)) fail('modulo on floating-point number');
  if (y === 0) fail('modulo by zero');
  return integerResult(BigInt(x) % BigInt(y));
}

/** `x in xs`: array elements, object values, or set members (sets arrive as arrays). */
function member(x: unknown, collection: unknown): boolean {
  if (Array.isArray(collection)) return collection.some((v) => valuesEqual(v as JsonValue, x as JsonValue));
  if (isObject(collection)) return Object.values(collection).some((v) => valuesEqual(v, x as JsonValue));
  return false;
}

/** `k, v in xs`: index or key k holds v. */
function memberPair(k: unknown, v: unknown, collection: unknown): boolean {
  if (Array.isArray(collection)) return typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < collection.length && valuesEqual(collection[k] as JsonValue, v as JsonValue);
  if (isObject(collection)) return typeof k === 'string' && k in collection && valuesEqual(collection[k]!, v as JsonValue);
  return false;
}

const compare = (test: (c: number) => boolean) => (a: unknown, b: unknown) => test(compareValues(a as JsonValue, b as JsonValue));

export const operatorBuiltins: Readonly<Record<string, HostImplementation>> = {
  plus: (a: unknown, b: unknown) => exact(a, b, (x, y) => x + y, (x, y) => x + y),
  minus,
  mul: (a: unknown, b: unknown) => exact(a, b, (x, y) => x * y, (x, y) => x * y),
  div,
  rem,
  equal: compare((c) => c === 0),
  neq: compare((c) => c !== 0),
  lt: compare((c) => c < 0),
  lte: compare((c) => c <= 0),
  gt: compare((c) => c > 0),
  gte: compare((c) => c >= 0),
  'internal.member_2': member,
  'internal.member_3': memberPair,
};
