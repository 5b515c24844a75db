/** Policy builds: the build directory layout, `policy build` (regoc or opa), and `ensurePolicyBuilt`. */
export { buildPolicies, ensurePolicyBuilt, type BuildOptions, type BuildResult, type EngineChoice, type EnsureResult } from './build.js';
export {
  type BuildManifest,
  type CompilerName,
  DEFAULT_BUILD_DIR,
  GATEWAY_ENTRYPOINTS,
  MANIFEST_FILE,
  WASM_FILE,
  manifestPath,
  wasmPath,
} from './layout.js';
export { type PolicySource, readPolicySources, sourcesRevision, isTestFile } from './sources.js';
export { findOpaBinary } from './opa-binary.js';
export { extractBundleWasm } from './opa-bundle.js';
export { SIGNATURES_FILE, BuildSignatureError, signBuild, signedFiles, verifyBuildSignature, type BuildFiles, type SignedFile } from './signing.js';
export { type BuildKey, type SigningAlgorithm, readSigningKey, readVerificationKey } from './signing-keys.js';
