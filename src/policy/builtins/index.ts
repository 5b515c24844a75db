/**
 * Built-ins: OPA's catalogue for the compiler, and the TypeScript host implementations for the SDK.
 *
 * Contract with the compiled module (values cross the SDK as JSON):
 * - the module asks for a built-in under `lookupBuiltin(name).hostKey`; pass `hostBuiltins` as the
 *   SDK's `customBuiltins`;
 * - a host built-in returns `undefined` (address 0) when it fails or is undefined, never throws;
 * - results of `resultKind: 'set'` come back as sorted, de-duplicated arrays to turn into sets;
 * - integers beyond 2^53 come back as exact JSON bytes (an ArrayBuffer the SDK loads verbatim);
 * - built-ins without a result (`internal.print`) return `true`; print output goes to `setPrintSink`;
 * - `walk` returns every [path, value] pair at once, in OPA's pre-order, for the module to iterate.
 * Arguments that were sets arrive as arrays, so the host cannot tell a set from an array.
 */
export {
  BUILTINS,
  SDK_SHADOWED_ALIASES,
  lookupBuiltin,
  type BuiltinSpec,
  type ValueKind,
} from './catalogue.js';
export {
  hostBuiltins,
  hostImplementations,
  hasHostImplementation,
  callHostBuiltin,
  callHostBuiltinJson,
  type HostBuiltin,
} from './host.js';
export { setPrintSink } from './impl/template.js';
