import { type Diagnostic, formatDiagnostic } from '../compiler/ast/errors.js';

/** OPA's `details` of a built-in called with arguments of the wrong type (its ArgErrDetail). */
export interface ArgumentDetails {
  have: string[];
  want: string[];
}

/** A diagnostic of `policy check`; type errors of built-in arguments carry OPA's details. */
export interface CheckDiagnostic extends Diagnostic {
  details?: ArgumentDetails;
}

/** OPA's JSON shape for `opa check --format json`. */
export interface CheckReport {
  errors: Array<{ message: string; code: string; location: { file: string; row: number; col: number }; details?: ArgumentDetails }>;
}

export function jsonReport(diagnostics: readonly CheckDiagnostic[]): CheckReport {
  return {
    errors: diagnostics.map((d) => ({
      message: d.message,
      code: d.code,
      location: { file: d.loc.file, row: d.loc.line, col: d.loc.col },
      ...(d.details ? { details: d.details } : {}),
    })),
  };
}

/** OPA prints an argument error's details under it: `\thave: (...)` and `\twant: (...)`. */
function formatCheckDiagnostic(d: CheckDiagnostic): string {
  const line = formatDiagnostic(d);
  return d.details ? `${line}\n\thave: (${d.details.have.join(', ')})\n\twant: (${d.details.want.join(', ')})` : line;
}

/** OPA's pretty output (`N errors occurred:` then one error a line), with the column added. */
export function prettyReport(diagnostics: readonly CheckDiagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const head = diagnostics.length === 1 ? '1 error occurred:' : `${diagnostics.length} errors occurred:`;
  return `${head}\n${diagnostics.map(formatCheckDiagnostic).join('\n')}\n`;
}
