/**
 * The built-ins the module implements natively (compiler/wasm/assembly/builtins.ts), in TypeScript
 * over the evaluator's values. Those that only touch strings go to the host implementations instead
 * (see host.ts): one implementation of their semantics. Undefined results are `undefined`.
 */
import { EvaluationError } from './errors.js';
import { dumpJson } from './json.js';
import * as arith from './arith.js';
import { Num, Obj, RSet, type Value, asInt, compare, dot, equal, isOpaInt, typeName } from './value.js';

type Native = (...args: Value[]) => Value | undefined;

/**
 * A lookup in base data, as the runtime's b_regoc_data_dot: OPA's store finds paths by their
 * text, so a number key into a stored object names the key of the same digits.
 */
function dataDot(v: Value, k: Value): Value | undefined {
  if (!(v instanceof Obj) || !(k instanceof Num)) return dot(v, k);
  if (k.text !== undefined) return v.get(k.text);
  if (k.int === undefined) return undefined;
  return v.get(k.int.toString());
}

function minus(a: Value, b: Value): Value | undefined {
  if (a instanceof RSet && b instanceof RSet) return setOf(a.items.filter((x) => !b.has(x)));
  return arith.minus(a, b);
}

function setOf(items: Iterable<Value>): RSet {
  const s = new RSet();
  for (const x of items) s.add(x);
  return s;
}

function union(a: Value): Value | undefined {
  if (!(a instanceof RSet)) return undefined;
  const s = new RSet();
  for (const x of a.items) {
    if (!(x instanceof RSet)) return undefined;
    for (const y of x.items) s.add(y);
  }
  return s;
}

function intersection(a: Value): Value | undefined {
  if (!(a instanceof RSet)) return undefined;
  if (a.size === 0) return new RSet();
  let acc: RSet | undefined;
  for (const x of a.items) {
    if (!(x instanceof RSet)) return undefined;
    acc = acc === undefined ? x : setOf(acc.items.filter((y) => x.has(y)));
  }
  return acc;
}

/** Elements of an array or set; undefined for anything else. */
function coll(a: Value): Value[] | undefined {
  if (Array.isArray(a)) return a;
  if (a instanceof RSet) return a.items;
  return undefined;
}

function extreme(sign: number): Native {
  return (a) => {
    const items = coll(a);
    if (!items || items.length === 0) return undefined;
    let m = items[0] as Value;
    for (const x of items.slice(1)) if (Math.sign(compare(x, m)) === sign) m = x;
    return m;
  };
}

function count(a: Value): Value | undefined {
  if (typeof a === 'string') return Num.int(BigInt([...a].length));
  if (Array.isArray(a)) return Num.int(BigInt(a.length));
  if (a instanceof Obj || a instanceof RSet) return Num.int(BigInt(a.size));
  return undefined;
}

function member2(x: Value, c: Value): Value {
  if (c instanceof RSet) return c.has(x);
  if (Array.isArray(c)) return c.some((y) => equal(y, x));
  if (c instanceof Obj) return c.vals.some((y) => equal(y, x));
  return false;
}

function member3(k: Value, v: Value, c: Value): Value {
  if (Array.isArray(c) || c instanceof Obj) {
    const x = dot(c, k);
    return x !== undefined && equal(x, v);
  }
  if (c instanceof RSet) return equal(k, v) && c.has(k);
  return false;
}

const VALID_NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(a: Value): Value | undefined {
  if (a instanceof Num) return a;
  if (a === null) return Num.int(0n);
  if (typeof a === 'boolean') return Num.int(a ? 1n : 0n);
  if (typeof a !== 'string' || !VALID_NUMBER.test(a)) return undefined;
  return Num.fromText(a);
}

function objectGet(o: Value, k: Value, d: Value): Value | undefined {
  if (!(o instanceof Obj)) return undefined;
  if (Array.isArray(k)) {
    let cur: Value | undefined = o;
    for (const seg of k) {
      if (!(cur instanceof Obj) && !Array.isArray(cur) && !(cur instanceof RSet)) return d;
      cur = dot(cur, seg);
      if (cur === undefined) return d;
    }
    return cur;
  }
  return o.get(k) ?? d;
}

function arraySlice(a: Value, s: Value, e: Value): Value | undefined {
  if (!Array.isArray(a) || !(s instanceof Num) || !(e instanceof Num) || !isOpaInt(s) || !isOpaInt(e)) return undefined;
  const from = Math.max(0, Number(asInt(s)));
  const to = Math.min(a.length, Number(asInt(e)));
  return from < to ? a.slice(from, to) : [];
}

function objectCopy(o: Value): Value {
  return o instanceof Obj ? o.copy() : new Obj();
}

function objectChild(o: Value, k: Value): Value | undefined {
  if (!(o instanceof Obj)) return undefined;
  const cur = o.get(k);
  if (cur !== undefined) return cur instanceof Obj ? cur : undefined;
  const c = new Obj();
  o.put(k, c);
  return c;
}

/** As the runtime's b_regoc_multi_object_child / b_regoc_multi_set_child: the child, inserted when missing. */
function multiChild(make: () => Obj | RSet): Native {
  return (o, k) => {
    if (!(o instanceof Obj)) return undefined;
    const cur = o.get(k);
    if (cur === undefined) {
      const c = make();
      o.put(k, c);
      return c;
    }
    const want = make();
    if (want instanceof RSet ? !(cur instanceof RSet) : !(cur instanceof Obj)) throw new EvaluationError('multi-value rule with variables in its ref: a key holds both a set and an object');
    return cur;
  };
}

function isType(pred: (a: Value) => boolean): Native {
  return (a) => pred(a);
}

export const NATIVES: ReadonlyMap<string, Native> = new Map<string, Native>([
  ['equal', (a, b) => equal(a, b)],
  ['neq', (a, b) => !equal(a, b)],
  ['lt', (a, b) => compare(a, b) < 0],
  ['lte', (a, b) => compare(a, b) <= 0],
  ['gt', (a, b) => compare(a, b) > 0],
  ['gte', (a, b) => compare(a, b) >= 0],
  ['plus', arith.plus],
  ['minus', minus],
  ['mul', arith.mul],
  ['div', arith.div],
  ['rem', arith.rem],
  ['abs', arith.abs],
  ['round', arith.round],
  ['ceil', arith.ceil],
  ['floor', arith.floor],
  ['or', (a, b) => (a instanceof RSet && b instanceof RSet ? setOf([...a.items, ...b.items]) : undefined)],
  ['and', (a, b) => (a instanceof RSet && b instanceof RSet ? setOf(a.items.filter((x) => b.has(x))) : undefined)],
  ['union', union],
  ['intersection', intersection],
  ['count', count],
  ['sum', arith.sum],
  ['product', arith.product],
  ['max', extreme(1)],
  ['min', extreme(-1)],
  ['sort', (a) => { const items = coll(a); return items ? (a instanceof RSet ? [...items] : [...items].sort(compare)) : undefined; }],
  ['all', (a) => { const items = coll(a); return items ? items.every((x) => x === true) : undefined; }],
  ['any', (a) => { const items = coll(a); return items ? items.some((x) => x === true) : undefined; }],
  ['internal.member_2', member2],
  ['internal.member_3', member3],
  ['is_string', isType((a) => typeof a === 'string')],
  ['is_number', isType((a) => a instanceof Num)],
  ['is_boolean', isType((a) => typeof a === 'boolean')],
  ['is_array', isType((a) => Array.isArray(a))],
  ['is_object', isType((a) => a instanceof Obj)],
  ['is_set', isType((a) => a instanceof RSet)],
  ['is_null', isType((a) => a === null)],
  ['type_name', (a) => typeName(a)],
  ['to_number', toNumber],
  ['object.get', objectGet],
  ['object.keys', (o) => (o instanceof Obj ? setOf(o.keys) : undefined)],
  ['array.concat', (a, b) => (Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : undefined)],
  ['array.slice', arraySlice],
  ['array.reverse', (a) => (Array.isArray(a) ? [...a].reverse() : undefined)],
  ['json.marshal', (a) => dumpJson(a)],
  ['regoc.object_child', objectChild],
  ['regoc.multi_object_child', multiChild(() => new Obj())],
  ['regoc.multi_set_child', multiChild(() => new RSet())],
  ['regoc.object_copy', objectCopy],
  ['regoc.data_dot', dataDot],
  ['regoc.iterable', (v) => (Array.isArray(v) || v instanceof Obj || v instanceof RSet ? v : undefined)],
]);
