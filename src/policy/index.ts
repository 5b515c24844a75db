/**
 * The policy stage's public surface: the Rego compiler facade, builds (`policy build`,
 * `ensurePolicyBuilt`), the engine that evaluates builds, the gateway policy's typed contract, and
 * the Rego unit test runner. Other stages import from here only.
 */
export { compilePolicy, type CompileOptions, type CompiledPolicy, type Manifest, type SourceFile } from './compiler/index.js';
export * from './engine/index.js';
export * from './build/index.js';
export * from './gateway/index.js';
export * from './testing/index.js';
