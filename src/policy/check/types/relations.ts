/**
 * How types relate, as OPA's checker decides it (v1/ast/check.go `unifies`, v1/types `Keys`,
 * `Values`, `Select`): whether two types can hold a common value, and what indexing a collection
 * type yields. Wherever OPA's answer needs more than this project tracks, the answer here is the
 * more permissive one, so the checker never refuses a policy OPA accepts.
 */
import { ANY, NUMBER, STRING, type ArrayType, type ObjectType, type Type, isTop, or } from './type.js';

/** Whether a value of type `a` can also be of type `b` (nil unifies with nothing, as in OPA). */
export function unifies(a: Type | undefined, b: Type | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.kind === 'any' && (a.of.length === 0 || a.of.some((m) => unifies(m, b)))) return true;
  if (b.kind === 'any' && (b.of.length === 0 || b.of.some((m) => unifies(m, a)))) return true;
  if (a.kind === 'any' || b.kind === 'any') return false;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'array': return unifiesArrays(a, b as ArrayType);
    case 'object': return unifiesObjects(a, b as ObjectType);
    case 'set': return unifies(a.of, (b as typeof a).of);
    default: return true;
  }
}

function unifiesArrays(a: ArrayType, b: ArrayType): boolean {
  const staticOk = (x: ArrayType, y: ArrayType) => x.items.every((t, i) => unifies(t, selectIndex(y, i)));
  if (!staticOk(a, b) || !staticOk(b, a)) return false;
  return a.rest === undefined || b.rest === undefined || unifies(a.rest, b.rest);
}

function unifiesObjects(a: ObjectType, b: ObjectType): boolean {
  const staticOk = (x: ObjectType, y: ObjectType) => [...x.props.entries()].every(([k, t]) => unifies(t, selectProperty(y, k)));
  if (!staticOk(a, b) || !staticOk(b, a)) return false;
  return a.rest === undefined || b.rest === undefined || unifies(a.rest.value, b.rest.value);
}

function selectIndex(t: ArrayType, i: number): Type | undefined {
  return i < t.items.length ? t.items[i] : t.rest;
}

function selectProperty(t: ObjectType, key: string): Type | undefined {
  return t.props.has(key) ? t.props.get(key) : t.rest?.value;
}

/** The type of `x[k]` for a constant key given as JSON text; undefined when no value can be there. */
export function select(t: Type, keyJson: string): Type | undefined {
  switch (t.kind) {
    case 'array': {
      const i = Number(keyJson);
      return Number.isInteger(i) && i >= 0 ? selectIndex(t, i) : undefined;
    }
    case 'object': return selectProperty(t, keyJson);
    case 'set': return t.of;
    case 'any': return isTop(t) ? ANY : t.of.map((m) => select(m, keyJson)).reduce<Type | undefined>((x, y) => or(x, y), undefined);
    default: return undefined;
  }
}

/** The type of the keys of a collection (`k` in `x[k]`); undefined for a scalar. */
export function keysOf(t: Type): Type | undefined {
  switch (t.kind) {
    case 'array': return NUMBER;
    case 'object': return or([...t.props.keys()].map(jsonKeyType).reduce<Type | undefined>((x, y) => or(x, y), undefined), t.rest?.key);
    case 'set': return t.of;
    case 'any': return isTop(t) ? ANY : t.of.map(keysOf).reduce<Type | undefined>((x, y) => or(x, y), undefined);
    default: return undefined;
  }
}

/** The type of the values of a collection (`x[_]`); undefined for a scalar. */
export function valuesOf(t: Type): Type | undefined {
  switch (t.kind) {
    case 'array': return [...t.items, t.rest].reduce<Type | undefined>((x, y) => or(x, y), undefined);
    case 'object': return [...t.props.values(), t.rest?.value].reduce<Type | undefined>((x, y) => or(x, y), undefined);
    case 'set': return t.of;
    case 'any': return isTop(t) ? ANY : t.of.map(valuesOf).reduce<Type | undefined>((x, y) => or(x, y), undefined);
    default: return undefined;
  }
}

function jsonKeyType(json: string): Type {
  if (json.startsWith('"')) return STRING;
  if (json === 'true' || json === 'false') return { kind: 'boolean' };
  if (json === 'null') return { kind: 'null' };
  return NUMBER;
}
