/** Version of the project's Rego-to-Wasm compiler, recorded in every manifest. */
// 0.2.0: manifests list the input paths a module reads; constant-key lookups try a per-site hint.
// 0.4.0: sets and wide integers cross to host built-ins in host-mode JSON; exact wide-integer
//        arithmetic; builds made before it answer differently where these matter, so they are rebuilt.
export const REGOC_VERSION = '0.4.0';
