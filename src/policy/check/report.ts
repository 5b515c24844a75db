import { type Diagnostic, formatDiagnostic } from '../compiler/ast/errors.js';

/** OPA's JSON shape for `opa check --format json`. */
export interface CheckReport {
  errors: Array<{ message: string; code: string; location: { file: string; row: number; col: number } }>;
}

export function jsonReport(diagnostics: readonly Diagnostic[]): CheckReport {
  return {
    errors: diagnostics.map((d) => ({ message: d.message, code: d.code, location: { file: d.loc.file, row: d.loc.line, col: d.loc.col } })),
  };
}

/** OPA's pretty output (`N errors occurred:` then one error a line), with the column added. */
export function prettyReport(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const head = diagnostics.length === 1 ? '1 error occurred:' : `${diagnostics.length} errors occurred:`;
  return `${head}\n${diagnostics.map(formatDiagnostic).join('\n')}\n`;
}
