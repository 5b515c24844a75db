/**
 * `rego.metadata.chain()` and `rego.metadata.rule()` are constants of the rule they are called in,
 * so, as OPA's compiler does (rewriteRegoMetadataCalls), each call is replaced by its value before
 * the other checks run: the module and the evaluator then see a plain array or object.
 *
 * The chain (OPA's AnnotationSet.Chain): the rule's own `rule`-scope annotations (closest block
 * first; an entry with only the path when there is none), then the `document` annotation of its
 * path, the `package` annotation of its package (from any module of it), and the `subpackages`
 * annotations from the package outwards. Each entry is `{"path": [...], "annotations": {...}}`,
 * its path without the leading `data`. `rego.metadata.rule()` is the closest `rule`-scope
 * annotation, or `{}`.
 */
import type {
  Body, Expr, Location, Module, Rule, Term, Value, With,
} from '../ast/types.js';
import { refName } from '../ast/terms.js';
import { moduleAnnotations, type Annotation } from './annotations.js';
import type { CheckContext } from './context.js';
import { packagePath } from './groups.js';

const CHAIN = 'rego.metadata.chain';
const RULE = 'rego.metadata.rule';

type PathKey = string;

interface AnnotationSet {
  byRule: Map<Rule, Annotation[]>;
  byPackage: Map<PathKey, Annotation>;
  /** `document` and `subpackages` annotations by path, as OPA's single annotation tree. */
  byPath: Map<PathKey, Annotation>;
  /** Every node of that tree, annotated or not. */
  nodes: Set<PathKey>;
}

/** Modules with every metadata call replaced; unchanged when no rule makes one. */
export function rewriteMetadataCalls(ctx: CheckContext, modules: Module[]): Module[] {
  if (!modules.some((m) => m.rules.some(rulesCall))) return modules;
  const set = buildSet(ctx, modules);
  return modules.map((m) => ({ ...m, rules: m.rules.map((r) => rewriteRule(ctx, set, m, r)) }));
}

function rulesCall(rule: Rule): boolean {
  let found = false;
  mapRule(rule, (name) => {
    if (name === CHAIN || name === RULE) found = true;
    return undefined;
  });
  return found;
}

function buildSet(ctx: CheckContext, modules: Module[]): AnnotationSet {
  const set: AnnotationSet = { byRule: new Map(), byPackage: new Map(), byPath: new Map(), nodes: new Set() };
  // OPA adds modules in name order; that decides which of two clashing blocks is reported.
  const sorted = [...modules].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const module of sorted) {
    for (const a of moduleAnnotations(ctx, module)) add(ctx, set, a);
  }
  return set;
}

function add(ctx: CheckContext, set: AnnotationSet, a: Annotation): void {
  const redeclared = (other: Annotation): void => {
    ctx.error('rego_compile_error', `${a.scope} annotation redeclared: ${other.loc.file}:${other.loc.line}`, a.loc);
  };
  switch (a.scope) {
    case 'rule': {
      if (a.target.kind !== 'rule') return;
      const list = set.byRule.get(a.target.rule) ?? [];
      list.push(a);
      set.byRule.set(a.target.rule, list);
      return;
    }
    case 'package': {
      const key = pathKey(['data', ...packagePath(a.module)]);
      const existing = set.byPackage.get(key);
      if (existing) return redeclared(existing);
      set.byPackage.set(key, a);
      return;
    }
    case 'document':
    case 'subpackages': {
      const path = a.target.kind === 'rule' ? rulePath(a.module, a.target.rule) : ['data', ...packagePath(a.module)];
      if (path === undefined) return unsupportedPath(ctx, a.loc);
      const key = pathKey(path);
      const existing = set.byPath.get(key);
      if (existing) return redeclared(existing);
      // OPA reports a document annotation at an inner node of its tree as redeclared without
      // naming a block; regoc does not reproduce that message.
      if (a.scope === 'document' && set.nodes.has(key)) return unsupportedPath(ctx, a.loc, 'a document annotation on a path that holds annotated subpackages');
      set.byPath.set(key, a);
      for (let n = 1; n <= path.length; n++) set.nodes.add(pathKey(path.slice(0, n)));
      return;
    }
  }
}

function unsupportedPath(ctx: CheckContext, loc: Location, what = 'a rule whose ref holds a composite or non-integer number key'): void {
  ctx.error('rego_unsupported_error', `unsupported: rego.metadata with ${what}`, loc);
}

function pathKey(path: Value[]): PathKey {
  return JSON.stringify(path);
}

/** OPA's rule.Ref().GroundPrefix(): `data`, the package, the name and the leading ground keys. */
function rulePath(module: Module, rule: Rule): Value[] | undefined {
  const [head, ...rest] = rule.head.ref.terms;
  const path: Value[] = ['data', ...packagePath(module), head!.type === 'var' ? head!.name : ''];
  for (const t of rest) {
    if (t.type === 'string' || t.type === 'boolean') path.push(t.value);
    else if (t.type === 'null') path.push(null);
    else if (t.type === 'number') {
      if (!Number.isSafeInteger(Number(t.text)) || String(Number(t.text)) !== t.text) return undefined;
      path.push(Number(t.text));
    } else if (t.type === 'array' || t.type === 'object' || t.type === 'set') {
      return undefined;
    } else break;
  }
  return path;
}

function entry(path: Value[], a?: Annotation): Value {
  const out: { [key: string]: Value } = { path: path.slice(1) };
  if (a) out.annotations = a.value;
  return out;
}

/** Rule-scope annotations of the rule, the block closest to it first. */
function ruleAnnotations(set: AnnotationSet, rule: Rule): Annotation[] {
  return [...(set.byRule.get(rule) ?? [])].sort((x, y) => y.loc.line - x.loc.line || y.loc.col - x.loc.col);
}

function chain(set: AnnotationSet, module: Module, rule: Rule, path: Value[]): Value {
  const own = ruleAnnotations(set, rule);
  const out: Value[] = own.length > 0 ? own.map((a) => entry(path, a)) : [entry(path)];
  const doc = set.byPath.get(pathKey(path));
  if (doc) out.push(entry(path, doc));
  const pkg = ['data', ...packagePath(module)];
  const pkgAnnotation = set.byPackage.get(pathKey(pkg));
  if (pkgAnnotation) out.push(entry(pkg, pkgAnnotation));
  // OPA's tree walk from the root to the package: every annotated node on the way, innermost first.
  for (let n = pkg.length; n >= 1; n--) {
    const a = set.byPath.get(pathKey(pkg.slice(0, n)));
    if (a) out.push(entry(a.target.kind === 'rule' ? rulePath(a.module, a.target.rule)! : ['data', ...packagePath(a.module)], a));
  }
  return out;
}

function ruleMetadata(set: AnnotationSet, rule: Rule): Value {
  return ruleAnnotations(set, rule)[0]?.value ?? {};
}

/** The rule with its calls replaced; an `else` branch has no annotations of its own, as in OPA. */
function rewriteRule(ctx: CheckContext, set: AnnotationSet, module: Module, rule: Rule, isElse = false): Rule {
  // A default value must be a constant as written: the checks reject the call, as OPA's parser does.
  if (rule.default) return rule;
  const elseRule = rule.else ? rewriteRule(ctx, set, module, rule.else, true) : undefined;
  const values = new Map<string, Value>();
  const path = rulePath(module, rule);
  const valueOf = (name: string | undefined): Value | undefined => {
    if (name !== CHAIN && name !== RULE) return undefined;
    if (!values.has(name)) {
      if (path === undefined) {
        unsupportedPath(ctx, rule.loc);
        values.set(name, null);
      } else {
        const noAnnotations: AnnotationSet = { ...set, byRule: new Map() };
        const s = isElse ? noAnnotations : set;
        values.set(name, name === CHAIN ? chain(s, module, rule, path) : ruleMetadata(s, rule));
      }
    }
    return values.get(name);
  };
  const { else: _else, ...own } = rule;
  const mapped = mapRule(own, valueOf);
  if (elseRule) mapped.else = elseRule;
  return mapped;
}

// ---- replacing calls in a parsed rule ----

type Replace = (name: string | undefined) => Value | undefined;

function mapRule(rule: Rule, f: Replace): Rule {
  const head = { ...rule.head };
  if (head.args) head.args = head.args.map((t) => mapTerm(t, f));
  if (head.key) head.key = mapTerm(head.key, f);
  if (head.value) head.value = mapTerm(head.value, f);
  head.ref = { ...head.ref, terms: head.ref.terms.map((t) => mapTerm(t, f)) };
  const out: Rule = { ...rule, head, body: mapBody(rule.body, f) };
  if (rule.else) out.else = mapRule(rule.else, f);
  return out;
}

function mapBody(body: Body, f: Replace): Body {
  return body.map((e) => mapExpr(e, f));
}

function mapWith(w: With, f: Replace): With {
  return { ...w, value: mapTerm(w.value, f) };
}

function mapExpr(e: Expr, f: Replace): Expr {
  const withs = e.with.map((w) => mapWith(w, f));
  switch (e.kind) {
    case 'term': return { ...e, with: withs, term: mapTerm(e.term, f) };
    case 'call': {
      const args = e.args.map((t) => mapTerm(t, f));
      // `rego.metadata.chain()` as an expression is true; `rego.metadata.chain(x)` binds x.
      const value = args.length <= 1 ? f(refName(e.operator)) : undefined;
      if (value === undefined) return { ...e, with: withs, args };
      const constant = valueTerm(value, e.loc);
      if (args.length === 0) return { kind: 'term', loc: e.loc, negated: e.negated, with: withs, term: constant };
      return { kind: 'call', loc: e.loc, negated: e.negated, with: withs, operator: { type: 'ref', loc: e.operator.loc, terms: [{ type: 'var', name: 'eq', loc: e.operator.loc }] }, args: [args[0]!, constant] };
    }
    case 'some': return { ...e, with: withs };
    case 'somein': return { ...e, with: withs, ...(e.key ? { key: mapTerm(e.key, f) } : {}), value: mapTerm(e.value, f), domain: mapTerm(e.domain, f) };
    case 'every': return { ...e, with: withs, domain: mapTerm(e.domain, f), body: mapBody(e.body, f) };
  }
}

function mapTerm(t: Term, f: Replace): Term {
  switch (t.type) {
    case 'ref': return { ...t, terms: t.terms.map((x) => mapTerm(x, f)) };
    case 'array': case 'set': return { ...t, items: t.items.map((x) => mapTerm(x, f)) };
    case 'object': return { ...t, entries: t.entries.map(([k, v]) => [mapTerm(k, f), mapTerm(v, f)] as [Term, Term]) };
    case 'call': {
      const args = t.args.map((x) => mapTerm(x, f));
      const value = args.length === 0 ? f(refName(t.operator)) : undefined;
      return value === undefined ? { ...t, args } : valueTerm(value, t.loc);
    }
    case 'arraycomprehension': case 'setcomprehension': return { ...t, term: mapTerm(t.term, f), body: mapBody(t.body, f) };
    case 'objectcomprehension': return { ...t, key: mapTerm(t.key, f), value: mapTerm(t.value, f), body: mapBody(t.body, f) };
    case 'templatestring': return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : mapExpr(p, f))) };
    default: return t;
  }
}

/** A constant term for a value (annotation values hold no sets). */
function valueTerm(v: Value, loc: Location): Term {
  if (v === null) return { type: 'null', loc };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, loc };
  if (typeof v === 'number') return { type: 'number', text: String(v), loc };
  if (typeof v === 'string') return { type: 'string', value: v, loc };
  if (Array.isArray(v)) return { type: 'array', items: v.map((x) => valueTerm(x, loc)), loc };
  if ('__set' in v) return { type: 'set', items: (v.items as Value[]).map((x) => valueTerm(x, loc)), loc };
  return { type: 'object', entries: Object.entries(v).map(([k, x]) => [valueTerm(k, loc), valueTerm(x, loc)] as [Term, Term]), loc };
}
