/**
 * The checks OPA 1.x makes on every v1 module beyond what the compiler's own stages find: literal
 * built-in argument types, duplicate imports, `input`/`data` as rule or variable names, deprecated
 * built-ins. `opa check` (without --strict) and `opa build` both refuse a module that fails them,
 * so `policy check` and the compiler (hence `policy build`) call this one function.
 */
import type { Module } from '../compiler/ast/types.js';
import { argumentTypeDiagnostics } from './arg-types.js';
import type { CheckDiagnostic } from './report.js';
import { strictDiagnostics, v1Diagnostics } from './strict.js';

/** The diagnostics of parsed modules that passed the compiler's checks; `strict` adds OPA's --strict ones. */
export function moduleDiagnostics(modules: readonly Module[], strict = false): CheckDiagnostic[] {
  return dedupe([...argumentTypeDiagnostics(modules), ...(strict ? strictDiagnostics(modules) : v1Diagnostics(modules))]);
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
