/** The policy engine: loads compiled builds through the OPA Wasm SDK, swaps them atomically, fails closed. */
export { PolicyEngine, type BuildSource, type PolicyEngineOptions, type ReloadOptions } from './engine.js';
export { PolicyUnavailableError, type PolicyFailure } from './errors.js';
export { type PolicyBuild, type ReadBuildOptions, readPolicyBuild, checkManifest, checkBuildSignature } from './read-build.js';
export { type CustomBuiltins, type ResultRow } from './loaded.js';
export { type PolicyLogger, defaultPolicyLogger } from './log.js';
export { type InputProjection, inputProjection, projectInput } from './input-projection.js';
