/**
 * Flattening of nested terms (OPA's rewriteExprTerms / rewriteComprehensionTerms): calls in value
 * positions are lifted into their own call expressions with a fresh output var; refs whose head is
 * not a var are rooted at a fresh var; call operators get their target (built-in or function) and
 * their arity is checked.
 */
import { operatorRef, refName, refTerm, refToString, varTerm } from '../ast/terms.js';
import type { Body, CallExpr, CallTarget, Expr, Location, RefTerm, Rule, Term, With } from '../ast/types.js';
import type { CheckContext } from './context.js';

/** What the flattener needs to know about rules: function arities and all rule paths. */
export interface RuleIndex {
  /** `pkg.f` -> arity. */
  functions: Map<string, number>;
  /** `pkg.p` for every rule group (any kind). */
  paths: Set<string>;
}

type Expanded = { support: Expr[]; term: Term };

export class Flattener {
  constructor(private readonly ctx: CheckContext, private readonly rules: RuleIndex) {}

  flattenRule(rule: Rule): Rule {
    const body = this.body(rule.body);
    const head = { ...rule.head };
    const support: Expr[] = [];
    const lift = (t: Term): Term => {
      const r = this.term(t);
      support.push(...r.support);
      return r.term;
    };
    head.ref = refTerm(rule.head.ref.terms.map((t, i) => (i === 0 ? t : lift(t))), rule.head.ref.loc);
    if (head.key) head.key = this.liftRefs(lift(head.key), support);
    if (head.value) head.value = this.liftRefs(lift(head.value), support);
    if (head.args) head.args = head.args.map(lift);
    const out: Rule = { ...rule, head, body: [...body, ...support] };
    if (rule.else) out.else = this.flattenRule(rule.else);
    return out;
  }

  /** Head keys/values hold no refs: each ref is bound to a fresh var in the body (`p := xs[_]`). */
  private liftRefs(t: Term, support: Expr[]): Term {
    switch (t.type) {
      case 'ref': {
        const v = varTerm(this.ctx.fresh(), t.loc);
        support.push(eqExpr(v, t, t.loc));
        return v;
      }
      case 'array': case 'set': return { ...t, items: t.items.map((x) => this.liftRefs(x, support)) };
      case 'object': return { ...t, entries: t.entries.map(([k, v]) => [this.liftRefs(k, support), this.liftRefs(v, support)] as [Term, Term]) };
      default: return t;
    }
  }

  body(body: Body): Body {
    const out: Body = [];
    for (const e of body) out.push(...this.expr(e));
    return out;
  }

  private expr(e: Expr): Expr[] {
    const support: Expr[] = [];
    const withs = e.with.map((w) => this.withModifier(w, support));
    const inherit = (extras: Expr[]): Expr[] => extras.map((x) => ({ ...x, with: withs.length > 0 ? withs : x.with }));
    switch (e.kind) {
      case 'term': {
        const r = this.term(e.term);
        return [...support, ...inherit(r.support), { ...e, with: withs, term: r.term }];
      }
      case 'call': {
        const extras: Expr[] = [];
        const args = e.args.map((a) => {
          const r = this.term(a);
          extras.push(...r.support);
          return r.term;
        });
        const target = this.target(e.operator, e.args.length, true);
        const call: CallExpr = { ...e, with: withs, args };
        if (target) call.target = target;
        return [...support, ...inherit(extras), call];
      }
      case 'every': {
        const r = this.term(e.domain);
        return [...support, ...inherit(r.support), { ...e, with: withs, domain: r.term, body: this.body(e.body) }];
      }
      case 'some': case 'somein':
        return [e];
    }
  }

  private withModifier(w: With, support: Expr[]): With {
    this.checkWithTarget(w);
    if (w.value.type === 'ref' && this.isFunctionRef(w.value)) {
      const target = this.target(w.value, 0, true, true);
      return target ? { ...w, valueTarget: target } : w;
    }
    const r = this.term(w.value);
    support.push(...r.support);
    // A ref into a local value (`[1 | true][0]`) is evaluated first, outside the `with` scope.
    const head = r.term.type === 'ref' ? r.term.terms[0] : undefined;
    if (r.term.type === 'ref' && head?.type === 'var' && head.name !== 'input' && head.name !== 'data') {
      const v = varTerm(this.ctx.fresh(), r.term.loc);
      support.push(eqExpr(v, r.term, r.term.loc));
      return { ...w, value: v };
    }
    return { ...w, value: r.term };
  }

  private isFunctionRef(ref: RefTerm): boolean {
    const name = refName(ref);
    if (!name) return false;
    if (name.startsWith('data.')) return this.rules.functions.has(name.slice(5));
    return this.ctx.builtins.lookupBuiltin(name) !== undefined;
  }

  private checkWithTarget(w: With): void {
    const head = w.target.terms[0]!;
    if (head.type === 'var' && (head.name === 'input' || head.name === 'data')) return;
    const name = refName(w.target);
    if (name && this.ctx.builtins.lookupBuiltin(name)) return;
    this.ctx.error('rego_compile_error', `with keyword target must reference existing input, data, or a function: ${refToString(w.target)}`, w.target.loc);
  }

  term(t: Term): Expanded {
    switch (t.type) {
      case 'null': case 'boolean': case 'number': case 'string': case 'var':
        return { support: [], term: t };
      case 'ref': return this.ref(t);
      case 'array': case 'set': {
        const support: Expr[] = [];
        const items = t.items.map((x) => {
          const r = this.term(x);
          support.push(...r.support);
          return r.term;
        });
        return { support, term: { ...t, items } };
      }
      case 'object': {
        const support: Expr[] = [];
        const entries = t.entries.map(([k, v]) => {
          const rk = this.term(k);
          const rv = this.term(v);
          support.push(...rk.support, ...rv.support);
          return [rk.term, rv.term] as [Term, Term];
        });
        return { support, term: { ...t, entries } };
      }
      case 'call': return this.call(t.operator, t.args, t.loc);
      case 'arraycomprehension': case 'setcomprehension': {
        const body = this.body(t.body);
        const r = this.term(t.term);
        return { support: [], term: { ...t, body: [...body, ...r.support], term: r.term } };
      }
      case 'objectcomprehension': {
        const body = this.body(t.body);
        const rk = this.term(t.key);
        const rv = this.term(t.value);
        return { support: [], term: { ...t, body: [...body, ...rk.support, ...rv.support], key: rk.term, value: rv.term } };
      }
      case 'templatestring':
        this.ctx.error('rego_compile_error', 'template string was not lowered', t.loc);
        return { support: [], term: t };
    }
  }

  private ref(t: RefTerm): Expanded {
    const [head, ...rest] = t.terms;
    const support: Expr[] = [];
    let newHead = head!;
    if (newHead.type !== 'var') {
      const r = this.term(newHead);
      support.push(...r.support);
      newHead = r.term;
      if (newHead.type !== 'var') {
        const v = varTerm(this.ctx.fresh(), newHead.loc);
        support.push(eqExpr(v, newHead, newHead.loc));
        newHead = v;
      }
    }
    const operands = rest.map((x) => {
      const r = this.term(x);
      support.push(...r.support);
      return r.term;
    });
    return { support, term: refTerm([newHead, ...operands], t.loc) };
  }

  private call(operator: RefTerm, args: Term[], loc: Location): Expanded {
    const support: Expr[] = [];
    const newArgs = args.map((a) => {
      const r = this.term(a);
      support.push(...r.support);
      return r.term;
    });
    const out = varTerm(this.ctx.fresh(), loc);
    const expr: CallExpr = { kind: 'call', loc, negated: false, with: [], generated: true, operator, args: [...newArgs, out] };
    const target = this.target(operator, args.length, false);
    if (target) expr.target = target;
    support.push(expr);
    return { support, term: out };
  }

  /** Resolves the call target and checks arity; `statement` allows one extra (output) argument. */
  private target(op: RefTerm, argCount: number, statement: boolean, anyArity = false): CallTarget | undefined {
    const name = refName(op);
    if (name === undefined) {
      this.ctx.error('rego_unsupported_error', `unsupported: dynamic function call ${refToString(op)}`, op.loc);
      return undefined;
    }
    if (name.startsWith('data.')) {
      const path = name.slice(5);
      const arity = this.rules.functions.get(path);
      if (arity === undefined) {
        const message = this.rules.paths.has(path) ? `${name} is not a function` : `undefined function ${name}`;
        this.ctx.error('rego_type_error', message, op.loc);
        return undefined;
      }
      if (!anyArity) this.checkArity(name, arity, argCount, statement, op.loc);
      return { kind: 'function', path: path.split('.'), arity };
    }
    const builtin = this.ctx.builtins.lookupBuiltin(name);
    if (!builtin) {
      this.ctx.error('rego_type_error', `undefined function ${name}`, op.loc);
      return undefined;
    }
    if (!anyArity) this.checkArity(name, builtin.arity, argCount, statement, op.loc);
    return { kind: 'builtin', name, arity: builtin.arity };
  }

  private checkArity(name: string, arity: number, got: number, statement: boolean, loc: Location): void {
    if (got === arity || (statement && got === arity + 1)) return;
    this.ctx.error('rego_type_error', `${name}: arity mismatch: takes ${arity} argument${arity === 1 ? '' : 's'}, got ${got}`, loc);
  }
}

export function eqExpr(a: Term, b: Term, loc: Location): CallExpr {
  return {
    kind: 'call', loc, negated: false, with: [], generated: true, operator: operatorRef('eq', loc), args: [a, b],
    target: { kind: 'builtin', name: 'eq', arity: 2 },
  };
}
