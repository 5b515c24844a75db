/** object.*, json.* (remove, filter, patch, marshal), graph.* and walk, after OPA's topdown code. */
import type { HostImplementation } from '../types.js';
import { parseJsonKeepingNumbers } from '../json-numbers.js';
import { asRegoSet, hostKeyText, isRegoSet, nonStringEntries, withNonStringEntries } from '../sets.js';
import {
  asArray,
  asObject,
  asString,
  compareStrings,
  fail,
  goJsonMarshal,
  isObject,
  toSet,
  valuesEqual,
  type JsonObject,
  type JsonValue,
} from '../value.js';

/** Keys to drop or keep: array/set elements, or an object's keys. */
function keyList(value: unknown): unknown[] {
  if (isObject(value)) return [...Object.keys(value), ...nonStringEntries(value).map(([k]) => k)];
  return asArray(value, 'operand 2');
}

/** The keys named by object.remove / object.filter's second operand: strings, and others by their exact text. */
function keySelection(keys: unknown): { strings: Set<string>; others: Set<string> } {
  const strings = new Set<string>();
  const others = new Set<string>();
  for (const k of keyList(keys)) {
    if (typeof k === 'string') strings.add(k);
    else others.add(hostKeyText(k));
  }
  return { strings, others };
}

/** Keeps the entries (string keys and others, see sets.ts) for which `keep` holds. */
function selectEntries(source: JsonObject, keys: unknown, keep: (named: boolean) => boolean): JsonObject {
  const { strings, others } = keySelection(keys);
  const out = Object.fromEntries(Object.entries(source).filter(([k]) => keep(strings.has(k))));
  return withNonStringEntries(out, nonStringEntries(source).filter(([k]) => keep(others.has(hostKeyText(k)))));
}

function objectRemove(obj: unknown, keys: unknown): JsonObject {
  return selectEntries(asObject(obj, 'operand 1'), keys, (named) => !named);
}

function objectFilter(obj: unknown, keys: unknown): JsonObject {
  return selectEntries(asObject(obj, 'operand 1'), keys, (named) => named);
}

function objectGet(obj: unknown, key: unknown, fallback: unknown): unknown {
  const source = asObject(obj, 'operand 1');
  if (!Array.isArray(key)) return typeof key === 'string' && key in source ? source[key] : fallback;
  let current: JsonValue = source;
  for (const segment of key as JsonValue[]) {
    if (isObject(current) && typeof segment === 'string' && segment in current) current = current[segment]!;
    else if (Array.isArray(current) && typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment < current.length) {
      current = current[segment]!;
    } else return fallback;
  }
  return current;
}

/** object.union: right wins, nested objects merge recursively. */
function union(a: JsonValue, b: JsonValue): JsonValue {
  if (!isObject(a) || !isObject(b)) return b;
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? union(out[k]!, v) : v;
  return out;
}

function unionN(objects: unknown): JsonObject {
  return asArray(objects, 'operand 1').reduce<JsonObject>((acc, o) => union(acc, asObject(o, 'operand 1 element')) as JsonObject, {});
}

/**
 * object.subset as OPA's topdown/subset.go: objects key by key (equal values, or nested objects, sets
 * and arrays each by their own rule), sets by membership, arrays as a contiguous run, and an array
 * with a set by counting the array's members found in the set (duplicates count again, an empty
 * array holds nothing), exactly as OPA counts.
 */
function isSubset(sup: JsonValue, sub: JsonValue): boolean {
  if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
  if (isRegoSet(sup) && isRegoSet(sub)) return setSubset(sup as JsonValue[], sub as JsonValue[]);
  if (isPlainArray(sup) && isPlainArray(sub)) return arraySubset(sup, sub);
  if (isPlainArray(sup) && isRegoSet(sub)) return arraySetSubset(sup, sub as JsonValue[]);
  return fail('both arguments object.subset must be of the same type or array and set');
}

function isPlainArray(v: JsonValue): v is JsonValue[] {
  return Array.isArray(v) && !isRegoSet(v);
}

/** Equality that tells a set from an array (both arrive as arrays). */
function regoEqual(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return isRegoSet(a) === isRegoSet(b) && a.length === b.length && a.every((x, i) => regoEqual(x, b[i]!));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && regoEqual(a[k]!, b[k]!));
  }
  return valuesEqual(a, b);
}

function objectSubset(sup: JsonObject, sub: JsonObject): boolean {
  return Object.entries(sub).every(([k, v]) => {
    if (!(k in sup)) return false;
    const s = sup[k]!;
    if (regoEqual(s, v)) return true;
    if (isObject(s) && isObject(v)) return objectSubset(s, v);
    if (isRegoSet(s) && isRegoSet(v)) return setSubset(s as JsonValue[], v as JsonValue[]);
    if (isPlainArray(s) && isPlainArray(v)) return arraySubset(s, v);
    return false;
  });
}

function setSubset(sup: JsonValue[], sub: JsonValue[]): boolean {
  return sub.every((x) => sup.some((y) => regoEqual(x, y)));
}

function arraySubset(sup: JsonValue[], sub: JsonValue[]): boolean {
  if (sub.length > sup.length) return false;
  for (let start = 0; start + sub.length <= sup.length; start++) {
    if (sub.every((v, j) => regoEqual(sup[start + j]!, v))) return true;
  }
  return false;
}

function arraySetSubset(sup: JsonValue[], sub: JsonValue[]): boolean {
  let unmatched = sub.length;
  for (const item of sup) {
    if (sub.some((x) => regoEqual(x, item))) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

type PathTree = Map<string, PathTree | null>;

function segmentKey(segment: JsonValue): string {
  return typeof segment === 'string' ? `s:${segment}` : JSON.stringify(segment);
}

/** A path as a `/`-separated JSON pointer-ish string (~0, ~1 unescaped) or an array of segments. */
function parsePath(path: JsonValue): JsonValue[] {
  if (typeof path === 'string') {
    if (path === '') return [];
    return path
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(path)) return path;
  return fail('must be one of {set, array} containing string paths or array of path segments');
}

function pathsToTree(paths: unknown): PathTree {
  const root: PathTree = new Map();
  for (const raw of asArray(paths, 'operand 2')) {
    const path = parsePath(raw);
    if (path.length === 0) continue;
    let node: PathTree = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const key = segmentKey(path[i]!);
      const child = node.get(key);
      if (child === undefined) {
        const next: PathTree = new Map();
        node.set(key, next);
        node = next;
      } else if (child === null) done = true;
      else node = child;
    }
    if (!done) node.set(segmentKey(path[path.length - 1]!), null);
  }
  return root;
}

function jsonRemove(value: JsonValue, tree: PathTree | null | undefined): JsonValue | undefined {
  if (tree === undefined) return value;
  if (tree === null) return undefined;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = jsonRemove(v, tree.get(`s:${k}`));
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  if (isRegoSet(value)) {
    const kept = (value as JsonValue[]).flatMap((v) => {
      const k = jsonRemove(v, tree.get(segmentKey(v)));
      return k === undefined ? [] : [k];
    });
    return asRegoSet(toSet(kept));
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => {
      const kept = jsonRemove(v, tree.get(`s:${i}`));
      return kept === undefined ? [] : [kept];
    });
  }
  return value;
}

function jsonFilter(value: JsonValue, tree: PathTree | null): JsonValue {
  if (tree === null) return value;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = tree.get(`s:${k}`);
      if (sub !== undefined) out[k] = jsonFilter(v, sub);
    }
    return out;
  }
  if (isRegoSet(value)) {
    const kept = (value as JsonValue[]).flatMap((v) => {
      const sub = tree.get(segmentKey(v));
      return sub === undefined ? [] : [jsonFilter(v, sub)];
    });
    return asRegoSet(toSet(kept));
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => {
      const sub = tree.get(`s:${i}`);
      return sub === undefined ? [] : [jsonFilter(v, sub)];
    });
  }
  return value;
}

/**
 * RFC 6902 patches, applied immutably; OPA makes a failing patch "undefined". Path segments are
 * terms (a string path gives strings): an object key must be a string, an array index a string or
 * number of digits (or `-` to append), and a set member is named by its value (an added member
 * must equal its key).
 */
function jsonPatch(target: unknown, operations: unknown): JsonValue {
  let doc = target as JsonValue;
  for (const raw of asArray(operations, 'operand 2')) {
    const op = asObject(raw, 'patch');
    if (op.path === undefined) fail("missing 'path' attribute");
    const kind = asString(op.op, 'op');
    const path = parsePath(op.path);
    const need = (attr: string): JsonValue => (op[attr] === undefined ? fail(`missing '${attr}' attribute`) : op[attr]!);
    switch (kind) {
      case 'add':
        doc = insertAt(doc, path, need('value'));
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        doc = insertAt(removeAt(doc, path), path, need('value'));
        break;
      case 'move': {
        const from = parsePath(need('from'));
        const chunk = getAt(doc, from);
        doc = insertAt(removeAt(doc, from), path, chunk);
        break;
      }
      case 'copy':
        doc = insertAt(doc, path, getAt(doc, parsePath(need('from'))));
        break;
      case 'test':
        if (!valuesEqual(getAt(doc, path), need('value'))) fail('test failed');
        break;
      default:
        fail(`unrecognized op '${kind}'`);
    }
  }
  return doc;
}

function arrayIndex(arr: JsonValue[], segment: JsonValue, forInsert: boolean): number {
  if (forInsert && segment === '-') return arr.length;
  const text = typeof segment === 'number' && Number.isInteger(segment) ? String(segment) : segment;
  if (typeof text !== 'string' || !/^(0|[1-9]\d*)$/.test(text)) fail('invalid array index');
  const i = Number(text);
  if (i > arr.length || (!forInsert && i === arr.length)) fail('array index out of range');
  return i;
}

function objectKey(segment: JsonValue): string {
  return typeof segment === 'string' ? segment : fail('object keys in a patch path must be strings');
}

function setIndex(set: JsonValue[], segment: JsonValue): number {
  return set.findIndex((v) => valuesEqual(v, segment));
}

function getAt(doc: JsonValue, path: JsonValue[]): JsonValue {
  let cur = doc;
  for (const seg of path) {
    if (isRegoSet(cur)) {
      const i = setIndex(cur as JsonValue[], seg);
      if (i < 0) fail('path not found');
      cur = (cur as JsonValue[])[i]!;
    } else if (isObject(cur) && typeof seg === 'string' && seg in cur) cur = cur[seg]!;
    else if (Array.isArray(cur)) cur = cur[arrayIndex(cur, seg, false)]!;
    else fail('path not found');
  }
  return cur;
}

function rebuiltSet(items: JsonValue[]): JsonValue[] {
  return asRegoSet(toSet(items));
}

function insertAt(doc: JsonValue, path: JsonValue[], value: JsonValue): JsonValue {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [JsonValue, ...JsonValue[]];
  if (isRegoSet(doc)) {
    const set = doc as JsonValue[];
    if (rest.length === 0) {
      if (!valuesEqual(head, value)) fail('a set member added by a patch must equal its key');
      return rebuiltSet([...set, value]);
    }
    const i = setIndex(set, head);
    if (i < 0) fail('path not found');
    return rebuiltSet(set.map((v, j) => (j === i ? insertAt(v, rest, value) : v)));
  }
  if (isObject(doc)) {
    const key = objectKey(head);
    if (rest.length > 0 && !(key in doc)) fail('path not found');
    return { ...doc, [key]: rest.length === 0 ? value : insertAt(doc[key]!, rest, value) };
  }
  if (Array.isArray(doc)) {
    const i = arrayIndex(doc, head, rest.length === 0);
    if (rest.length === 0) return [...doc.slice(0, i), value, ...doc.slice(i)];
    return doc.map((v, j) => (j === i ? insertAt(v, rest, value) : v));
  }
  return fail('cannot insert into a scalar');
}

function removeAt(doc: JsonValue, path: JsonValue[]): JsonValue {
  if (path.length === 0) fail('cannot remove the root');
  const [head, ...rest] = path as [JsonValue, ...JsonValue[]];
  if (isRegoSet(doc)) {
    const set = doc as JsonValue[];
    const i = setIndex(set, head);
    if (i < 0) fail('path not found');
    if (rest.length === 0) return rebuiltSet(set.filter((_, j) => j !== i));
    return rebuiltSet(set.map((v, j) => (j === i ? removeAt(v, rest) : v)));
  }
  if (isObject(doc)) {
    const key = objectKey(head);
    if (!(key in doc)) fail('path not found');
    if (rest.length === 0) return Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key));
    return { ...doc, [key]: removeAt(doc[key]!, rest) };
  }
  if (Array.isArray(doc)) {
    const i = arrayIndex(doc, head, false);
    if (rest.length === 0) return [...doc.slice(0, i), ...doc.slice(i + 1)];
    return doc.map((v, j) => (j === i ? removeAt(v, rest) : v));
  }
  return fail('cannot remove from a scalar');
}

function marshalWithOptions(value: unknown, options: unknown): string {
  const opts = asObject(options, 'operand 2');
  let indent = '\t';
  let prefix = '';
  let pretty = false;
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'indent') indent = asString(v, 'indent');
    else if (k === 'prefix') prefix = asString(v, 'prefix');
    else if (k === 'pretty') {
      if (typeof v !== 'boolean') fail('pretty must be a boolean');
      pretty = v;
    } else fail(`object contained unknown key ${k}`);
  }
  const explicit = 'indent' in opts || 'prefix' in opts;
  if (!pretty && !(explicit && opts.pretty === undefined)) return goJsonMarshal(value);
  return prefix + goJsonMarshal(value, indent, prefix);
}

function graphGet(graph: JsonObject, node: JsonValue): JsonValue[] | undefined {
  if (typeof node !== 'string') return undefined;
  const edges = graph[node];
  if (edges === undefined) return undefined;
  return Array.isArray(edges) ? edges : [];
}

function reachable(graphValue: unknown, initial: unknown): JsonValue[] {
  const graph = asObject(graphValue, 'operand 1');
  const queue = [...asArray(initial, 'operand 2')];
  const reached: JsonValue[] = [];
  while (queue.length > 0) {
    const node = queue.shift()!;
    const edges = graphGet(graph, node);
    if (edges === undefined) continue;
    for (const n of edges) if (!reached.some((r) => valuesEqual(r, n))) queue.push(n);
    if (!reached.some((r) => valuesEqual(r, node))) reached.push(node);
  }
  return toSet(reached);
}

function reachablePaths(graphValue: unknown, initial: unknown): JsonValue[] {
  const graph = asObject(graphValue, 'operand 1');
  const paths: JsonValue[] = [];
  const build = (root: JsonValue, path: JsonValue[], seen: JsonValue[]): void => {
    const edges = graphGet(graph, root);
    if (edges === undefined) {
      paths.push(path);
      return;
    }
    const next = [...path, root];
    if (edges.length === 0) {
      paths.push(next);
      return;
    }
    const nowSeen = [...seen, root];
    for (const n of edges) {
      if (nowSeen.some((s) => valuesEqual(s, n))) paths.push(next);
      else build(n, next, nowSeen);
    }
  };
  for (const node of asArray(initial, 'operand 2')) {
    const edges = graphGet(graph, node);
    if (edges === undefined) continue;
    if (edges.length === 0) paths.push([node]);
    else for (const n of edges) build(n, [node], [node]);
  }
  return toSet(paths);
}

/** walk as one array of [path, value] pairs in OPA's pre-order (object keys sorted). */
function walk(value: unknown): JsonValue[] {
  const out: JsonValue[] = [];
  const visit = (v: JsonValue, path: JsonValue[]): void => {
    out.push([path, v]);
    // A set's members are their own keys in the path.
    if (isRegoSet(v)) (v as JsonValue[]).forEach((item) => visit(item, [...path, item]));
    else if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...path, i]));
    else if (isObject(v)) for (const k of Object.keys(v).sort(compareStrings)) visit(v[k]!, [...path, k]);
  };
  visit(value as JsonValue, []);
  return out;
}

export const objectBuiltins: Readonly<Record<string, HostImplementation>> = {
  'object.remove': objectRemove,
  'object.filter': objectFilter,
  'object.get': objectGet,
  'object.keys': (obj: unknown) => toSet(Object.keys(asObject(obj, 'operand 1'))),
  'object.union': (a: unknown, b: unknown) => union(asObject(a, 'operand 1'), asObject(b, 'operand 2')),
  'object.union_n': unionN,
  'object.subset': (sup: unknown, sub: unknown) => isSubset(sup as JsonValue, sub as JsonValue),
  'json.remove': (obj: unknown, paths: unknown) => jsonRemove(asObject(obj, 'operand 1'), pathsToTree(paths)),
  'json.filter': (obj: unknown, paths: unknown) => jsonFilter(asObject(obj, 'operand 1'), pathsToTree(paths)),
  'json.patch': jsonPatch,
  'json.marshal': (v: unknown) => goJsonMarshal(v),
  'json.marshal_with_options': marshalWithOptions,
  'json.unmarshal': (s: unknown) => parseJsonKeepingNumbers(asString(s, 'operand 1')) as JsonValue,
  'json.is_valid': (s: unknown) => {
    if (typeof s !== 'string') return false;
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  'graph.reachable': reachable,
  'graph.reachable_paths': reachablePaths,
  walk,
};
