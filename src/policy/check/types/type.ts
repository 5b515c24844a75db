/**
 * The types of OPA's type checker (v1/types): scalars, arrays with static items and a dynamic rest,
 * objects with static properties and a dynamic key/value, sets, and `any` (the top type, or a union
 * `any<a, b>`). `undefined` stands for Go's nil: a type not known yet (a variable nothing has bound).
 * Only what the checker needs is here; functions are typed apart (see type-env.ts).
 */
import type { ValueKind } from '../../builtins/index.js';

export type ScalarKind = 'null' | 'boolean' | 'number' | 'string';

export interface ScalarType {
  readonly kind: ScalarKind;
}

export interface ArrayType {
  readonly kind: 'array';
  readonly items: readonly (Type | undefined)[];
  readonly rest?: Type | undefined;
}

export interface ObjectType {
  readonly kind: 'object';
  /** Keyed by the JSON text of the property's key (`"a"`, `1`). */
  readonly props: ReadonlyMap<string, Type | undefined>;
  readonly rest?: { readonly key: Type | undefined; readonly value: Type | undefined };
}

export interface SetType {
  readonly kind: 'set';
  readonly of: Type | undefined;
}

/** `of` empty: any value at all; otherwise a union of its members. */
export interface AnyType {
  readonly kind: 'any';
  readonly of: readonly Type[];
}

export type Type = ScalarType | ArrayType | ObjectType | SetType | AnyType;

export const ANY: AnyType = { kind: 'any', of: [] };
export const NULL: ScalarType = { kind: 'null' };
export const BOOLEAN: ScalarType = { kind: 'boolean' };
export const NUMBER: ScalarType = { kind: 'number' };
export const STRING: ScalarType = { kind: 'string' };

export function arrayOf(items: readonly (Type | undefined)[], rest?: Type): ArrayType {
  return { kind: 'array', items, rest };
}

export function objectOf(props: ReadonlyMap<string, Type | undefined>, rest?: ObjectType['rest']): ObjectType {
  return { kind: 'object', props, rest };
}

export function setOf(of: Type | undefined): SetType {
  return { kind: 'set', of };
}

export function isTop(t: Type): boolean {
  return t.kind === 'any' && t.of.length === 0;
}

/** The type the built-in catalogue means by a kind: collections of anything. */
function typeOfKind(kind: ValueKind): Type {
  switch (kind) {
    case 'any': return ANY;
    case 'array': return arrayOf([], ANY);
    case 'object': return objectOf(new Map(), { key: ANY, value: ANY });
    case 'set': return setOf(ANY);
    default: return { kind };
  }
}

/** A catalogue position (one kind, or alternatives) as a type. */
export function typeOfKinds(kinds: readonly ValueKind[]): Type {
  if (kinds.includes('any') || kinds.length === 0) return ANY;
  return kinds.map(typeOfKind).reduce((a, b) => or(a, b)!);
}

/** OPA's printed form (types.Sprint): `array<number, string>`, `object[string: any]`, `any<number, string>`. */
export function printType(t: Type | undefined): string {
  if (t === undefined) return '???';
  switch (t.kind) {
    case 'array': return printArray(t);
    case 'object': return printObject(t);
    case 'set': return `set[${printType(t.of)}]`;
    case 'any': return t.of.length === 0 ? 'any' : `any<${t.of.map(printType).join(', ')}>`;
    default: return t.kind;
  }
}

function printArray(t: ArrayType): string {
  const items = t.items.map(printType);
  if (t.rest === undefined) return `array<${items.join(', ')}>`;
  if (items.length === 0) return `array[${printType(t.rest)}]`;
  return `array<${items.join(', ')}>[${printType(t.rest)}]`;
}

function printObject(t: ObjectType): string {
  // Go prints a property's key as its value: `object<a: number>`, not `object<"a": number>`.
  const props = [...t.props.entries()].map(([k, v]) => `${String(JSON.parse(k))}: ${printType(v)}`);
  const rest = t.rest ? `[${printType(t.rest.key)}: ${printType(t.rest.value)}]` : '';
  if (props.length === 0) return `object${rest || '<>'}`;
  return `object<${props.join(', ')}>${rest}`;
}

function sameType(a: Type, b: Type): boolean {
  return printType(a) === printType(b);
}

/** OPA orders a union's members by kind (types.Compare). */
const KIND_ORDER: readonly Type['kind'][] = ['any', 'null', 'boolean', 'number', 'string', 'array', 'object', 'set'];

/** A union's members flattened, each once. */
function members(t: Type): readonly Type[] {
  return t.kind === 'any' ? t.of : [t];
}

/** OPA's types.Or: the union of two types; nil is the identity, plain `any` absorbs everything. */
export function or(a: Type | undefined, b: Type | undefined): Type | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (isTop(a) || isTop(b)) return ANY;
  if (a.kind !== 'any' && b.kind !== 'any' && sameType(a, b)) return a;
  const of: Type[] = [];
  for (const m of [...members(a), ...members(b)]) if (!of.some((x) => sameType(x, m))) of.push(m);
  if (of.length === 1) return of[0];
  of.sort((x, y) => KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind));
  return { kind: 'any', of };
}

/** OPA's types.Nil: the type, or a part of it, is not known yet. */
export function hasNil(t: Type | undefined): boolean {
  if (t === undefined) return true;
  switch (t.kind) {
    case 'array': return t.items.some(hasNil) || (t.rest !== undefined && hasNil(t.rest));
    case 'object': return [...t.props.values()].some(hasNil) || (t.rest !== undefined && (hasNil(t.rest.key) || hasNil(t.rest.value)));
    case 'set': return hasNil(t.of);
    default: return false;
  }
}
