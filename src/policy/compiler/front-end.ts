/**
 * The stages both back ends share (the wasm compiler and the TypeScript evaluator): parse, check
 * into the normalised program, and refuse what `policy check` refuses (as `opa build` does), so
 * neither can answer for a policy the other, or OPA, would reject.
 */
import { CompileError, type Module, type NormalisedProgram } from './ast/index.js';
import { checkProgram } from './check/index.js';
import { parseModule, parseQuery } from './parser/index.js';
import type { SourceFile } from './manifest.js';
import { lookupBuiltin } from '../builtins/index.js';
import { moduleDiagnostics } from '../check/module-checks.js';

export interface NamedQuery {
  name: string;
  query: string;
}

export interface CheckedProgram {
  modules: Module[];
  program: NormalisedProgram;
}

/**
 * A caller's own stage over the parsed modules, before they are checked: what OPA's tester adds to
 * the compiler (RewriteDuplicateTestNames), kept out of the compiler itself.
 */
export type ModuleRewrite = (modules: Module[]) => void;

export function checkedProgram(files: readonly SourceFile[], queries: readonly NamedQuery[] = [], rewrite?: ModuleRewrite): CheckedProgram {
  const modules = files.map((f) => parseModule(f.text, f.path));
  rewrite?.(modules);
  const parsedQueries = queries.map((q) => ({ name: q.name, body: parseQuery(q.query, `<query ${q.name}>`) }));
  const program = checkProgram(modules, { queries: parsedQueries, builtins: { lookupBuiltin } });
  const refused = moduleDiagnostics(modules, program);
  if (refused.length > 0) throw new CompileError(refused);
  return { modules, program };
}

/** `a/b/c` entrypoint names as the planner's data paths. */
export function entrypointPaths(names: readonly string[] = []): Array<{ name: string; path: string[] }> {
  return names.map((name) => ({ name, path: name.split('/').filter((p) => p !== '') }));
}
