/**
 * The checks OPA 1.x makes on every v1 module beyond what the compiler's own stages find: type
 * errors (types/type-check.ts), duplicate imports, `input`/`data` as rule or variable names, deprecated
 * built-ins. `opa check` (without --strict) and `opa build` both refuse a module that fails them,
 * so `policy check` and the compiler (hence `policy build`) call this one function.
 */
import type { Module, NormalisedProgram } from '../compiler/ast/types.js';
import type { CheckDiagnostic } from './report.js';
import { strictDiagnostics, v1Diagnostics } from './strict.js';
import { sourceNames } from './types/source-names.js';
import { typeDiagnostics } from './types/type-check.js';

/**
 * The diagnostics of parsed modules beyond the compiler's own; `strict` adds OPA's --strict ones.
 * Type errors need the normalised program: as in OPA, a program the compiler refused is not type-checked.
 */
export function moduleDiagnostics(modules: readonly Module[], program: NormalisedProgram | undefined, strict = false): CheckDiagnostic[] {
  const types = program === undefined ? [] : typeDiagnostics(program, sourceNames(modules));
  return dedupe([...types, ...(strict ? strictDiagnostics(modules) : v1Diagnostics(modules))]);
}

export function dedupe(list: CheckDiagnostic[]): CheckDiagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.loc.file}:${d.loc.line}:${d.loc.col}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
