import { type Diagnostic, formatDiagnostic } from '../compiler/ast/errors.js';

/** OPA's `details` of a built-in called with arguments of the wrong type (its ArgErrDetail). */
export interface ArgumentDetails {
  have: string[];
  want: string[];
}

/** OPA's `details` of a unification that can never hold (its UnificationErrDetail). */
export interface UnificationDetails {
  left: string;
  right: string;
}

/** A diagnostic of `policy check`; type errors carry OPA's details (argument types, or the two sides of a match). */
export interface CheckDiagnostic extends Diagnostic {
  details?: ArgumentDetails;
  unification?: UnificationDetails;
}

/** OPA's JSON shape for `opa check --format json`. */
export interface CheckReport {
  errors: Array<{
    message: string;
    code: string;
    location: { file: string; row: number; col: number };
    details?: ArgumentDetails | { a: string; b: string };
  }>;
}

export function jsonReport(diagnostics: readonly CheckDiagnostic[]): CheckReport {
  return {
    errors: diagnostics.map((d) => ({
      message: d.message,
      code: d.code,
      location: { file: d.loc.file, row: d.loc.line, col: d.loc.col },
      ...(d.details ? { details: d.details } : {}),
      ...(d.unification ? { details: { a: d.unification.left, b: d.unification.right } } : {}),
    })),
  };
}

/** OPA prints a type error's details under it: `\thave: (...)` and `\twant: (...)`, or `\tleft  : ...` and `\tright : ...`. */
function formatCheckDiagnostic(d: CheckDiagnostic): string {
  const line = formatDiagnostic(d);
  if (d.details) return `${line}\n\thave: (${d.details.have.join(', ')})\n\twant: (${d.details.want.join(', ')})`;
  if (d.unification) return `${line}\n\tleft  : ${d.unification.left}\n\tright : ${d.unification.right}`;
  return line;
}

/** OPA's pretty output (`N errors occurred:` then one error a line), with the column added. */
export function prettyReport(diagnostics: readonly CheckDiagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const head = diagnostics.length === 1 ? '1 error occurred:' : `${diagnostics.length} errors occurred:`;
  return `${head}\n${diagnostics.map(formatCheckDiagnostic).join('\n')}\n`;
}
