export * from './types.js';
export * from './terms.js';
export { CompileError, formatDiagnostic } from './errors.js';
export type { Diagnostic, DiagnosticCode } from './errors.js';
