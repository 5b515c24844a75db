/** Version of the project's Rego-to-Wasm compiler, recorded in every manifest. */
export const REGOC_VERSION = '0.1.0';
