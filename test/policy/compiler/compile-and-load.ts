import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, type CompileOptions } from '../../../src/policy/compiler/index.js';
import { hostBuiltins } from '../../../src/policy/builtins/index.js';

/** Compiles Rego sources with the project's compiler and loads the module through the real SDK. */
export async function compileAndLoad(sources: Record<string, string>, options: CompileOptions) {
  const files = Object.entries(sources).map(([path, text]) => ({ path, text }));
  const compiled = await compilePolicy(files, options);
  const policy = await loadPolicy(compiled.wasm, undefined, hostBuiltins as never);
  return { policy, compiled };
}
