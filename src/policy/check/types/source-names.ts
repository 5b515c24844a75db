/**
 * The names variables have in the source, by position: the checks rename locals (`x` becomes
 * `__local3__`) but keep each occurrence's location, so a type error can name a variable as the
 * author wrote it, as OPA's does. A position where a call starts is left out: the output variable
 * the checks lift a call into takes the call's position, which is also where its operator's name
 * (or its first operand) is written.
 */
import type { Body, Expr, Location, Module, Rule, Term } from '../../compiler/ast/types.js';

export type SourceNames = ReadonlyMap<string, string>;

export function locationKey(loc: Location): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

class NameCollector {
  readonly names = new Map<string, string>();
  private readonly callStarts = new Set<string>();

  result(): SourceNames {
    for (const key of this.callStarts) this.names.delete(key);
    return this.names;
  }

  rule(rule: Rule): void {
    for (let r: Rule | undefined = rule; r; r = r.else) {
      for (const t of [...r.head.ref.terms.slice(1), ...(r.head.args ?? []), r.head.key, r.head.value]) if (t) this.term(t);
      this.body(r.body);
    }
  }

  private body(body: Body): void {
    for (const e of body) this.expr(e);
  }

  private expr(e: Expr): void {
    for (const w of e.with) this.term(w.value);
    switch (e.kind) {
      case 'term': this.term(e.term); return;
      // A call expression stays itself (`x := 1`, `a == b`): only call terms are lifted into variables.
      case 'call': e.args.forEach((a) => this.term(a)); return;
      case 'some': e.vars.forEach((v) => this.term(v)); return;
      case 'somein': [e.key, e.value, e.domain].forEach((t) => t && this.term(t)); return;
      case 'every': [e.key, e.value, e.domain].forEach((t) => t && this.term(t)); this.body(e.body); return;
    }
  }

  private term(t: Term): void {
    switch (t.type) {
      case 'var': this.names.set(locationKey(t.loc), t.name); return;
      case 'ref': t.terms.forEach((x) => this.term(x)); return;
      case 'array': case 'set': t.items.forEach((x) => this.term(x)); return;
      case 'object': t.entries.forEach(([k, v]) => { this.term(k); this.term(v); }); return;
      case 'call':
        this.callStarts.add(locationKey(t.loc));
        t.args.forEach((x) => this.term(x));
        return;
      case 'arraycomprehension': case 'setcomprehension': this.term(t.term); this.body(t.body); return;
      case 'objectcomprehension': this.term(t.key); this.term(t.value); this.body(t.body); return;
      case 'templatestring': for (const p of t.parts) if (typeof p !== 'string') this.expr(p); return;
      default: return;
    }
  }
}

/** Where each variable of the parsed modules is written, and its name there. */
export function sourceNames(modules: readonly Module[]): SourceNames {
  const collector = new NameCollector();
  for (const m of modules) for (const r of m.rules) collector.rule(r);
  return collector.result();
}
