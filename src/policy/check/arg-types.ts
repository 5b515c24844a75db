/**
 * The part of OPA's type checker that needs no inference: a built-in called with a literal argument
 * of a kind it does not accept (`count(1)`, `concat(1, ["a"])`, `1 + "a"`) is a type error, which
 * `opa check` reports as `NAME: invalid argument(s)` with the `have` and `want` types as details.
 * Arguments whose kind is known only by inference (vars, refs, calls) are not judged here, so this
 * never reports a call OPA accepts; the kinds are the catalogue's (no element types).
 */
import { refName } from '../compiler/ast/terms.js';
import type { Body, Expr, Location, Module, Rule, Term } from '../compiler/ast/types.js';
import { type BuiltinSpec, type ValueKind, lookupBuiltin } from '../builtins/index.js';
import type { CheckDiagnostic } from './report.js';

/** The kind of a term when the term alone decides it. */
function literalKind(t: Term): ValueKind | undefined {
  switch (t.type) {
    case 'null': case 'boolean': case 'number': case 'string': case 'array': case 'object': case 'set': return t.type;
    case 'arraycomprehension': return 'array';
    case 'setcomprehension': return 'set';
    case 'objectcomprehension': return 'object';
    case 'templatestring': return 'string';
    default: return undefined;
  }
}

function accepted(kinds: readonly ValueKind[]): string {
  if (kinds.includes('any')) return 'any';
  return kinds.length === 1 ? kinds[0]! : `any<${[...kinds].sort().join(', ')}>`;
}

function mismatch(spec: BuiltinSpec, args: readonly Term[]): boolean {
  return spec.args.some((kinds, i) => {
    const arg = args[i];
    const kind = arg && literalKind(arg);
    return kind !== undefined && !kinds.includes('any') && !kinds.includes(kind);
  });
}

function diagnostic(spec: BuiltinSpec, args: readonly Term[], loc: Location): CheckDiagnostic {
  const have = spec.args.map((_, i) => (args[i] && literalKind(args[i]!)) ?? 'any');
  return { code: 'rego_type_error', message: `${spec.name}: invalid argument(s)`, loc, details: { have, want: spec.args.map(accepted) } };
}

class CallVisitor {
  readonly out: CheckDiagnostic[] = [];

  constructor(private readonly packageRules: ReadonlySet<string>) {}

  private call(operator: Term, args: readonly Term[], loc: Location): void {
    const name = operator.type === 'ref' ? refName(operator) : undefined;
    if (name === undefined || this.packageRules.has(name.split('.')[0]!)) return;
    const spec = lookupBuiltin(name);
    if (!spec || spec.variadic) return;
    if (mismatch(spec, args)) this.out.push(diagnostic(spec, args, loc));
  }

  term(t: Term): void {
    switch (t.type) {
      case 'call': this.call(t.operator, t.args, t.loc); t.args.forEach((a) => this.term(a)); return;
      case 'ref': t.terms.forEach((x) => this.term(x)); return;
      case 'array': case 'set': t.items.forEach((x) => this.term(x)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.term(k); this.term(v); }); return;
      case 'arraycomprehension': case 'setcomprehension': this.term(t.term); this.body(t.body); return;
      case 'objectcomprehension': this.term(t.key); this.term(t.value); this.body(t.body); return;
      case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') this.expr(p); return;
      default: return;
    }
  }

  expr(e: Expr): void {
    for (const w of e.with) this.term(w.value);
    switch (e.kind) {
      case 'term': this.term(e.term); return;
      case 'call': this.call(e.operator, e.args, e.loc); e.args.forEach((a) => this.term(a)); return;
      case 'somein': if (e.key) this.term(e.key); this.term(e.value); this.term(e.domain); return;
      case 'every': this.term(e.domain); this.body(e.body); return;
      default: return;
    }
  }

  body(body: Body): void {
    for (const e of body) this.expr(e);
  }

  rule(rule: Rule): void {
    for (let r: Rule | undefined = rule; r; r = r.else) {
      r.head.ref.terms.slice(1).forEach((t) => this.term(t));
      if (r.head.key) this.term(r.head.key);
      if (r.head.value) this.term(r.head.value);
      this.body(r.body);
    }
  }
}

function packageOf(module: Module): string {
  return module.package.path.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '')).join('.');
}

/** Rule names of a module's package (across modules): a call to one of them is not a built-in call. */
function ruleNames(modules: readonly Module[], module: Module): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    if (packageOf(m) !== packageOf(module)) continue;
    for (const r of m.rules) {
      const head = r.head.ref.terms[0];
      if (head?.type === 'var') names.add(head.name);
    }
  }
  return names;
}

/** `rego_type_error`s for built-in calls with a literal argument of a kind the built-in refuses. */
export function argumentTypeDiagnostics(modules: readonly Module[]): CheckDiagnostic[] {
  const out: CheckDiagnostic[] = [];
  for (const module of modules) {
    const visitor = new CallVisitor(ruleNames(modules, module));
    for (const rule of module.rules) visitor.rule(rule);
    out.push(...visitor.out);
  }
  return out;
}
