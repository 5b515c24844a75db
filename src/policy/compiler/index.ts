/**
 * regoc: Rego v1 sources in, an OPA-ABI WebAssembly module and its manifest out.
 * Stages: parser -> checks (normalised AST) -> planner (IR) -> AssemblyScript backend -> asc.
 */
import { checkedProgram, entrypointPaths, type ModuleRewrite } from './front-end.js';
import { planProgram } from './planner/index.js';
import { generateAssemblyScript } from './wasm/backend.js';
import { compileAssemblyScript, prepareAssemblyScript } from './wasm/asc-driver.js';
import { inputPathsRead } from './ir/input-paths.js';
import { buildManifest, type Manifest, type SourceFile } from './manifest.js';

export type { Manifest, SourceFile } from './manifest.js';
export { sourceRevision } from './manifest.js';
export { CompileError, formatDiagnostic, type Diagnostic } from './ast/index.js';
export { REGOC_VERSION } from './version.js';
export type { InputPath } from './ir/input-paths.js';
export type { ModuleRewrite } from './front-end.js';

export interface CompileOptions {
  /** Slash paths under data, e.g. 'gateway/decision'; result rows are {"result": value}. */
  entrypoints?: string[];
  /** Ad-hoc queries; each becomes an entrypoint whose rows bind the query's user variables. */
  queries?: { name: string; query: string }[];
  /** true: optimised production build; false: fast build for tests and conformance. */
  optimize?: boolean;
  /** Allow built-ins that need the network (http.send, net.lookup_ip_addr); the loader must supply them. */
  allowNetwork?: boolean;
  /** A stage of the caller's over the parsed modules (see ModuleRewrite). */
  rewriteModules?: ModuleRewrite;
}

export interface CompiledPolicy { wasm: Uint8Array; manifest: Manifest }

export async function compilePolicy(files: SourceFile[], options: CompileOptions): Promise<CompiledPolicy> {
  prepareAssemblyScript();
  const { program } = checkedProgram(files, options.queries, options.rewriteModules);
  const ir = planProgram(program, entrypointPaths(options.entrypoints), program.queries, { allowNetwork: options.allowNetwork === true });
  const wasm = await compileAssemblyScript(generateAssemblyScript(ir), options.optimize ?? false);
  const names = ir.plans.map((p) => p.name);
  return { wasm, manifest: buildManifest(files, names, ir.hostBuiltins, inputPathsRead(ir)) };
}

