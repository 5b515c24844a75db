import type { Location } from './types.js';

/** Stable codes so callers and tests can tell error kinds apart without parsing messages. */
export type DiagnosticCode =
  | 'rego_parse_error'
  | 'rego_unsafe_var_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_recursion_error'
  | 'rego_unsupported_error';

export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  loc: Location;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.code}: ${d.message}`;
}

/** Raised by the parser and the checks; carries every diagnostic found, in source order. */
export class CompileError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const sorted = [...diagnostics].sort(compareDiagnostics);
    super(sorted.map(formatDiagnostic).join('\n'));
    this.name = 'CompileError';
    this.diagnostics = sorted;
  }
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
  if (a.loc.line !== b.loc.line) return a.loc.line - b.loc.line;
  return a.loc.col - b.loc.col;
}
