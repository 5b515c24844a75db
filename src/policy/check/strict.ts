/**
 * OPA's strict-mode checks (`opa check --strict`), on parsed modules: duplicate imports, unused
 * imports, unused local assignments and arguments, deprecated built-ins, and rules or variables
 * named `input` or `data`. Messages follow OPA's wording.
 *
 * Since OPA 1.0 three of them are errors for every Rego v1 module, strict or not (OPA's compiler
 * runs them when `strict || moduleIsRegoV1`): duplicate imports, `input`/`data` as rule or variable
 * names, and deprecated built-ins. `v1Diagnostics` is those three; `strictDiagnostics` adds unused
 * imports and unused locals.
 */
import type { Diagnostic } from '../compiler/ast/errors.js';
import { refName, refToString } from '../compiler/ast/terms.js';
import type { Body, Expr, Import, Module, Rule, Term, VarTerm } from '../compiler/ast/types.js';
import { lookupBuiltin } from '../builtins/index.js';
import { type NestedScope, eachExpr, eachScopeIn, eachScopeInHead, eachVar, eachVarInBody, eachVarInRule } from './walk.js';

const ROOTS = new Set(['input', 'data']);

/** The checks OPA 1.x applies to every v1 module without --strict. */
export function v1Diagnostics(modules: readonly Module[]): Diagnostic[] {
  return importAndRuleDiagnostics(modules, false);
}

/** Everything `opa check --strict` reports beyond the compiler's own errors. */
export function strictDiagnostics(modules: readonly Module[]): Diagnostic[] {
  return importAndRuleDiagnostics(modules, true);
}

function importAndRuleDiagnostics(modules: readonly Module[], strict: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const module of modules) {
    out.push(...importDiagnostics(module, strict));
    const packageRules = ruleNames(modules, module);
    for (const rule of module.rules) {
      out.push(...shadowedRoots(rule));
      if (strict) out.push(...unusedLocals(rule));
      out.push(...deprecatedCalls(rule, packageRules));
    }
  }
  return out;
}

function isKeywordImport(imp: Import): boolean {
  const root = imp.path.terms[0];
  return root?.type === 'var' && (root.name === 'rego' || root.name === 'future');
}

/** The name an import binds: its alias, or the last segment of its path. */
function importName(imp: Import): string {
  if (imp.alias) return imp.alias;
  const last = imp.path.terms[imp.path.terms.length - 1]!;
  return last.type === 'string' ? last.value : last.type === 'var' ? last.name : '';
}

function importText(imp: Import): string {
  return `import ${refToString(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}`;
}

function importDiagnostics(module: Module, strict: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, Import>();
  const used = new Set<string>();
  for (const rule of module.rules) eachVarInRule(rule, (v) => used.add(v.name));
  for (const imp of module.imports) {
    if (isKeywordImport(imp)) continue;
    const name = importName(imp);
    const earlier = seen.get(name);
    if (earlier) {
      out.push({ code: 'rego_compile_error', message: `import must not shadow ${importText(earlier)}`, loc: imp.loc });
      continue;
    }
    seen.set(name, imp);
    if (strict && !used.has(name)) out.push({ code: 'rego_compile_error', message: `${importText(imp)} unused`, loc: imp.loc });
  }
  return out;
}

function ruleName(rule: Rule): string | undefined {
  const head = rule.head.ref.terms[0];
  return head?.type === 'var' ? head.name : undefined;
}

function ruleNames(modules: readonly Module[], module: Module): Set<string> {
  const pkg = refToString(module.package.path);
  const names = new Set<string>();
  for (const m of modules) {
    if (refToString(m.package.path) !== pkg) continue;
    for (const r of m.rules) {
      const name = ruleName(r);
      if (name) names.add(name);
    }
  }
  return names;
}

// ---- input and data are reserved ----

function shadowedRoots(rule: Rule): Diagnostic[] {
  const out: Diagnostic[] = [];
  const name = ruleName(rule);
  if (name && ROOTS.has(name)) {
    out.push({ code: 'rego_compile_error', message: `rules must not shadow ${name} (use a different rule name)`, loc: rule.loc });
  }
  const declared: VarTerm[] = [];
  // Only the vars an argument binds: `input.y` inside a template-string argument is a reference.
  for (const a of rule.head.args ?? []) eachPatternVar(a, (v) => declared.push(v));
  for (let r: Rule | undefined = rule; r; r = r.else) {
    eachExpr(r.body, (e) => declared.push(...declarations(e)));
  }
  for (const v of declared) {
    if (ROOTS.has(v.name)) out.push({ code: 'rego_compile_error', message: `variables must not shadow ${v.name} (use a different variable name)`, loc: v.loc });
  }
  return out;
}

// ---- unused locals ----

interface Declaration {
  v: VarTerm;
  kind: 'assigned' | 'declared' | 'argument';
}

/** Vars an expression introduces into its own scope: `x := ...`, `some x`, `some k, v in xs`. */
function declarations(e: Expr): VarTerm[] {
  const out: VarTerm[] = [];
  const bind = (t: Term) => eachPatternVar(t, (v) => out.push(v));
  if (e.kind === 'call' && refName(e.operator) === 'assign' && e.args[0]) bind(e.args[0]);
  if (e.kind === 'some') out.push(...e.vars);
  if (e.kind === 'somein') {
    if (e.key) bind(e.key);
    bind(e.value);
  }
  return out;
}

function declarationsOf(body: Body): Declaration[] {
  const out: Declaration[] = [];
  for (const e of body) {
    const kind = e.kind === 'call' ? 'assigned' : 'declared';
    for (const v of declarations(e)) out.push({ v, kind });
  }
  return out;
}

/** Vars a pattern binds: the var itself, array items and object values (keys are values, not bindings). */
function eachPatternVar(t: Term, f: (v: VarTerm) => void): void {
  if (t.type === 'var') f(t);
  if (t.type === 'array') t.items.forEach((x) => eachPatternVar(x, f));
  if (t.type === 'object') t.entries.forEach(([, v]) => eachPatternVar(v, f));
}

function isWildcard(v: VarTerm): boolean {
  return v.name === '_' || v.name.startsWith('$');
}

function unusedIn(decls: Declaration[], eachUse: (f: (v: VarTerm) => void) => void): Diagnostic[] {
  if (decls.length === 0) return [];
  const declaredAt = new Set(decls.map((d) => d.v));
  const used = new Set<string>();
  eachUse((v) => {
    if (!declaredAt.has(v)) used.add(v.name);
  });
  return decls.filter((d) => !isWildcard(d.v) && !used.has(d.v.name)).map((d) => ({
    code: 'rego_compile_error' as const,
    message: d.kind === 'argument'
      ? `unused argument ${d.v.name}. (hint: use _ (wildcard variable) instead)`
      : `${d.kind} var ${d.v.name} unused`,
    loc: d.v.loc,
  }));
}

function scopeDiagnostics(scope: NestedScope): Diagnostic[] {
  const out = unusedIn(declarationsOf(scope.body), (f) => scope.eachVar(f));
  eachScopeIn(scope.body, (inner) => out.push(...scopeDiagnostics(inner)));
  return out;
}

/**
 * A declaration is used when its name occurs anywhere else in its scope (nested scopes included).
 * A nested scope that declares the same name again therefore hides an unused outer one: the check
 * may miss such a case but never reports a var that is used.
 */
function unusedLocals(rule: Rule): Diagnostic[] {
  const args: Declaration[] = [];
  for (const a of rule.head.args ?? []) eachPatternVar(a, (v) => args.push({ v, kind: 'argument' }));
  const out = unusedIn(args, (f) => eachVarInRule(rule, f));
  for (let r: Rule | undefined = rule; r; r = r.else) {
    const current = r;
    out.push(...unusedIn(declarationsOf(current.body), (f) => {
      eachVar(current.head.ref, f);
      if (current.head.key) eachVar(current.head.key, f);
      if (current.head.value) eachVar(current.head.value, f);
      eachVarInBody(current.body, f);
    }));
    eachScopeIn(current.body, (scope) => out.push(...scopeDiagnostics(scope)));
    eachScopeInHead(current, (scope) => out.push(...scopeDiagnostics(scope)));
  }
  return out;
}

// ---- deprecated built-ins ----

function callNamesIn(t: Term, out: string[]): void {
  switch (t.type) {
    case 'call': {
      const name = refName(t.operator);
      if (name) out.push(name);
      t.args.forEach((a) => callNamesIn(a, out));
      return;
    }
    case 'ref': t.terms.forEach((x) => callNamesIn(x, out)); return;
    case 'array': case 'set': t.items.forEach((x) => callNamesIn(x, out)); return;
    case 'object': t.entries.forEach(([k, v]) => { callNamesIn(k, out); callNamesIn(v, out); }); return;
    default: return;
  }
}

function callNames(e: Expr): string[] {
  const out: string[] = [];
  if (e.kind === 'call') {
    const name = refName(e.operator);
    if (name) out.push(name);
    e.args.forEach((a) => callNamesIn(a, out));
  }
  if (e.kind === 'term') callNamesIn(e.term, out);
  if (e.kind === 'somein') [e.value, e.domain, ...(e.key ? [e.key] : [])].forEach((t) => callNamesIn(t, out));
  if (e.kind === 'every') callNamesIn(e.domain, out);
  for (const w of e.with) callNamesIn(w.value, out);
  return out;
}

function deprecatedIn(e: Expr, packageRules: Set<string>): string[] {
  return [...new Set(callNames(e).filter((name) => {
    if (packageRules.has(name.split('.')[0]!)) return false;
    return lookupBuiltin(name)?.deprecated === true;
  }))];
}

function deprecatedCalls(rule: Rule, packageRules: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (e: Expr) => {
    const names = deprecatedIn(e, packageRules);
    if (names.length > 0) out.push({ code: 'rego_type_error', message: `deprecated built-in function calls in expression: ${names.join(', ')}`, loc: e.loc });
  };
  for (let r: Rule | undefined = rule; r; r = r.else) {
    eachExpr(r.body, visit);
    const headTerms = [r.head.value, r.head.key].filter((t): t is Term => t !== undefined);
    for (const t of headTerms) {
      const names: string[] = [];
      callNamesIn(t, names);
      const found = [...new Set(names.filter((n) => !packageRules.has(n.split('.')[0]!) && lookupBuiltin(n)?.deprecated === true))];
      if (found.length > 0) out.push({ code: 'rego_type_error', message: `deprecated built-in function calls in expression: ${found.join(', ')}`, loc: t.loc });
    }
    eachScopeInHead(r, (scope) => eachExpr(scope.body, visit));
  }
  return out;
}
