import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { NormalisedProgram, NormalisedQuery } from '../../../src/policy/compiler/ast/index.js';
import { planProgram, type EntrypointRequest } from '../../../src/policy/compiler/planner/index.js';
import { generateAssemblyScript } from '../../../src/policy/compiler/wasm/backend.js';
import { compileAssemblyScript } from '../../../src/policy/compiler/wasm/asc-driver.js';
import { hostBuiltins } from '../../../src/policy/builtins/index.js';

/** Plans, compiles and loads a normalised program through the real SDK. */
export async function loadPlanned(p: NormalisedProgram, entrypoints: EntrypointRequest[], queries: NormalisedQuery[] = []) {
  const ir = planProgram(p, entrypoints, queries);
  const wasm = await compileAssemblyScript(generateAssemblyScript(ir), false);
  return loadPolicy(wasm, undefined, hostBuiltins as never);
}
