/**
 * The host side of built-ins: every TypeScript implementation, registered under its catalogue
 * `hostKey` and wrapped for the SDK. OPA evaluates outside strict mode, where a failing built-in makes
 * its expression undefined, so the wrapper turns any thrown error into `undefined` and no exception
 * ever reaches the SDK.
 */
import { BUILTINS } from './catalogue.js';
import { NotExactError, NumberText, notExact } from './value.js';
import { toJsonText } from './value.js';
import type { HostImplementation } from './types.js';
import { hasFloatIntOperand } from './int-operands.js';
import { decodeHostValue, encodeHostValue, needsHostEncoding, takeSawNonStringKey, takeSawOutOfRange } from './sets.js';
import { stringBuiltins } from './impl/strings.js';
import { unitBuiltins } from './impl/units.js';
import { globBuiltins } from './impl/glob.js';
import { encodingBuiltins } from './impl/encoding.js';
import { jwtBuiltins } from './impl/jwt.js';
import { netBuiltins } from './impl/net.js';
import { sprintfBuiltins } from './impl/sprintf.js';
import { coreBuiltins } from './impl/core.js';
import { objectBuiltins } from './impl/objects.js';
import { graphqlBuiltins } from './impl/graphql.js';
import { regexBuiltins } from './impl/regex.js';
import { timeBuiltins } from './impl/time.js';
import { miscBuiltins } from './impl/misc.js';
import { yamlBuiltins } from './impl/yaml/index.js';
import { awsBuiltins } from './impl/aws.js';
import { templateBuiltins } from './impl/template.js';
import { x509Builtins } from './impl/x509.js';
import { privateKeyBuiltins } from './impl/private-keys.js';
import { uriBuiltins } from './impl/uri.js';
import { operatorBuiltins } from './impl/operators.js';
import { globsMatchBuiltins } from './impl/globs-match.js';
import { runtimeBuiltins } from './impl/runtime.js';
import { parseModuleBuiltins } from './impl/parse-module.js';

export type HostBuiltin = (...args: unknown[]) => unknown;

const IMPLEMENTATION_GROUPS: readonly Readonly<Record<string, HostImplementation>>[] = [
  stringBuiltins,
  unitBuiltins,
  globBuiltins,
  encodingBuiltins,
  jwtBuiltins,
  netBuiltins,
  sprintfBuiltins,
  coreBuiltins,
  objectBuiltins,
  graphqlBuiltins,
  regexBuiltins,
  timeBuiltins,
  miscBuiltins,
  yamlBuiltins,
  awsBuiltins,
  templateBuiltins,
  x509Builtins,
  privateKeyBuiltins,
  uriBuiltins,
  operatorBuiltins,
  globsMatchBuiltins,
  runtimeBuiltins,
  parseModuleBuiltins,
];

/** Implementations by OPA built-in name (not host key). */
export const hostImplementations: ReadonlyMap<string, HostImplementation> = new Map(
  IMPLEMENTATION_GROUPS.flatMap((group) => Object.entries(group)),
);

/** A result the SDK can load: plain values as they are, values holding bigints as exact JSON bytes. */
function encodeForSdk(result: unknown): ArrayBuffer {
  const bytes = new TextEncoder().encode(toJsonText(result));
  return bytes.slice().buffer;
}

/**
 * Built-ins that treat keys that are not strings as OPA does (see sets.ts): the object built-ins
 * that select entries by key, and those that reject such a key with an operand error.
 */
const NON_STRING_KEY_AWARE: ReadonlySet<string> = new Set(['object.filter', 'object.remove', 'strings.replace_n']);

function wrapForSdk(name: string, impl: HostImplementation): HostBuiltin {
  const keysAware = NON_STRING_KEY_AWARE.has(name);
  return (...args: unknown[]) => {
    try {
      takeSawNonStringKey();
      takeSawOutOfRange();
      if (hasFloatIntOperand(name, args)) return undefined;
      const decoded = args.map(decodeHostValue);
      // Anything else would see such an object without those entries and answer differently.
      if (takeSawNonStringKey() && !keysAware) notExact(name, 'an object key that is not a string');
      if (takeSawOutOfRange() && name !== 'sprintf') notExact(name, 'a number beyond float64');
      const raw = impl(...decoded);
      if (raw === undefined) return undefined;
      const result = needsHostEncoding(raw) ? encodeHostValue(raw) : raw;
      return typeof result === 'bigint' || containsBigInt(result) ? encodeForSdk(result) : result;
    } catch (err) {
      // Inputs the host cannot answer exactly as OPA does stop the evaluation (fail closed)
      // instead of passing for "undefined".
      if (err instanceof NotExactError) throw err;
      if (isResourceLimit(err)) notExact(name, `an input whose result exceeds this engine's limits (${(err as Error).message})`);
      return undefined;
    }
  };
}

/**
 * The JavaScript engine's own size limits (a BigInt, array or string too large, recursion too deep).
 * OPA has no such limit and answers, so these stop the evaluation instead of passing for undefined.
 */
const RESOURCE_LIMIT = /^(Maximum BigInt size exceeded|Invalid array length|Invalid string length|Maximum call stack size exceeded|Array buffer allocation failed)/;

function isResourceLimit(err: unknown): boolean {
  return err instanceof RangeError && RESOURCE_LIMIT.test(err.message);
}

function containsBigInt(value: unknown): boolean {
  if (typeof value === 'bigint' || value instanceof NumberText) return true;
  if (Array.isArray(value)) return value.some(containsBigInt);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsBigInt);
  return false;
}

function buildHostTable(): Record<string, HostBuiltin> {
  const table: Record<string, HostBuiltin> = {};
  for (const [name, impl] of hostImplementations) {
    const spec = BUILTINS.get(name);
    if (spec === undefined) throw new Error(`host built-in ${name} is not in the catalogue`);
    table[spec.hostKey] = wrapForSdk(name, impl);
  }
  return table;
}

/** Pass as `customBuiltins` to the SDK's `loadPolicy`: keys are catalogue host keys. */
export const hostBuiltins: Readonly<Record<string, HostBuiltin>> = Object.freeze(buildHostTable());

/** Whether the host implements the built-in called `name` (OPA name, not host key). */
export function hasHostImplementation(name: string): boolean {
  return hostImplementations.has(name);
}

/**
 * Calls a built-in exactly as the SDK would (JSON round trip of arguments, error -> undefined) and
 * decodes the result; for tests and tools. Exact big integers come back as JSON text via `rawJson`.
 */
export function callHostBuiltin(name: string, ...args: unknown[]): unknown {
  const spec = BUILTINS.get(name);
  const fn = spec === undefined ? undefined : hostBuiltins[spec.hostKey];
  if (fn === undefined) throw new Error(`no host built-in ${name}`);
  const result = fn(...args.map((arg) => JSON.parse(toJsonText(arg)) as unknown));
  if (result instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(result));
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
}

/** Like callHostBuiltin, but returns the result's exact JSON text (undefined when undefined). */
export function callHostBuiltinJson(name: string, ...args: unknown[]): string | undefined {
  const spec = BUILTINS.get(name);
  const fn = spec === undefined ? undefined : hostBuiltins[spec.hostKey];
  if (fn === undefined) throw new Error(`no host built-in ${name}`);
  const result = fn(...args.map((arg) => JSON.parse(toJsonText(arg)) as unknown));
  if (result === undefined) return undefined;
  if (result instanceof ArrayBuffer) return new TextDecoder().decode(result);
  return JSON.stringify(result);
}
