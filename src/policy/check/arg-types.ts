/**
 * The part of OPA's type checker this project makes: a built-in called with an argument of a kind
 * it does not accept (`count(1)`, `concat(1, ["a"])`, `1 + "a"`) is a type error, which `opa check`
 * reports as `NAME: invalid argument(s)` with the `have` and `want` types as details. An argument's
 * kind is known when the term alone decides it (a literal, a comprehension), when it is a built-in
 * call whose result has one kind (`count(xs)` is a number), or when it is a variable the body
 * assigned with `:=` from such a term, earlier in the same body or an enclosing one. Everything else
 * (refs, input, rule values, function results, unified variables) is `any`, as it is to OPA without
 * schemas, so this never reports a call OPA accepts; the kinds are the catalogue's (no element types).
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

/** Variables of a body and its enclosing bodies whose kind an assignment made known. */
type Kinds = Map<string, ValueKind>;

class CallVisitor {
  readonly out: CheckDiagnostic[] = [];

  constructor(private readonly packageRules: ReadonlySet<string>) {}

  /** The built-in a call names, unless the name is a rule of the package (a function of its own). */
  private builtinOf(operator: Term): BuiltinSpec | undefined {
    const name = operator.type === 'ref' ? refName(operator) : undefined;
    if (name === undefined || this.packageRules.has(name.split('.')[0]!)) return undefined;
    return lookupBuiltin(name);
  }

  /** The kind of an argument, when it is known without looking at values (see the file comment). */
  private kindOf(t: Term, kinds: Kinds): ValueKind | undefined {
    const literal = literalKind(t);
    if (literal !== undefined) return literal;
    if (t.type === 'var') return kinds.get(t.name);
    if (t.type !== 'call') return undefined;
    const result = this.builtinOf(t.operator)?.result;
    return result?.length === 1 && result[0] !== 'any' ? result[0] : undefined;
  }

  private call(operator: Term, args: readonly Term[], loc: Location, kinds: Kinds): void {
    const spec = this.builtinOf(operator);
    if (!spec || spec.variadic) return;
    const have = spec.args.map((_, i) => (args[i] === undefined ? undefined : this.kindOf(args[i]!, kinds)));
    const wrong = spec.args.some((want, i) => have[i] !== undefined && !want.includes('any') && !want.includes(have[i]!));
    if (!wrong) return;
    this.out.push({
      code: 'rego_type_error',
      message: `${spec.name}: invalid argument(s)`,
      loc,
      details: { have: have.map((k) => k ?? 'any'), want: spec.args.map(accepted) },
    });
  }

  private term(t: Term, kinds: Kinds): void {
    switch (t.type) {
      case 'call': this.call(t.operator, t.args, t.loc, kinds); t.args.forEach((a) => this.term(a, kinds)); return;
      case 'ref': t.terms.forEach((x) => this.term(x, kinds)); return;
      case 'array': case 'set': t.items.forEach((x) => this.term(x, kinds)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.term(k, kinds); this.term(v, kinds); }); return;
      case 'arraycomprehension': case 'setcomprehension': this.term(t.term, this.body(t.body, kinds)); return;
      case 'objectcomprehension': {
        const inner = this.body(t.body, kinds);
        this.term(t.key, inner);
        this.term(t.value, inner);
        return;
      }
      case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') this.expr(p, kinds); return;
      default: return;
    }
  }

  /** Checks one expression, then records what it binds: a `:=` of a known kind, or a fresh variable of unknown kind. */
  private expr(e: Expr, kinds: Kinds): void {
    for (const w of e.with) this.term(w.value, kinds);
    switch (e.kind) {
      case 'term': this.term(e.term, kinds); return;
      case 'call': {
        this.call(e.operator, e.args, e.loc, kinds);
        e.args.forEach((a) => this.term(a, kinds));
        this.assignment(e, kinds);
        return;
      }
      case 'some': for (const v of e.vars) kinds.delete(v.name); return;
      case 'somein': {
        if (e.key) this.term(e.key, kinds);
        this.term(e.value, kinds);
        this.term(e.domain, kinds);
        for (const t of [e.key, e.value]) if (t?.type === 'var') kinds.delete(t.name);
        return;
      }
      case 'every': {
        this.term(e.domain, kinds);
        const inner = new Map(kinds);
        for (const v of [e.key, e.value]) if (v) inner.delete(v.name);
        this.bodyIn(e.body, inner);
        return;
      }
      default: return;
    }
  }

  private assignment(e: Extract<Expr, { kind: 'call' }>, kinds: Kinds): void {
    if (e.negated || refName(e.operator) !== 'assign') return;
    const [target, value] = e.args;
    if (target?.type !== 'var' || value === undefined) return;
    const kind = this.kindOf(value, kinds);
    if (kind === undefined) kinds.delete(target.name);
    else kinds.set(target.name, kind);
  }

  /** A nested body sees its enclosing body's kinds; what it assigns stays inside. Returns its kinds at the end. */
  private body(body: Body, outer: Kinds): Kinds {
    const kinds = new Map(outer);
    this.bodyIn(body, kinds);
    return kinds;
  }

  private bodyIn(body: Body, kinds: Kinds): void {
    for (const e of body) this.expr(e, kinds);
  }

  /** A rule's body first, so its head's terms see the body's variables. */
  rule(rule: Rule): void {
    for (let r: Rule | undefined = rule; r; r = r.else) {
      const kinds = this.body(r.body, new Map());
      r.head.ref.terms.slice(1).forEach((t) => this.term(t, kinds));
      if (r.head.key) this.term(r.head.key, kinds);
      if (r.head.value) this.term(r.head.value, kinds);
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
