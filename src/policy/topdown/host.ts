/**
 * Host built-ins, called the way the module calls them through the SDK: each argument is written as
 * JSON in host mode and parsed with JSON.parse, the implementation registered under the catalogue's
 * host key runs (the SDK's own built-ins first, as the SDK looks them up), and its result is read
 * back from JSON in host mode. So the evaluator and the module see exactly the same host behaviour.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { hostBuiltins, lookupBuiltin, type HostBuiltin } from '../builtins/index.js';
import { dumpJson, parseJson } from './json.js';
import { RSet, type Value } from './value.js';

const require = createRequire(import.meta.url);

/** The SDK serves these before `customBuiltins` (see the catalogue's SDK_SHADOWED_ALIASES). */
function sdkBuiltins(): Record<string, HostBuiltin> {
  try {
    const entry = require.resolve('@open-policy-agent/opa-wasm');
    return require(join(dirname(entry), 'builtins', 'index.js')) as Record<string, HostBuiltin>;
  } catch {
    return {};
  }
}

const SDK_BUILTINS = sdkBuiltins();

/** Thrown when the SDK would throw (no implementation, unparsable result): the evaluation stops. */
export class HostCallError extends Error {
  override readonly name = 'HostCallError';
}

function implementation(hostKey: string): HostBuiltin {
  const impl = SDK_BUILTINS[hostKey] ?? hostBuiltins[hostKey];
  if (impl === undefined) throw new HostCallError(`no implementation of built-in function ${hostKey}`);
  return impl;
}

function readResult(result: unknown): Value | undefined {
  if (result === undefined) return undefined;
  const text = result instanceof ArrayBuffer ? new TextDecoder().decode(result) : JSON.stringify(result);
  if (text === undefined) return undefined;
  try {
    return parseJson(text, true);
  } catch {
    throw new HostCallError('failed to parse json value');
  }
}

/** Calls the host built-in `hostKey`; `resultIsSet` turns an array result back into a set. */
export function callHost(hostKey: string, args: Value[], resultIsSet: boolean): Value | undefined {
  const jsArgs = args.map((a) => JSON.parse(dumpJson(a, true)) as unknown);
  const value = readResult(implementation(hostKey)(...jsArgs));
  if (resultIsSet && Array.isArray(value)) {
    const s = new RSet();
    for (const x of value) s.add(x);
    return s;
  }
  return value;
}

/** A native built-in that the evaluator delegates to its host implementation (string built-ins). */
export function callHostByName(name: string, args: Value[]): Value | undefined {
  const spec = lookupBuiltin(name);
  if (!spec) throw new HostCallError(`unknown built-in ${name}`);
  return callHost(spec.hostKey, args, spec.resultKind === 'set');
}
