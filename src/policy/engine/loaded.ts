import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { PolicyUnavailableError, describeThrown } from './errors.js';
import { jsonTextBuffer } from './input-encoding.js';
import { type InputProjection, inputProjection, projectedJson } from './input-projection.js';
import type { PolicyBuild } from './read-build.js';

export type CustomBuiltins = Readonly<Record<string, (...args: unknown[]) => unknown>>;

/** A binding row of a result set: `{"result": v}` for an entrypoint, query variables for a query. */
export type ResultRow = Record<string, unknown>;

export interface InstantiateOptions {
  requiredEntrypoints: readonly string[];
  expectedRevision?: string;
  builtins?: CustomBuiltins;
}

/** One instantiated build: the SDK's policy plus the manifest it came with. Never changes once made. */
export interface LoadedBuild {
  readonly policy: LoadedPolicy;
  readonly manifest: PolicyBuild['manifest'];
  /** The parts of an input the module reads; undefined passes inputs whole. */
  readonly projection: InputProjection | undefined;
}

function checkRevision(build: PolicyBuild, expected: string | undefined): void {
  if (expected === undefined || build.manifest.revision === expected) return;
  throw new PolicyUnavailableError(
    'revision_mismatch',
    `policy build has revision ${build.manifest.revision}, expected ${expected}`,
  );
}

function checkEntrypoints(policy: LoadedPolicy, required: readonly string[]): void {
  const exported = policy.entrypoints as Record<string, number>;
  const missing = required.filter((name) => !Object.prototype.hasOwnProperty.call(exported, name));
  if (missing.length === 0) return;
  throw new PolicyUnavailableError(
    'missing_entrypoint',
    `policy module lacks required entrypoint(s) ${missing.join(', ')} (has ${Object.keys(exported).join(', ') || 'none'})`,
  );
}

/** Instantiates a build with the host built-ins and checks it against what the caller requires. */
export async function instantiateBuild(build: PolicyBuild, options: InstantiateOptions): Promise<LoadedBuild> {
  checkRevision(build, options.expectedRevision);
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(build.wasm, undefined, { ...(options.builtins ?? hostBuiltins) });
  } catch (err) {
    throw new PolicyUnavailableError('corrupt', `policy module cannot be loaded: ${describeThrown(err)}`, err);
  }
  checkEntrypoints(policy, options.requiredEntrypoints);
  return { policy, manifest: build.manifest, projection: inputProjection(build.manifest.input_paths) };
}

/**
 * The input as JSON bytes for the SDK: only the parts the module reads, encoded here rather than by
 * the SDK (see input-encoding.ts). Bytes also keep falsy inputs (false, 0, "", null), which the SDK
 * would take for "no input". `undefined` really means no input.
 */
function sdkInput(build: LoadedBuild, input: unknown): ArrayBuffer | undefined {
  if (input === undefined) return undefined;
  const text = build.projection === undefined ? JSON.stringify(input) : projectedJson(input, build.projection);
  if (text === undefined) throw new TypeError('the input has no JSON form (a function or a symbol)');
  return jsonTextBuffer(text);
}

/** Evaluates one entrypoint; every SDK or module failure becomes a PolicyUnavailableError. */
export function evaluateRows(build: LoadedBuild, entrypoint: string, input: unknown): ResultRow[] {
  const exported = build.policy.entrypoints as Record<string, number>;
  if (!Object.prototype.hasOwnProperty.call(exported, entrypoint)) {
    throw new PolicyUnavailableError('missing_entrypoint', `policy module has no entrypoint ${entrypoint}`);
  }
  let rows: unknown;
  try {
    rows = build.policy.evaluate(sdkInput(build, input), entrypoint);
  } catch (err) {
    throw new PolicyUnavailableError('evaluation_failed', `policy evaluation of ${entrypoint} failed: ${describeThrown(err)}`, err);
  }
  if (!Array.isArray(rows)) {
    throw new PolicyUnavailableError('invalid_result', `policy evaluation of ${entrypoint} returned no result set`);
  }
  return rows as ResultRow[];
}

/** Loads data into a build, reporting a refusal (e.g. the module cannot parse it) as unavailable. */
export function setBuildData(build: LoadedBuild, data: unknown): void {
  try {
    build.policy.setData(data as object);
  } catch (err) {
    throw new PolicyUnavailableError('evaluation_failed', `policy module refused its data: ${describeThrown(err)}`, err);
  }
}
