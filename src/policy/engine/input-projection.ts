/**
 * Hands a module only the parts of an input its manifest says it reads (`input_paths`): the tool
 * arguments, request metadata and other fields no rule looks at are then neither encoded by the
 * SDK nor parsed by the module. The module cannot tell the difference, since every value it could
 * observe is kept whole, and every key it could test for keeps its presence.
 */

/** One level of kept keys; `null` below a key keeps its value whole. */
export type InputProjection = ReadonlyArray<readonly [string, InputProjection | null]>;

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
    return [key, whole ? null : levelOf(rests)] as const;
  });
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Only plain objects are narrowed: an array, a string or any other value at a projected level is
 * kept as it is, so a lookup into it behaves exactly as on the full input.
 */
export function projectInput(input: unknown, projection: InputProjection): unknown {
  if (!isPlainObject(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, below] of projection) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
    const value = input[key];
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
