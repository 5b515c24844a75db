/**
 * Safety (OPA's reorderBodyForSafety + checkSafety): expressions are reordered so that every
 * variable is bound before it is read; variables that no ordering can bind are reported as unsafe.
 * Runs on flattened, renamed bodies (variable names are unique per rule).
 */
import type { Body, Expr, Location, Term, VarTerm } from '../ast/types.js';
import type { CheckContext } from './context.js';
import { forEachVar, forEachVarInBody, forEachVarInExpr } from './walk.js';

type VarSet = Set<string>;

const ROOTS = new Set(['input', 'data']);

export class SafetyChecker {
  constructor(private readonly ctx: CheckContext, private readonly wildcards: Set<string>) {}

  /**
   * Reorders `body` given the vars already bound (`safe`) and the vars of enclosing scopes
   * (`known`); returns the new body and the vars bound after it. `required` terms (rule head,
   * comprehension head) must be fully bound at the end.
   */
  reorder(body: Body, safe: VarSet, known: VarSet, required: Term[] = []): { body: Body; safe: VarSet } {
    const levelKnown = new Set(known);
    for (const v of safe) levelKnown.add(v);
    forEachVarInBody(body, (v) => levelKnown.add(v.name), true);
    for (const t of required) forEachVar(t, (v) => levelKnown.add(v.name), true);

    const bound = new Set(safe);
    const remaining = [...body];
    const out: Body = [];
    for (;;) {
      const index = remaining.findIndex((e) => this.outputs(e, bound, levelKnown) !== undefined);
      if (index < 0) break;
      const expr = remaining.splice(index, 1)[0]!;
      const outputs = this.outputs(expr, bound, levelKnown)!;
      out.push(...this.splitSelfBinding(expr, bound, levelKnown).map((e) => this.nested(e, bound, levelKnown)));
      for (const v of outputs) bound.add(v);
    }
    for (const expr of remaining) this.reportUnsafe(expr, bound, levelKnown);
    for (const t of required) this.reportUnsafeTerm(t, bound, levelKnown);
    // A body can be stuck only because of an earlier error (e.g. a bad call); say so only if alone.
    if (remaining.length > 0 && this.ctx.diagnostics.length === 0) {
      this.ctx.error('rego_unsafe_var_error', 'expression is unsafe', remaining[0]!.loc);
    }
    return { body: [...out, ...remaining], safe: bound };
  }

  /**
   * `foo == input.foos[foo]`: a call whose ref argument binds a var that another argument reads.
   * The ref is evaluated first into a fresh var (`__l = input.foos[foo]; foo == __l`), so the
   * planner can evaluate arguments left to right.
   */
  private splitSelfBinding(e: Expr, safe: VarSet, known: VarSet): Expr[] {
    if (e.kind !== 'call' || e.negated || isEq(e)) return [e];
    const bindsFromRefs = new Set<string>();
    for (const a of e.args) if (a.type === 'ref') for (const v of this.refOutputs(a, safe)) bindsFromRefs.add(v);
    if (bindsFromRefs.size === 0) return [e];
    const readElsewhere = e.args.some((a) => a.type !== 'ref' && [...this.needs(a, known)].some((v) => bindsFromRefs.has(v)));
    if (!readElsewhere) return [e];
    const lifted: Expr[] = [];
    const args = e.args.map((a) => {
      if (a.type !== 'ref' || this.refOutputs(a, safe).size === 0) return a;
      const v: VarTerm = { type: 'var', name: this.ctx.fresh(), loc: a.loc };
      lifted.push({
        kind: 'call', loc: a.loc, negated: false, generated: true, with: e.with,
        operator: { type: 'ref', terms: [{ type: 'var', name: 'eq', loc: a.loc }], loc: a.loc }, args: [v, a],
        target: { kind: 'builtin', name: 'eq', arity: 2 },
      });
      return v;
    });
    return [...lifted, { ...e, args }];
  }

  // ---- scheduling ----

  /** Vars an expression binds when it can run now, or undefined when it cannot run yet. */
  private outputs(e: Expr, safe: VarSet, known: VarSet): VarSet | undefined {
    for (const w of e.with) if (!w.valueTarget && !this.subset(this.needs(w.value, known), safe)) return undefined;
    if (e.negated) return this.negatedReady(e, safe, known) ? new Set() : undefined;
    switch (e.kind) {
      case 'term': {
        const outs = this.refOutputs(e.term, safe);
        return this.ready(minus(this.needs(e.term, known), outs), safe) ? outs : undefined;
      }
      case 'call': return this.callOutputs(e.args, e.target?.arity, safe, known, isEq(e));
      case 'every': {
        if (!this.subset(this.needs(e.domain, known), safe)) return undefined;
        const closure = this.closureVars(e.body, [e.domain], known);
        closure.delete(e.value.name);
        if (e.key) closure.delete(e.key.name);
        return this.subset(closure, safe) ? new Set() : undefined;
      }
      default: return new Set();
    }
  }

  private callOutputs(args: Term[], arity: number | undefined, safe: VarSet, known: VarSet, eq: boolean): VarSet | undefined {
    if (eq) return this.unify(args[0]!, args[1]!, safe, known);
    const inputs = arity !== undefined && args.length === arity + 1 ? args.slice(0, -1) : args;
    const needs = new Set<string>();
    const outs = new Set<string>();
    for (const a of inputs) {
      for (const v of this.needs(a, known)) needs.add(v);
      for (const v of this.refOutputs(a, safe)) outs.add(v);
    }
    if (!this.ready(minus(needs, outs), safe)) return undefined;
    if (inputs.length < args.length) {
      const out = args[args.length - 1]!;
      if (!this.subset(this.patternNeeds(out, known), safe)) return undefined;
      for (const v of this.patternOutputs(out, safe)) outs.add(v);
    }
    return outs;
  }

  /** Unification `a = b`: one side evaluable binds the other side's pattern vars; arrays/objects pairwise. */
  private unify(a: Term, b: Term, safe: VarSet, known: VarSet): VarSet | undefined {
    const evaluable = (t: Term): boolean => this.ready(this.needs(t, known), safe);
    const bind = (value: Term, pattern: Term): VarSet | undefined => {
      if (!this.subset(this.patternNeeds(pattern, known), safe)) return undefined;
      const out = this.patternOutputs(pattern, safe);
      for (const v of this.refOutputs(value, safe)) out.add(v);
      return out;
    };
    if (evaluable(a)) return bind(a, b);
    if (evaluable(b)) return bind(b, a);
    if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
      const scratch = new Set(safe);
      const out = new Set<string>();
      const pending = a.items.map((x, i) => [x, b.items[i]!] as const);
      while (pending.length > 0) {
        const i = pending.findIndex(([x, y]) => this.unify(x, y, scratch, known) !== undefined);
        if (i < 0) return undefined;
        const [x, y] = pending.splice(i, 1)[0]!;
        for (const v of this.unify(x, y, scratch, known)!) {
          out.add(v);
          scratch.add(v);
        }
      }
      return out;
    }
    if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
      const pairs: Array<[Term, Term]> = [];
      for (const [k, v] of a.entries) {
        const match = b.entries.find(([k2]) => JSON.stringify(stripLoc(k2)) === JSON.stringify(stripLoc(k)));
        if (!match) return undefined;
        pairs.push([v, match[1]]);
      }
      return this.unify({ type: 'array', items: pairs.map((p) => p[0]), loc: a.loc }, { type: 'array', items: pairs.map((p) => p[1]), loc: b.loc }, safe, known);
    }
    return undefined;
  }

  private negatedReady(e: Expr, safe: VarSet, known: VarSet): boolean {
    const all = new Set<string>();
    forEachVarInExpr(e, (v) => all.add(v.name), true);
    this.collectClosures(e, known, all);
    for (const v of all) {
      if (ROOTS.has(v) || safe.has(v)) continue;
      if (this.wildcards.has(v)) continue;
      return false;
    }
    return true;
  }

  private collectClosures(e: Expr, known: VarSet, into: VarSet): void {
    const visit = (t: Term): void => {
      if (t.type === 'arraycomprehension' || t.type === 'setcomprehension' || t.type === 'objectcomprehension') {
        for (const v of this.needs(t, known)) into.add(v);
      }
    };
    const walkTerm = (t: Term): void => {
      visit(t);
      if (t.type === 'ref') t.terms.forEach(walkTerm);
      if (t.type === 'array' || t.type === 'set') t.items.forEach(walkTerm);
      if (t.type === 'object') t.entries.forEach(([k, v]) => { walkTerm(k); walkTerm(v); });
    };
    if (e.kind === 'term') walkTerm(e.term);
    if (e.kind === 'call') e.args.forEach(walkTerm);
  }

  // ---- var classification ----

  private ready(needs: VarSet, safe: VarSet): boolean {
    return this.subset(needs, safe);
  }

  private subset(a: VarSet, b: VarSet): boolean {
    for (const v of a) if (!b.has(v) && !ROOTS.has(v)) return false;
    return true;
  }

  /** Vars that must be bound before `t` can be evaluated as a value. Ref operand vars are outputs. */
  needs(t: Term, known: VarSet): VarSet {
    const out = new Set<string>();
    const visit = (x: Term, asOperand: boolean): void => {
      switch (x.type) {
        case 'var': if (!asOperand) out.add(x.name); return;
        case 'ref': {
          const [head, ...rest] = x.terms;
          visit(head!, false);
          rest.forEach((r) => visit(r, true));
          return;
        }
        case 'array': case 'set': x.items.forEach((i) => visit(i, asOperand)); return;
        case 'object': x.entries.forEach(([k, v]) => { visit(k, asOperand); visit(v, asOperand); }); return;
        case 'call': x.args.forEach((a) => visit(a, false)); return;
        case 'arraycomprehension': case 'setcomprehension': case 'objectcomprehension':
          for (const v of this.closureVars(bodyOf(x), headTermsOf(x), known)) out.add(v);
          return;
        default: return;
      }
    };
    visit(t, false);
    return out;
  }

  /** Vars of a nested body (and its head terms) that belong to an enclosing scope. */
  private closureVars(body: Body, extra: Term[], known: VarSet): VarSet {
    const out = new Set<string>();
    forEachVarInBody(body, (v) => { if (known.has(v.name)) out.add(v.name); });
    for (const t of extra) forEachVar(t, (v) => { if (known.has(v.name)) out.add(v.name); });
    return out;
  }

  /** Unbound vars in ref operands of `t` (bound by iteration). */
  private refOutputs(t: Term, safe: VarSet): VarSet {
    const out = new Set<string>();
    const visit = (x: Term, operand: boolean): void => {
      switch (x.type) {
        case 'var': if (operand && !safe.has(x.name)) out.add(x.name); return;
        case 'ref': x.terms.forEach((r, i) => visit(r, i > 0)); return;
        case 'array': case 'set': x.items.forEach((i) => visit(i, operand)); return;
        case 'object': x.entries.forEach(([k, v]) => { visit(k, operand); visit(v, operand); }); return;
        default: return;
      }
    };
    visit(t, false);
    return out;
  }

  /** Vars a pattern needs bound beforehand: object keys, set elements, refs and closures. */
  private patternNeeds(t: Term, known: VarSet): VarSet {
    switch (t.type) {
      case 'var': return new Set();
      case 'array': return union(t.items.map((i) => this.patternNeeds(i, known)));
      case 'object': return union(t.entries.flatMap(([k, v]) => [this.needs(k, known), this.patternNeeds(v, known)]));
      default: return this.needs(t, known);
    }
  }

  /** Vars a pattern binds: vars, array items, object values, ref operands. */
  private patternOutputs(t: Term, safe: VarSet): VarSet {
    switch (t.type) {
      case 'var': return safe.has(t.name) || ROOTS.has(t.name) ? new Set() : new Set([t.name]);
      case 'array': return union(t.items.map((i) => this.patternOutputs(i, safe)));
      case 'object': return union(t.entries.map(([, v]) => this.patternOutputs(v, safe)));
      default: return this.refOutputs(t, safe);
    }
  }

  // ---- nested bodies ----

  /** Reorders comprehension and every bodies inside a scheduled expression. */
  private nested(e: Expr, safe: VarSet, known: VarSet): Expr {
    const term = (t: Term): Term => this.nestedTerm(t, safe, known);
    const withs = e.with.map((w) => (w.valueTarget ? w : { ...w, value: term(w.value) }));
    switch (e.kind) {
      case 'term': return { ...e, with: withs, term: term(e.term) };
      case 'call': return { ...e, with: withs, args: e.args.map(term) };
      case 'every': {
        const inner = new Set(safe);
        inner.add(e.value.name);
        if (e.key) inner.add(e.key.name);
        return { ...e, with: withs, domain: term(e.domain), body: this.reorder(e.body, inner, known).body };
      }
      default: return e;
    }
  }

  /** Reorders comprehension bodies inside a rule head term, given the vars the body binds. */
  headTerm(t: Term, safe: VarSet, known: VarSet): Term {
    return this.nestedTerm(t, safe, known);
  }

  private nestedTerm(t: Term, safe: VarSet, known: VarSet): Term {
    const rec = (x: Term): Term => this.nestedTerm(x, safe, known);
    switch (t.type) {
      case 'ref': return { ...t, terms: t.terms.map(rec) };
      case 'array': case 'set': return { ...t, items: t.items.map(rec) };
      case 'object': return { ...t, entries: t.entries.map(([k, v]) => [rec(k), rec(v)] as [Term, Term]) };
      case 'arraycomprehension': case 'setcomprehension': {
        const r = this.reorder(t.body, safe, known, [t.term]);
        return { ...t, body: r.body };
      }
      case 'objectcomprehension': {
        const r = this.reorder(t.body, safe, known, [t.key, t.value]);
        return { ...t, body: r.body };
      }
      default: return t;
    }
  }

  // ---- errors ----

  private reportUnsafe(e: Expr, safe: VarSet, known: VarSet): void {
    const seen = new Set<string>();
    const report = (v: VarTerm): void => {
      if (safe.has(v.name) || ROOTS.has(v.name) || seen.has(v.name)) return;
      if (e.negated && this.wildcards.has(v.name)) return;
      seen.add(v.name);
      this.unsafe(v.name, v.loc);
    };
    forEachVarInExpr(e, report, true);
    const closure = new Set<string>();
    this.collectClosures(e, known, closure);
    for (const name of closure) {
      if (!safe.has(name) && !seen.has(name)) {
        seen.add(name);
        this.unsafe(name, e.loc);
      }
    }
  }

  private reportUnsafeTerm(t: Term, safe: VarSet, known: VarSet): void {
    const seen = new Set<string>();
    forEachVar(t, (v) => {
      if (safe.has(v.name) || ROOTS.has(v.name) || seen.has(v.name)) return;
      seen.add(v.name);
      this.unsafe(v.name, v.loc);
    }, true);
    for (const v of this.needs(t, known)) {
      if (!safe.has(v) && !seen.has(v) && !ROOTS.has(v)) {
        seen.add(v);
        this.unsafe(v, t.loc);
      }
    }
  }

  /** Generated vars are only unsafe because some source var is: report source vars alone. */
  private unsafe(name: string, loc: Location): void {
    if (!this.wildcards.has(name) && !this.ctx.sourceNames.has(name) && name.startsWith('__local')) return;
    const display = this.wildcards.has(name) ? '_' : this.ctx.displayName(name);
    this.ctx.error('rego_unsafe_var_error', `var ${display} is unsafe`, loc);
  }
}

function isEq(e: Expr): boolean {
  if (e.kind !== 'call') return false;
  const head = e.operator.terms[0];
  return e.operator.terms.length === 1 && head?.type === 'var' && head.name === 'eq';
}

function minus(a: VarSet, b: VarSet): VarSet {
  const out = new Set<string>();
  for (const v of a) if (!b.has(v)) out.add(v);
  return out;
}

function union(sets: VarSet[]): VarSet {
  const out = new Set<string>();
  for (const s of sets) for (const v of s) out.add(v);
  return out;
}

function bodyOf(t: Term): Body {
  return t.type === 'arraycomprehension' || t.type === 'setcomprehension' || t.type === 'objectcomprehension' ? t.body : [];
}

function headTermsOf(t: Term): Term[] {
  if (t.type === 'objectcomprehension') return [t.key, t.value];
  if (t.type === 'arraycomprehension' || t.type === 'setcomprehension') return [t.term];
  return [];
}

function stripLoc(t: Term): unknown {
  return JSON.parse(JSON.stringify(t, (k, v: unknown) => (k === 'loc' ? undefined : v)));
}
