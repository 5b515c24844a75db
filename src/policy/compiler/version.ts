/** Version of the project's Rego-to-Wasm compiler, recorded in every manifest. */
// 0.2.0: manifests list the input paths a module reads; constant-key lookups try a per-site hint.
export const REGOC_VERSION = '0.3.0';
