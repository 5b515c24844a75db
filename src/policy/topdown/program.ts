/**
 * Sources -> a program the evaluator runs: the same stages as compilePolicy up to the plan (no
 * AssemblyScript), plus what traces and coverage need from the parsed modules: the lines that
 * coverage counts and the source names of the variables the checks renamed.
 */
import type { Body, Expr, Module, Rule, Term, VarTerm } from '../compiler/ast/index.js';
import { checkedProgram, entrypointPaths, type ModuleRewrite } from '../compiler/front-end.js';
import { planProgram } from '../compiler/planner/index.js';
import { locationKey, sourceNames } from '../check/types/source-names.js';
import type { SourceFile } from '../compiler/index.js';
import { Interpreter } from './interpreter.js';

export interface PreparedPolicy {
  interpreter: Interpreter;
  files: SourceFile[];
  /** Per file: the lines of rule heads and expressions (what OPA's coverage counts). */
  coverable: Map<string, Set<number>>;
  /** Names the checks generated (`__local3__`) -> the variable's name in the source. */
  sourceNames: Map<string, string>;
}

export interface PrepareOptions {
  entrypoints?: string[];
  queries?: { name: string; query: string }[];
  /** A stage of the caller's over the parsed modules (see ModuleRewrite). */
  rewriteModules?: ModuleRewrite;
}

export function preparePolicy(files: SourceFile[], options: PrepareOptions): PreparedPolicy {
  // The evaluator refuses what `policy build` refuses, so `policy eval` never answers for a policy OPA would reject.
  const { modules, program } = checkedProgram(files, options.queries, options.rewriteModules);
  const coverable = new Map<string, Set<number>>();
  for (const m of modules) {
    const lines = new Set<number>();
    coverable.set(m.file, lines);
    walkModule(m, () => undefined, (line) => lines.add(line));
  }
  const written = sourceNames(modules);
  const ir = planProgram(program, entrypointPaths(options.entrypoints), program.queries);
  // A generated output variable shares its location with the call it stands for, so each
  // generated name takes the source name found at most of its occurrences.
  const votes = new Map<string, Map<string, number>>();
  for (const m of program.modules) {
    walkModule(m, (v) => {
      const name = written.get(locationKey(v.loc));
      if (!v.name.startsWith('__local') || name === undefined || ['_', 'input', 'data'].includes(name) || name.startsWith('__local')) return;
      const counts = votes.get(v.name) ?? new Map<string, number>();
      votes.set(v.name, counts);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }, () => undefined);
  }
  const renamed = new Map<string, string>();
  for (const [generated, counts] of votes) renamed.set(generated, [...counts].sort((a, b) => b[1] - a[1])[0]![0]);
  return { interpreter: new Interpreter(ir), files, coverable, sourceNames: renamed };
}

/** Visits every variable occurrence and the line of every rule head and expression (not `some x`). */
function walkModule(m: Module, onVar: (v: VarTerm) => void, onLine: (line: number) => void): void {
  const term = (t: Term): void => {
    switch (t.type) {
      case 'var': onVar(t); return;
      case 'ref': t.terms.forEach(term); return;
      case 'array': case 'set': t.items.forEach(term); return;
      case 'object': t.entries.forEach(([a, b]) => { term(a); term(b); }); return;
      case 'call': t.args.forEach(term); return;
      case 'arraycomprehension': case 'setcomprehension': term(t.term); body(t.body); return;
      case 'objectcomprehension': term(t.key); term(t.value); body(t.body); return;
      case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') expr(p); return;
      default: return;
    }
  };
  const expr = (e: Expr): void => {
    if (e.kind !== 'some') onLine(e.loc.line);
    switch (e.kind) {
      case 'term': term(e.term); break;
      case 'call': e.args.forEach(term); break;
      case 'some': e.vars.forEach(term); break;
      case 'somein': if (e.key) term(e.key); term(e.value); term(e.domain); break;
      case 'every': if (e.key) term(e.key); term(e.value); term(e.domain); body(e.body); break;
    }
    for (const w of e.with) term(w.value);
  };
  const body = (b: Body): void => b.forEach(expr);
  const rule = (r: Rule): void => {
    onLine(r.head.loc.line);
    for (const a of r.head.args ?? []) term(a);
    if (r.head.key) term(r.head.key);
    if (r.head.value) term(r.head.value);
    r.head.ref.terms.slice(1).forEach(term);
    body(r.body);
    if (r.else) rule(r.else);
  };
  m.rules.forEach(rule);
}
