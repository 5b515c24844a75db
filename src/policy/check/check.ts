/**
 * `policy check`: every error the compiler's parser and checks find (what `opa check` reports:
 * parse errors, unsafe and unknown vars, unknown built-ins and functions, arity errors, recursion,
 * conflicting rules), type errors (a built-in argument or a unification that cannot fit), the checks OPA
 * 1.x makes on every v1 module (duplicate imports, `input` or `data` as names, deprecated
 * built-ins), plus OPA's other strict-mode errors (unused imports and locals) with `strict`.
 * Nothing is planned or built.
 */
import { CompileError, type Diagnostic } from '../compiler/ast/errors.js';
import type { Module, NormalisedProgram } from '../compiler/ast/types.js';
import { checkProgram } from '../compiler/check/index.js';
import { parseModule } from '../compiler/parser/index.js';
import { dedupe, moduleDiagnostics } from './module-checks.js';
import type { CheckDiagnostic } from './report.js';

export interface CheckOptions {
  strict?: boolean;
}

export interface CheckSource {
  path: string;
  text: string;
}

function diagnosticsOf(err: unknown): Diagnostic[] {
  if (err instanceof CompileError) return err.diagnostics;
  throw err;
}

function byLocation(a: Diagnostic, b: Diagnostic): number {
  if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
  return a.loc.line - b.loc.line || a.loc.col - b.loc.col;
}

/** The diagnostics of a set of policy files, sorted by file, line and column; empty when clean. */
export function checkPolicies(sources: readonly CheckSource[], options: CheckOptions = {}): CheckDiagnostic[] {
  const modules: Module[] = [];
  const errors: CheckDiagnostic[] = [];
  for (const source of sources) {
    try {
      modules.push(parseModule(source.text, source.path));
    } catch (err) {
      errors.push(...diagnosticsOf(err));
    }
  }
  // As in OPA, a parse error stops there: the later stages would only echo it.
  if (errors.length > 0) return errors.sort(byLocation);
  let program: NormalisedProgram | undefined;
  try {
    program = checkProgram(modules);
  } catch (err) {
    errors.push(...diagnosticsOf(err));
  }
  errors.push(...moduleDiagnostics(modules, program, options.strict === true));
  return dedupe(errors).sort(byLocation);
}
