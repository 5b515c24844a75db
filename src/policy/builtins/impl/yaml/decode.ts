/**
 * yaml.unmarshal's value: go-yaml v2's decoder into interface{} (decode.go), then
 * sigs.k8s.io/yaml's YAMLToJSON (non-string keys made strings) and OPA's JSON reading of the result
 * (numbers keep the text encoding/json wrote). Aliases decode their anchored node again, `<<`
 * merges write into the map in document order (so a merged key overrides an earlier one and a
 * later key overrides the merge), and a later duplicate key wins.
 */
import { fail, notExact, NumberText, type JsonValue } from '../../value.js';
import type { GNode } from './parse.js';
import { BINARY_TAG, goResolve, type GoScalar } from './resolve.js';
import { goFormatG, goFormatG32, goJsonFloat } from './go-numbers.js';

/** A decoded Go value: scalars as resolve.go gives them, []interface{}, map[interface{}]interface{}. */
type GoValue = GoScalar | { kind: 'seq'; items: GoValue[] } | { kind: 'map'; map: GoMap };
type GoMap = Map<string, { key: GoScalar; value: GoValue }>;

const INT64_MAX = (1n << 63n) - 1n;
let nanKeys = 0;

/** The identity of a map key as a Go map compares it (dynamic type and value; NaN never equal). */
function keyIdentity(k: GoScalar): string {
  switch (k.kind) {
    case 'null':
      return 'nil';
    case 'bool':
      return `bool:${k.value}`;
    case 'int':
      return `${k.value > INT64_MAX ? 'uint64' : 'int'}:${k.value}`;
    case 'float':
      return Number.isNaN(k.value) ? `nan:${nanKeys++}` : `float:${Object.is(k.value, -0) ? 0 : k.value}`;
    default:
      return `str:${k.value}`;
  }
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly active = new Set<GNode>();

  constructor(private readonly builtin: string) {}

  unmarshal(n: GNode): GoValue {
    this.count();
    switch (n.kind) {
      case 'alias':
        return this.alias(n, (target) => this.unmarshal(target));
      case 'scalar':
        return this.scalar(n);
      case 'seq':
        return { kind: 'seq', items: n.children.map((c) => this.unmarshal(c)) };
      default: {
        const map: GoMap = new Map();
        this.mapping(n, map);
        return { kind: 'map', map };
      }
    }
  }

  /** decoder.unmarshal's alias guard: go-yaml fails past a ratio only with >100 aliased decodes. */
  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000) notExact(this.builtin, 'a document with heavy alias expansion');
  }

  private alias<T>(n: GNode & { kind: 'alias' }, body: (target: GNode) => T): T {
    if (this.active.has(n)) fail(`${this.builtin}: yaml: anchor '${n.name}' value contains itself`);
    this.active.add(n);
    this.aliasDepth++;
    try {
      return body(n.target);
    } finally {
      this.aliasDepth--;
      this.active.delete(n);
    }
  }

  private scalar(n: GNode & { kind: 'scalar' }): GoScalar {
    if (n.tag === '' && !n.implicit) return { kind: 'str', value: n.value };
    if (n.tag === BINARY_TAG) return { kind: 'str', value: decodeBinary(n.value, this.builtin) };
    return goResolve(n.tag, n.value, this.builtin);
  }

  /** decoder.mapping into `map` (a new one, or the one a merge writes into). */
  private mapping(n: GNode & { kind: 'map' }, map: GoMap): void {
    for (const [k, v] of n.children) {
      if (k.kind === 'scalar' && k.value === '<<' && k.implicit) {
        this.merge(v, map);
        continue;
      }
      const key = this.unmarshal(k);
      if (key.kind === 'seq' || key.kind === 'map') fail(`${this.builtin}: yaml: invalid map key`);
      const value = this.unmarshal(v);
      map.set(keyIdentity(key), { key, value });
    }
  }

  /** The same map node decoded into an existing map (d.unmarshal(n, out) with a map out). */
  private into(n: GNode, map: GoMap): void {
    this.count();
    if (n.kind === 'alias') this.alias(n, (target) => this.into(target, map));
    else if (n.kind === 'map') this.mapping(n, map);
    else wantMap(this.builtin);
  }

  private merge(n: GNode, map: GoMap): void {
    const isMapNode = (x: GNode): boolean => x.kind === 'map' || (x.kind === 'alias' && x.target.kind === 'map');
    if (n.kind === 'map' || n.kind === 'alias') {
      if (!isMapNode(n)) wantMap(this.builtin);
      this.into(n, map);
    } else if (n.kind === 'seq') {
      // Earlier maps take precedence: go-yaml merges them last.
      for (let i = n.children.length - 1; i >= 0; i--) {
        const child = n.children[i]!;
        if (!isMapNode(child)) wantMap(this.builtin);
        this.into(child, map);
      }
    } else {
      wantMap(this.builtin);
    }
  }
}

function wantMap(builtin: string): never {
  return fail(`${builtin}: yaml: map merge requires map or sequence of maps as the value`);
}

/** base64.StdEncoding.DecodeString (padding required, "\r" and "\n" skipped) as bytes. */
function decodeBinary(text: string, builtin: string): string {
  const s = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) fail(`${builtin}: yaml: !!binary value contains invalid base64 data`);
  return goStringOfBytes(Buffer.from(s, 'base64'));
}

/**
 * A Go string of arbitrary bytes as encoding/json writes it: each byte that does not start a valid
 * UTF-8 sequence (utf8.DecodeRune's rules: no overlongs, surrogates or values past U+10FFFF)
 * becomes one U+FFFD.
 */
function goStringOfBytes(b: Buffer): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const size = validRuneSize(b, i);
    if (size === 0) {
      out += '\uFFFD';
      i += 1;
    } else {
      out += b.subarray(i, i + size).toString('utf8');
      i += size;
    }
  }
  return out;
}

function validRuneSize(b: Buffer, i: number): number {
  const c0 = b[i]!;
  if (c0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(1) ? 2 : 0;
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** sigs.k8s.io/yaml's string for a non-string key; nil, uint64 and big keys are errors there. */
function keyString(k: GoScalar, builtin: string): string {
  switch (k.kind) {
    case 'str':
      return k.value;
    case 'bool':
      return String(k.value);
    case 'int':
      if (k.value > INT64_MAX) notExact(builtin, 'a map key beyond int64');
      return k.value.toString();
    case 'float': {
      // Releases format float keys with bitSize 32 or 64: only a text both give is certain.
      const s64 = goFormatG(k.value);
      if (goFormatG32(k.value) !== s64) notExact(builtin, `the float map key ${s64}`);
      return s64 === '+Inf' ? '.inf' : s64 === '-Inf' ? '-.inf' : s64 === 'NaN' ? '.nan' : s64;
    }
    default:
      return fail(`${builtin}: error converting YAML to JSON: unsupported map key of type: <nil>`);
  }
}

/** A JSON number's text as OPA keeps it (json.Number): a plain integer as a number, else its text. */
function numberValue(text: string): JsonValue {
  if (!/^-?\d+$/.test(text) || text === '-0') return new NumberText(text) as unknown as JsonValue;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** convertToJSONableObject, json.Marshal and OPA's JSON reading, in one walk. */
function toJson(v: GoValue, builtin: string): JsonValue {
  switch (v.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'str':
      return v.value;
    case 'int':
      return numberValue(v.value.toString());
    case 'float':
      if (!Number.isFinite(v.value)) fail(`${builtin}: json: unsupported value: ${goFormatG(v.value)}`);
      return numberValue(goJsonFloat(v.value));
    case 'seq':
      return v.items.map((item) => toJson(item, builtin));
    default: {
      const out: { [key: string]: JsonValue } = {};
      const seen = new Set<string>();
      for (const { key } of v.map.values()) keyString(key, builtin);
      for (const { key, value } of v.map.values()) {
        const k = keyString(key, builtin);
        // Two Go keys with one string ("1" and 1): which value wins depends on Go's map order.
        if (seen.has(k)) notExact(builtin, `map keys that both become ${JSON.stringify(k)}`);
        seen.add(k);
        // defineProperty: a "__proto__" key is a key like any other.
        Object.defineProperty(out, k, { value: toJson(value, builtin), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/** The Rego value OPA's yaml.unmarshal gives for the first document's root (null for none). */
export function decodeYaml(root: GNode | undefined, builtin: string): JsonValue {
  if (root === undefined) return null;
  const value = new Decoder(builtin).unmarshal(root);
  return toJson(value, builtin);
}
