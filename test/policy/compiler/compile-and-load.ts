import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, type CompileOptions } from '../../../src/policy/compiler/index.js';
import { hostBuiltins } from '../../../src/policy/builtins/index.js';
import { preparePolicy } from '../../../src/policy/topdown/index.js';

/** Compiles Rego sources with the project's compiler and loads the module through the real SDK. */
export async function compileAndLoad(sources: Record<string, string>, options: CompileOptions) {
  const files = Object.entries(sources).map(([path, text]) => ({ path, text }));
  const compiled = await compilePolicy(files, options);
  const policy = await loadPolicy(compiled.wasm, undefined, hostBuiltins as never);
  return { policy, compiled };
}

/**
 * One policy file compiled to a module (with `data` set) and prepared for the TypeScript evaluator,
 * for tests that require both engines to give OPA's answer.
 */
export async function loadInBoth(text: string, entrypoints: string[], data: object) {
  const { policy } = await compileAndLoad({ 't.rego': text }, { entrypoints });
  policy.setData(data);
  return { module: policy, prepared: preparePolicy([{ path: 't.rego', text }], { entrypoints }) };
}

export type LoadedInBoth = Awaited<ReturnType<typeof loadInBoth>>;
