import type { Body, Expr, Rule, Term, VarTerm } from '../compiler/ast/types.js';

/** Calls `f` on every var of a term, comprehensions, call operators and template parts included. */
export function eachVar(t: Term, f: (v: VarTerm) => void): void {
  switch (t.type) {
    case 'var': f(t); return;
    case 'ref': t.terms.forEach((x) => eachVar(x, f)); return;
    case 'array': case 'set': t.items.forEach((x) => eachVar(x, f)); return;
    case 'object': t.entries.forEach(([k, v]) => { eachVar(k, f); eachVar(v, f); }); return;
    case 'call': eachVar(t.operator, f); t.args.forEach((x) => eachVar(x, f)); return;
    case 'arraycomprehension': case 'setcomprehension': eachVar(t.term, f); eachVarInBody(t.body, f); return;
    case 'objectcomprehension': eachVar(t.key, f); eachVar(t.value, f); eachVarInBody(t.body, f); return;
    case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') eachVarInExpr(p, f); return;
    default: return;
  }
}

export function eachVarInExpr(e: Expr, f: (v: VarTerm) => void): void {
  for (const w of e.with) {
    eachVar(w.target, f);
    eachVar(w.value, f);
  }
  switch (e.kind) {
    case 'term': eachVar(e.term, f); return;
    case 'call': eachVar(e.operator, f); e.args.forEach((a) => eachVar(a, f)); return;
    case 'some': e.vars.forEach(f); return;
    case 'somein': if (e.key) eachVar(e.key, f); eachVar(e.value, f); eachVar(e.domain, f); return;
    case 'every':
      eachVar(e.domain, f);
      if (e.key) f(e.key);
      f(e.value);
      eachVarInBody(e.body, f);
      return;
  }
}

export function eachVarInBody(body: Body, f: (v: VarTerm) => void): void {
  for (const e of body) eachVarInExpr(e, f);
}

/** Every var of a rule: head (ref operands, arguments, key, value) and body, through its else chain. */
export function eachVarInRule(rule: Rule, f: (v: VarTerm) => void): void {
  for (let r: Rule | undefined = rule; r; r = r.else) {
    eachVar(r.head.ref, f);
    for (const a of r.head.args ?? []) eachVar(a, f);
    if (r.head.key) eachVar(r.head.key, f);
    if (r.head.value) eachVar(r.head.value, f);
    eachVarInBody(r.body, f);
  }
}

/** Calls `f` on every expression of a body, descending into comprehensions, `every` and templates. */
export function eachExpr(body: Body, f: (e: Expr) => void): void {
  for (const e of body) f(e);
  eachScopeIn(body, (scope) => eachExpr(scope.body, f));
}

/** The scopes of a rule's head terms (comprehensions in the value or key). */
export function eachScopeInHead(rule: Rule, f: (scope: NestedScope) => void): void {
  for (const t of [...rule.head.ref.terms.slice(1), ...(rule.head.key ? [rule.head.key] : []), ...(rule.head.value ? [rule.head.value] : [])]) {
    eachNestedScope(t, f);
  }
}

/** A body that opens a scope of its own, with the term around it (its vars may use the body's). */
export interface NestedScope {
  body: Body;
  /** Visits every var of the whole construct: comprehension head and body, or the `every` body. */
  eachVar(f: (v: VarTerm) => void): void;
}

/** The comprehensions nested in a term (not inside one another: each scope walks its own body). */
export function eachNestedScope(t: Term, f: (scope: NestedScope) => void): void {
  switch (t.type) {
    case 'ref': t.terms.forEach((x) => eachNestedScope(x, f)); return;
    case 'array': case 'set': t.items.forEach((x) => eachNestedScope(x, f)); return;
    case 'object': t.entries.forEach(([k, v]) => { eachNestedScope(k, f); eachNestedScope(v, f); }); return;
    case 'call': t.args.forEach((x) => eachNestedScope(x, f)); return;
    case 'arraycomprehension': case 'setcomprehension': case 'objectcomprehension':
      f({ body: t.body, eachVar: (g) => eachVar(t, g) });
      return;
    case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') f({ body: [p], eachVar: (g) => eachVarInExpr(p, g) }); return;
    default: return;
  }
}

/** The scopes directly inside a body: its comprehensions and `every` bodies. */
export function eachScopeIn(body: Body, f: (scope: NestedScope) => void): void {
  for (const e of body) {
    for (const w of e.with) eachNestedScope(w.value, f);
    if (e.kind === 'term') eachNestedScope(e.term, f);
    if (e.kind === 'call') e.args.forEach((a) => eachNestedScope(a, f));
    if (e.kind === 'somein') [e.value, e.domain, ...(e.key ? [e.key] : [])].forEach((t) => eachNestedScope(t, f));
    if (e.kind === 'every') {
      eachNestedScope(e.domain, f);
      const inner = e.body;
      f({ body: inner, eachVar: (g) => eachVarInBody(inner, g) });
    }
  }
}
