/**
 * Rule groups by data path: kind conflicts, defaults, overlapping paths, recursion and the
 * dependency order the planner needs.
 */
import type { Body, Expr, Module, RefTerm, Rule, RuleGroup, RuleKind, Term } from '../ast/types.js';
import type { CheckContext } from './context.js';

const KIND_NAMES: Record<RuleKind, string> = {
  complete: 'complete rule', set: 'multi-value rule (contains)', object: 'single-value rule with variables in its ref', function: 'function',
};

/** Absolute path strings of a package: `data.a.b` -> ['a', 'b']. */
export function packagePath(module: Module): string[] {
  return module.package.path.terms.slice(1).map((t) => (t.type === 'string' ? t.value : ''));
}

/** Ground prefix of a rule's ref relative to `data` (package path + leading scalar operands). */
export function groupPath(pkg: string[], rule: Rule): string[] {
  const [head, ...rest] = rule.head.ref.terms;
  const path = [...pkg, head!.type === 'var' ? head!.name : ''];
  for (const t of rest) {
    if (t.type === 'string') path.push(t.value);
    else if (t.type === 'number' || t.type === 'boolean' || t.type === 'null') path.push(t.type === 'number' ? t.text : String(t.type === 'null' ? null : t.value));
    else break;
  }
  return path;
}

/**
 * The kind of the document a rule contributes to at its ground prefix. A multi-value rule with a
 * variable in its ref (`p[x] contains y`) builds an object there whose leaves are sets, so it
 * joins an `object` group; its own head keeps kind `set`.
 */
function groupKind(rule: Rule, groundLength: number): RuleKind {
  if (rule.head.kind === 'set' && groundLength !== rule.head.ref.terms.length) return 'object';
  return rule.head.kind;
}

/** A rule of an object group that adds elements to sets at its leaves. */
export function isMultiValue(rule: Rule): boolean {
  return rule.head.kind === 'set';
}

/** Builds groups from raw (parsed) rules and reports conflicts; rules are kept by reference. */
export function buildGroups(ctx: CheckContext, modules: Module[]): Map<string, RuleGroup> {
  const groups = new Map<string, RuleGroup>();
  for (const module of modules) {
    const pkg = packagePath(module);
    for (const rule of module.rules) {
      const path = groupPath(pkg, rule);
      const key = path.join('.');
      const kind = groupKind(rule, path.length - pkg.length);
      let group = groups.get(key);
      if (!group) {
        group = { path, kind, rules: [] };
        if (rule.head.kind === 'function') group.arity = rule.head.args!.length;
        groups.set(key, group);
      }
      if (group.kind !== kind) {
        ctx.error('rego_type_error', `conflicting rules data.${key} found: ${KIND_NAMES[group.kind]} and ${KIND_NAMES[rule.head.kind]}`, rule.loc);
        continue;
      }
      if (kind === 'object' && group.rules.length > 0 && isMultiValue(group.rules[0]!) !== isMultiValue(rule)) {
        ctx.error('rego_unsupported_error', `unsupported: multi-value and single-value rules with variables in their refs under one path: data.${key}`, rule.loc);
        continue;
      }
      if (group.kind === 'function' && group.arity !== rule.head.args!.length) {
        ctx.error('rego_type_error', `conflicting rules data.${key} found: functions with ${group.arity} and ${rule.head.args!.length} arguments`, rule.loc);
        continue;
      }
      if (rule.default) {
        if (group.default) ctx.error('rego_type_error', `multiple default rules data.${key} found`, rule.loc);
        else group.default = rule;
        if (rule.head.kind === 'set' || rule.head.kind === 'object') {
          ctx.error('rego_type_error', `default rules must not have variables in their ref: data.${key}`, rule.loc);
        }
      } else {
        group.rules.push(rule);
      }
    }
  }
  mergeIntoObjectGroups(groups);
  reportOverlaps(ctx, groups, modules);
  return groups;
}

/**
 * `p.q[s] := 2` together with `p.q.r := 1`: a complete rule under a path whose rules have
 * variables in their ref contributes one more key to the same object, as in OPA (a duplicate key
 * with a different value is a conflict at evaluation). Such complete rules join the object group.
 */
function mergeIntoObjectGroups(groups: Map<string, RuleGroup>): void {
  for (const [key, group] of groups) {
    if (group.kind !== 'object') continue;
    const multi = group.rules.some(isMultiValue);
    for (const [otherKey, other] of [...groups]) {
      if (!otherKey.startsWith(`${key}.`) || other.default) continue;
      // Multi-value rules under a longer ground prefix add to the same object (`obj[x][x] contains x`
      // with `obj.sub[x][x] contains x` or `obj.a contains 1`), as in OPA.
      if (multi && (other.kind === 'set' || (other.kind === 'object' && other.rules.every(isMultiValue)))) {
        group.rules.push(...other.rules);
        groups.delete(otherKey);
        continue;
      }
      if (multi || other.kind !== 'complete') continue;
      if (other.rules.some((r) => r.else)) continue;
      group.rules.push(...other.rules);
      groups.delete(otherKey);
    }
  }
}

function reportOverlaps(ctx: CheckContext, groups: Map<string, RuleGroup>, modules: Module[]): void {
  const keys = [...groups.keys()];
  for (const key of keys) {
    const group = groups.get(key)!;
    for (const other of keys) {
      if (other.startsWith(`${key}.`)) {
        const rule = groups.get(other)!.rules[0] ?? groups.get(other)!.default!;
        ctx.error('rego_type_error', `rule data.${other} conflicts with rule data.${key}${group.kind === 'object' ? ' (unsupported: default, else or non-complete rules under a rule with variables in its ref)' : ''}`, rule.loc);
      }
    }
    for (const module of modules) {
      const pkg = packagePath(module).join('.');
      if (pkg.startsWith(`${key}.`) || pkg === key) {
        ctx.error('rego_type_error', `package data.${pkg} conflicts with rule data.${key}`, module.package.loc);
      }
    }
  }
}

/**
 * A data path a body reads: strings, `null` for a variable operand (matches any key) and
 * `false` for a non-string scalar operand (matches no rule).
 */
export type DepPath = Array<string | null | false>;

/** Data paths a normalised body reads or calls (refs rooted at `data`). */
export function dependencies(body: Body, into: DepPath[] = []): DepPath[] {
  const term = (t: Term): void => {
    switch (t.type) {
      case 'ref': {
        const head = t.terms[0]!;
        if (head.type === 'var' && head.name === 'data') into.push(depPath(t));
        t.terms.forEach(term);
        return;
      }
      case 'array': case 'set': t.items.forEach(term); return;
      case 'object': t.entries.forEach(([k, v]) => { term(k); term(v); }); return;
      case 'call': t.args.forEach(term); return;
      case 'arraycomprehension': case 'setcomprehension': term(t.term); dependencies(t.body, into); return;
      case 'objectcomprehension': term(t.key); term(t.value); dependencies(t.body, into); return;
      default: return;
    }
  };
  const expr = (e: Expr): void => {
    for (const w of e.with) if (!w.valueTarget) term(w.value);
    if (e.kind === 'term') term(e.term);
    if (e.kind === 'call') {
      if (e.target?.kind === 'function') into.push(e.target.path);
      for (const w of e.with) if (w.valueTarget?.kind === 'function') into.push(w.valueTarget.path);
      e.args.forEach(term);
    }
    if (e.kind === 'every') {
      term(e.domain);
      dependencies(e.body, into);
    }
  };
  body.forEach(expr);
  return into;
}

function depPath(ref: RefTerm): DepPath {
  return ref.terms.slice(1).map((t) => (t.type === 'string' ? t.value : t.type === 'var' || t.type === 'ref' ? null : false));
}

/** A rule at `path` may be read by a ref matching `dep` (variables match any key). */
function matches(path: string[], dep: DepPath): boolean {
  for (let i = 0; i < Math.min(path.length, dep.length); i++) {
    const d = dep[i];
    if (d === false) return false;
    if (d !== null && d !== path[i]) return false;
  }
  return true;
}

/** Group keys each group depends on. */
export function dependencyGraph(groups: Map<string, RuleGroup>, depsOf: (g: RuleGroup) => DepPath[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [key, group] of groups) {
    const edges = new Set<string>();
    for (const dep of depsOf(group)) {
      for (const [other, g] of groups) if (matches(g.path, dep)) edges.add(other);
    }
    graph.set(key, edges);
  }
  return graph;
}

/** Reports cycles and returns keys in dependency order (dependencies first). */
export function orderGroups(ctx: CheckContext, groups: Map<string, RuleGroup>, graph: Map<string, Set<string>>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const reported = new Set<string>();
  const visit = (key: string, stack: string[]): void => {
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(key)), key];
      if (!cycle.some((k) => reported.has(k))) {
        cycle.forEach((k) => reported.add(k));
        const group = groups.get(key)!;
        const rule = group.rules[0] ?? group.default!;
        ctx.error('rego_recursion_error', `rule data.${key} is recursive: ${cycle.map((k) => `data.${k}`).join(' -> ')}`, rule.loc);
      }
      return;
    }
    state.set(key, 'visiting');
    for (const dep of [...(graph.get(key) ?? [])].sort()) visit(dep, [...stack, key]);
    state.set(key, 'done');
    order.push(key);
  };
  for (const key of groups.keys()) visit(key, []);
  return order;
}
