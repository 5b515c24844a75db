/**
 * Resolution and renaming of variables, in the spirit of OPA's resolveAllRefs + rewriteLocalVars:
 * rule names and import aliases become absolute refs, local variables get unique `__localN__`
 * names following Rego's scoping (`:=`, `some`, function args, `every` and comprehension bodies),
 * `:=` becomes `=`, `some x in xs` becomes `x = xs[k]`, template strings and `print` are lowered.
 */
import { callTerm, operatorRef, refName, refTerm, stringTerm, varTerm } from '../ast/terms.js';
import type {
  Body, CallExpr, Expr, Location, RefTerm, Rule, RuleHead, Term, VarTerm, With,
} from '../ast/types.js';
import type { CheckContext, Globals } from './context.js';
import { forEachVar, forEachVarInBody } from './walk.js';

type Binding = { name: string; declared: boolean };

class Scope {
  readonly bindings = new Map<string, Binding>();
  constructor(readonly parent: Scope | undefined, readonly mentions: Set<string>) {}

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }
}

/**
 * Undeclared vars mentioned at the level of `body` itself (not inside nested comprehension/every
 * bodies). A nested body's var with such a name is the outer var (a closure); declared vars
 * (`:=`, `some`) only capture nested uses that come after the declaration.
 */
function shallowMentions(body: Body, extra: Term[] = []): Set<string> {
  const out = new Set<string>();
  forEachVarInBody(body, (v) => out.add(v.name), true);
  for (const t of extra) forEachVar(t, (v) => out.add(v.name), true);
  for (const name of declaredNames(body)) out.delete(name);
  return out;
}

function declaredNames(body: Body): Set<string> {
  const out = new Set<string>();
  const add = (t: Term): void => forEachVar(t, (v) => out.add(v.name), true);
  for (const e of body) {
    if (e.kind === 'some') e.vars.forEach(add);
    if (e.kind === 'somein') {
      if (e.key) add(e.key);
      add(e.value);
    }
    if (e.kind === 'call' && refName(e.operator) === 'assign') add(e.args[0]!);
  }
  return out;
}

export interface RewrittenRule {
  head: RuleHead;
  body: Body;
}

export class LocalRewriter {
  constructor(private readonly ctx: CheckContext, private readonly globals: Globals, private readonly queryMode = false) {}

  /** Rewrites a rule (head + body) and returns new nodes; `head.ref` is left to the caller. */
  rewriteRule(rule: Rule): RewrittenRule {
    const head = rule.head;
    const headTerms = [...(head.args ?? []), ...head.ref.terms.slice(1), ...(head.key ? [head.key] : []), ...(head.value ? [head.value] : [])];
    const scope = new Scope(undefined, shallowMentions(rule.body, headTerms));
    // `f(x, x)` means both arguments are equal: a repeated argument var is one variable.
    const args = head.args?.map((a) => this.declarePattern(a, scope, true));
    const body = this.rewriteBody(rule.body, scope);
    const newHead: RuleHead = { ...head, ref: refTerm([head.ref.terms[0]!, ...head.ref.terms.slice(1).map((t) => this.term(t, scope))], head.ref.loc) };
    if (args) newHead.args = args;
    if (head.key) newHead.key = this.term(head.key, scope);
    if (head.value) newHead.value = this.term(head.value, scope);
    return { head: newHead, body };
  }

  /** Rewrites a query body; its user variables keep their names. */
  rewriteQuery(body: Body): Body {
    const scope = new Scope(undefined, shallowMentions(body));
    return this.rewriteBody(body, scope);
  }

  private rewriteBody(body: Body, scope: Scope): Body {
    const out: Body = [];
    for (const expr of body) {
      const rewritten = this.expr(expr, scope);
      if (rewritten) out.push(rewritten);
    }
    return out;
  }

  private expr(e: Expr, scope: Scope): Expr | undefined {
    const withs = e.with.map((w) => this.withModifier(w, scope));
    switch (e.kind) {
      case 'some':
        for (const v of e.vars) this.declare(v, scope, 'some');
        if (withs.length > 0) this.ctx.error('rego_compile_error', 'with keyword cannot be used on some declarations', e.loc);
        return undefined;
      case 'somein': {
        const domain = this.term(e.domain, scope);
        const key = e.key ? this.declarePattern(e.key, scope) : varTerm(this.ctx.fresh(), e.loc);
        const value = this.declarePattern(e.value, scope);
        const ref = domain.type === 'ref' ? refTerm([...domain.terms, key], domain.loc) : refTerm([domain, key], domain.loc);
        return { kind: 'call', loc: e.loc, negated: false, with: withs, operator: operatorRef('eq', e.loc), args: [value, ref], generated: true };
      }
      case 'every': {
        const domain = this.term(e.domain, scope);
        const inner = new Scope(scope, shallowMentions(e.body));
        const key = e.key ? this.declare(e.key, inner, 'some') : varTerm(this.ctx.fresh(), e.loc);
        const value = this.declare(e.value, inner, 'some');
        const body = this.rewriteBody(e.body, inner);
        return { kind: 'every', loc: e.loc, negated: e.negated, with: withs, key, value, domain, body };
      }
      case 'term':
        return { ...e, with: withs, term: this.term(e.term, scope) };
      case 'call':
        return this.callExpr(e, withs, scope);
    }
  }

  private callExpr(e: CallExpr, withs: With[], scope: Scope): Expr {
    const name = refName(e.operator);
    if (name === 'assign') {
      const rhs = this.term(e.args[1]!, scope);
      const lhs = this.assignTarget(e.args[0]!, scope);
      return { ...e, with: withs, operator: operatorRef('eq', e.operator.loc), args: [lhs, rhs] };
    }
    if (name === 'print') {
      const args = e.args.map((a) => this.captureAsSet(a, [], scope));
      return { ...e, with: withs, operator: operatorRef('internal.print', e.operator.loc), args: [{ type: 'array', items: args, loc: e.loc }] };
    }
    return { ...e, with: withs, operator: this.operator(e.operator, scope), args: e.args.map((a) => this.term(a, scope)) };
  }

  /** `x := v`, `[a, b] := v`, `{"k": a} := v`: declares the vars; anything else is an error. */
  private assignTarget(t: Term, scope: Scope): Term {
    switch (t.type) {
      case 'var': return this.declare(t, scope, ':=');
      case 'array': return { ...t, items: t.items.map((x) => this.assignTarget(x, scope)) };
      case 'object': return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.assignTarget(v, scope)] as [Term, Term]) };
      case 'null': case 'boolean': case 'number': case 'string': return t;
      case 'ref':
        this.ctx.error('rego_parse_error', `cannot assign to ref`, t.loc);
        return t;
      default:
        this.ctx.error('rego_parse_error', `cannot assign to ${t.type}`, t.loc);
        return t;
    }
  }

  private declarePattern(t: Term, scope: Scope, reuse = false): Term {
    switch (t.type) {
      case 'var': {
        const existing = reuse && t.name !== '_' ? scope.bindings.get(t.name) : undefined;
        return existing ? varTerm(existing.name, t.loc) : this.declare(t, scope, 'some');
      }
      case 'array': return { ...t, items: t.items.map((x) => this.declarePattern(x, scope, reuse)) };
      case 'object': return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.declarePattern(v, scope, reuse)] as [Term, Term]) };
      default: return this.term(t, scope);
    }
  }

  private declare(v: VarTerm, scope: Scope, how: 'some' | ':='): VarTerm {
    if (v.name === '_') return varTerm(this.ctx.wildcard(), v.loc);
    const existing = scope.bindings.get(v.name);
    if (existing?.declared) {
      this.ctx.error('rego_compile_error', `var ${v.name} ${how === ':=' ? 'assigned' : 'declared'} above`, v.loc);
      return varTerm(existing.name, v.loc);
    }
    if (existing && how === ':=') {
      this.ctx.error('rego_compile_error', `var ${v.name} referenced above`, v.loc);
      return varTerm(existing.name, v.loc);
    }
    if (how === ':=' && (v.name === 'input' || v.name === 'data')) {
      this.ctx.error('rego_compile_error', `variables must not shadow ${v.name} (use a different variable name)`, v.loc);
    }
    const name = this.queryMode && scope.parent === undefined ? v.name : this.ctx.fresh(v.name);
    scope.bindings.set(v.name, { name, declared: true });
    return varTerm(name, v.loc);
  }

  /** Resolves a var occurrence: local binding, global (rule/import/root), or a new unification var. */
  private variable(v: VarTerm, scope: Scope): Term {
    if (v.name === '_') return varTerm(this.ctx.wildcard(), v.loc);
    const bound = scope.lookup(v.name);
    if (bound) return varTerm(bound.name, v.loc);
    const global = this.global(v.name, v.loc);
    if (global) return global;
    let target = scope;
    for (let s: Scope | undefined = scope.parent; s; s = s.parent) {
      if (s.mentions.has(v.name)) target = s;
    }
    const name = this.queryMode && target.parent === undefined ? v.name : this.ctx.fresh(v.name);
    target.bindings.set(v.name, { name, declared: false });
    return varTerm(name, v.loc);
  }

  private global(name: string, loc: Location): RefTerm | undefined {
    if (name === 'input' || name === 'data') return refTerm([varTerm(name, loc)], loc);
    const ref = this.globals.get(name);
    if (!ref) return undefined;
    return refTerm(ref.terms.map((t) => ({ ...t, loc })), loc);
  }

  /** Call operators: package functions and import aliases become absolute refs; built-ins stay by name. */
  private operator(op: RefTerm, scope: Scope): RefTerm {
    const head = op.terms[0]!;
    if (head.type !== 'var') return op;
    if (scope.lookup(head.name)) {
      this.ctx.error('rego_type_error', `${head.name} is a local variable, not a function`, op.loc);
      return op;
    }
    const global = this.global(head.name, head.loc);
    if (!global || head.name === 'input') return op;
    return refTerm([...global.terms, ...op.terms.slice(1)], op.loc);
  }

  private withModifier(w: With, scope: Scope): With {
    const head = w.target.terms[0]!;
    let target = w.target;
    if (head.type === 'var' && head.name !== 'input' && head.name !== 'data') {
      const global = this.globals.get(head.name);
      if (global) target = refTerm([...global.terms.map((t) => ({ ...t, loc: head.loc })), ...w.target.terms.slice(1)], w.target.loc);
    }
    return { ...w, target, value: this.withValue(w.value, scope) };
  }

  /** A `with` value naming a function (`with count as mock`) stays a ref; other values resolve normally. */
  private withValue(t: Term, scope: Scope): Term {
    if (t.type === 'var' && !scope.lookup(t.name) && !this.globals.has(t.name) && this.ctx.builtins.lookupBuiltin(t.name)) {
      return refTerm([t], t.loc);
    }
    if (t.type === 'ref' && t.terms[0]?.type === 'var' && !scope.lookup(t.terms[0].name) && !this.globals.has(t.terms[0].name)) {
      const name = refName(t);
      if (name && this.ctx.builtins.lookupBuiltin(name)) return t;
    }
    return this.term(t, scope);
  }

  term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case 'null': case 'boolean': case 'number': case 'string': return t;
      case 'var': return this.variable(t, scope);
      case 'ref': {
        const [head, ...rest] = t.terms;
        const newHead = this.term(head!, scope);
        const operands = rest.map((x) => this.term(x, scope));
        if (newHead.type === 'ref') return refTerm([...newHead.terms, ...operands], t.loc);
        return refTerm([newHead, ...operands], t.loc);
      }
      case 'array': return { ...t, items: t.items.map((x) => this.term(x, scope)) };
      case 'set': return { ...t, items: t.items.map((x) => this.term(x, scope)) };
      case 'object': return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.term(v, scope)] as [Term, Term]) };
      case 'call': {
        if (refName(t.operator) === 'print') {
          this.ctx.error('rego_type_error', 'print has no result and cannot be used as a value', t.loc);
        }
        return { ...t, operator: this.operator(t.operator, scope), args: t.args.map((x) => this.term(x, scope)) };
      }
      case 'arraycomprehension': case 'setcomprehension': {
        const inner = new Scope(scope, shallowMentions(t.body, [t.term]));
        const body = this.rewriteBody(t.body, inner);
        return { ...t, body, term: this.term(t.term, inner) };
      }
      case 'objectcomprehension': {
        const inner = new Scope(scope, shallowMentions(t.body, [t.key, t.value]));
        const body = this.rewriteBody(t.body, inner);
        return { ...t, body, key: this.term(t.key, inner), value: this.term(t.value, inner) };
      }
      case 'templatestring': {
        const items = t.parts.map((p) => (typeof p === 'string' ? stringTerm(p, t.loc) : this.templatePart(p, scope)));
        return callTerm('internal.template_string', [{ type: 'array', items, loc: t.loc }], t.loc);
      }
    }
  }

  /** `{expr}` in a template: a scalar stays; anything else becomes `{v | v = expr}` (empty = undefined). */
  private templatePart(e: Expr, scope: Scope): Term {
    if (e.kind === 'term' && e.with.length === 0 && ['null', 'boolean', 'number', 'string'].includes(e.term.type)) return e.term;
    if (e.kind === 'term') return this.captureAsSet(e.term, e.with, scope);
    if (e.kind === 'call' && refName(e.operator) !== 'assign' && refName(e.operator) !== 'eq') {
      return this.captureAsSet({ type: 'call', operator: e.operator, args: e.args, loc: e.loc }, e.with, scope);
    }
    this.ctx.error('rego_parse_error', 'template expressions must be values, not assignments or unifications', e.loc);
    return { type: 'null', loc: e.loc };
  }

  /** `{__v | __v = value}` evaluated in a nested scope (as OPA lowers print and template args). */
  private captureAsSet(value: Term, withs: With[], scope: Scope): Term {
    const inner = new Scope(scope, new Set());
    const out = varTerm(this.ctx.fresh(), value.loc);
    const eq: Expr = {
      kind: 'call', loc: value.loc, negated: false, generated: true, with: withs.map((w) => this.withModifier(w, inner)),
      operator: operatorRef('eq', value.loc), args: [out, this.term(value, inner)],
    };
    return { type: 'setcomprehension', term: out, body: [eq], loc: value.loc };
  }
}
