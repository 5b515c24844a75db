import type { Body, Expr, Term, VarTerm } from '../ast/types.js';

/** Calls `f` on every var occurring in `t`, including inside comprehensions (unless `shallow`). */
export function forEachVar(t: Term, f: (v: VarTerm) => void, shallow = false): void {
  switch (t.type) {
    case 'var': f(t); return;
    case 'ref': t.terms.forEach((x) => forEachVar(x, f, shallow)); return;
    case 'array': case 'set': t.items.forEach((x) => forEachVar(x, f, shallow)); return;
    case 'object': t.entries.forEach(([k, v]) => { forEachVar(k, f, shallow); forEachVar(v, f, shallow); }); return;
    case 'call': t.operator.terms.slice(1).forEach((x) => forEachVar(x, f, shallow)); t.args.forEach((x) => forEachVar(x, f, shallow)); return;
    case 'arraycomprehension': case 'setcomprehension':
      if (shallow) return;
      forEachVar(t.term, f); forEachVarInBody(t.body, f); return;
    case 'objectcomprehension':
      if (shallow) return;
      forEachVar(t.key, f); forEachVar(t.value, f); forEachVarInBody(t.body, f); return;
    case 'templatestring':
      for (const p of t.parts) if (typeof p !== 'string') forEachVarInExpr(p, f, shallow);
      return;
    default: return;
  }
}

export function forEachVarInExpr(e: Expr, f: (v: VarTerm) => void, shallow = false): void {
  for (const w of e.with) {
    if (!w.valueTarget) forEachVar(w.value, f, shallow);
  }
  switch (e.kind) {
    case 'term': forEachVar(e.term, f, shallow); return;
    case 'call': e.args.forEach((a) => forEachVar(a, f, shallow)); return;
    case 'some': e.vars.forEach(f); return;
    case 'somein': if (e.key) forEachVar(e.key, f, shallow); forEachVar(e.value, f, shallow); forEachVar(e.domain, f, shallow); return;
    case 'every':
      forEachVar(e.domain, f, shallow);
      if (shallow) return;
      if (e.key) f(e.key);
      f(e.value);
      forEachVarInBody(e.body, f);
      return;
  }
}

export function forEachVarInBody(body: Body, f: (v: VarTerm) => void, shallow = false): void {
  for (const e of body) forEachVarInExpr(e, f, shallow);
}

/** Names of the vars in `t` (deep). */
export function varNames(t: Term): Set<string> {
  const out = new Set<string>();
  forEachVar(t, (v) => out.add(v.name));
  return out;
}
