/** Version of the project's Rego-to-Wasm compiler, recorded in every manifest. */
// 0.2.0: manifests list the input paths a module reads; constant-key lookups try a per-site hint.
// 0.4.0: sets and wide integers cross to host built-ins in host-mode JSON; exact wide-integer
//        arithmetic; builds made before it answer differently where these matter, so they are rebuilt.
// 0.4.1: `with` values are all evaluated before any of the expression's replacements applies (a
//        value reading input after `with input as ...` read the replaced input); a function may be
//        replaced by any value (a local, a comprehension), which earlier versions refused.
export const REGOC_VERSION = '0.4.1';
