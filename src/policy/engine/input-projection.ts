/**
 * Hands a module only the parts of an input its manifest says it reads (`input_paths`): the tool
 * arguments, request metadata and other fields no rule looks at are then neither encoded nor
 * parsed by the module. The module cannot tell the difference, since every value it could observe
 * is kept whole, and every key it could test for keeps its presence.
 */

/** One kept key of a level; `below` null keeps the key's value whole. */
export interface ProjectedKey {
  readonly key: string;
  /** `"key":` as JSON writes it, worked out once. */
  readonly prefix: string;
  readonly below: InputProjection | null;
}

export type InputProjection = readonly ProjectedKey[];

/**
 * The projection for a manifest's paths, or undefined when the whole input is needed (no paths
 * given, as for `opa` builds, or the empty path among them). Keys are in byte order: the module
 * stores object keys sorted, and keys that arrive sorted are appended without a search.
 */
export function inputProjection(paths: readonly (readonly string[])[] | undefined): InputProjection | undefined {
  if (paths === undefined || paths.some((p) => p.length === 0)) return undefined;
  return levelOf(paths);
}

function levelOf(paths: readonly (readonly string[])[]): InputProjection {
  const below = new Map<string, (readonly string[])[]>();
  for (const [key, ...rest] of paths) {
    const list = below.get(key!) ?? [];
    list.push(rest);
    below.set(key!, list);
  }
  return [...below.keys()].sort(compareUtf8).map((key) => {
    const rests = below.get(key)!;
    const whole = rests.some((r) => r.length === 0);
    return { key, prefix: `${JSON.stringify(key)}:`, below: whole ? null : levelOf(rests) };
  });
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Only plain objects are narrowed: an array, a string, a Date or any other value at a projected
 * level is kept as it is, so a lookup into it behaves exactly as on the full input. So is an
 * object with its own `toJSON`, which JSON.stringify would replace by what that returns.
 */
function isNarrowable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** The projected input as a value (for callers that serialise it themselves). */
export function projectInput(input: unknown, projection: InputProjection): unknown {
  if (!isNarrowable(input)) return input;
  const out: Record<string, unknown> = {};
  for (const { key, below } of projection) {
    const value = ownValue(input, key);
    if (value === undefined) continue;
    setOwn(out, key, below === null ? value : projectInput(value, below));
  }
  return out;
}

/** An assignment to `__proto__` would set the prototype instead of keeping the key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  target[key] = value;
}

/**
 * `JSON.stringify(projectInput(input, projection))`, written directly. The kept levels are written
 * here from precomputed key prefixes, and short plain strings and numbers without a call into
 * JSON.stringify, whose fixed cost per call is what dominates for small values; everything else
 * (grants, arrays, odd values) still goes through JSON.stringify. Undefined means what it means
 * for JSON.stringify: nothing to write.
 */
export function projectedJson(input: unknown, projection: InputProjection): string | undefined {
  if (!isNarrowable(input)) return JSON.stringify(input);
  return levelJson(input, projection);
}

function levelJson(object: Record<string, unknown>, projection: InputProjection): string {
  let out = '{';
  for (const { key, prefix, below } of projection) {
    const value = ownValue(object, key);
    const text = below !== null && isNarrowable(value) ? levelJson(value, below) : valueJson(value);
    if (text === undefined) continue;
    out += out.length === 1 ? prefix : `,${prefix}`;
    out += text;
  }
  return out + '}';
}

/** Characters JSON.stringify escapes (or, for surrogates, may escape): such strings go to it. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function valueJson(value: unknown): string | undefined {
  if (typeof value === 'string' && !NEEDS_ESCAPING.test(value)) return `"${value}"`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  return JSON.stringify(value);
}
