/** Built-ins: OPA's catalogue for the compiler, and the TypeScript host implementations for the SDK. */
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
