/**
 * Compile-time checks and normalising rewrites: `checkProgram(modules, options)` turns parsed
 * modules (and queries) into the normalised program described in ../ast/README.md, or throws a
 * `CompileError` listing every problem with file:line:col.
 */
import { CompileError } from '../ast/errors.js';
import { isGround, refTerm, stringTerm, termToString, varTerm } from '../ast/terms.js';
import type { Body, Module, NormalisedProgram, NormalisedQuery, Rule, RuleGroup, Term } from '../ast/types.js';
import { lookupBuiltin } from '../../builtins/index.js';
import { parseQuery } from '../parser/index.js';
import { CheckContext, type BuiltinCatalogue, type Globals } from './context.js';
import { Flattener, type RuleIndex } from './flatten.js';
import { buildGroups, type DepPath, dependencies, dependencyGraph, orderGroups, packagePath } from './groups.js';
import { LocalRewriter } from './locals.js';
import { rewriteMetadataCalls } from './metadata-calls.js';
import { SafetyChecker } from './safety.js';
import { forEachVar, forEachVarInBody } from './walk.js';

export { CompileError, formatDiagnostic } from '../ast/errors.js';
export type { Diagnostic, DiagnosticCode } from '../ast/errors.js';
export type { BuiltinCatalogue } from './context.js';

export interface QueryInput {
  /** Query text (`data.test.p = x`), parsed here; or an already parsed body. */
  text?: string;
  body?: Body;
  /** Name reported back (defaults to the text). */
  name?: string;
}

export interface CheckOptions {
  queries?: QueryInput[];
  /** Built-in catalogue; defaults to the project's (src/policy/builtins). */
  builtins?: BuiltinCatalogue;
}

const DEFAULT_BUILTINS: BuiltinCatalogue = { lookupBuiltin };

export function checkProgram(parsed: Module[], options: CheckOptions = {}): NormalisedProgram {
  const ctx = new CheckContext(options.builtins ?? DEFAULT_BUILTINS);
  const modules = rewriteMetadataCalls(ctx, parsed);
  const rawGroups = buildGroups(ctx, modules);
  const index: RuleIndex = { functions: new Map(), paths: new Set(rawGroups.keys()) };
  for (const [key, g] of rawGroups) if (g.kind === 'function') index.functions.set(key, g.arity!);

  const normalisedModules: Module[] = [];
  const replaced = new Map<Rule, Rule>();
  for (const module of modules) {
    const globals = packageGlobals(module, modules);
    const rules = module.rules.map((rule) => {
      const n = normaliseRule(ctx, rule, module, globals, index);
      replaced.set(rule, n);
      return n;
    });
    normalisedModules.push({ ...module, rules });
  }

  const groups = new Map<string, RuleGroup>();
  for (const [key, g] of rawGroups) {
    const group: RuleGroup = { ...g, rules: g.rules.map((r) => replaced.get(r)!) };
    if (g.default) group.default = replaced.get(g.default)!;
    groups.set(key, group);
  }
  const graph = dependencyGraph(groups, (g) => {
    const deps: DepPath[] = [];
    for (const r of g.rules) for (let x: Rule | undefined = r; x; x = x.else) dependencies(x.body, deps);
    return deps;
  });
  const order = orderGroups(ctx, groups, graph);
  const ordered = new Map<string, RuleGroup>(order.map((k) => [k, groups.get(k)!]));

  const queryCtx = ctx.withPrefix('__localq');
  const queries = (options.queries ?? []).map((q) => normaliseQuery(queryCtx, q, index));

  if (ctx.diagnostics.length > 0) throw new CompileError(ctx.diagnostics);
  return { modules: normalisedModules, groups: ordered, queries };
}

/** Rule names of the module's package (from every module of that package) and import aliases. */
function packageGlobals(module: Module, all: Module[]): Globals {
  const pkg = packagePath(module);
  const globals: Globals = new Map();
  const pkgKey = pkg.join('.');
  for (const m of all) {
    if (packagePath(m).join('.') !== pkgKey) continue;
    for (const rule of m.rules) {
      const head = rule.head.ref.terms[0]!;
      if (head.type !== 'var') continue;
      globals.set(head.name, absolute(pkg, head.name, module));
    }
  }
  for (const imp of module.imports) {
    const [root, ...rest] = imp.path.terms;
    if (root?.type !== 'var' || (root.name !== 'data' && root.name !== 'input')) continue;
    const last = rest[rest.length - 1];
    const alias = imp.alias ?? (last?.type === 'string' ? last.value : root.name);
    if (alias === 'input' || alias === 'data') continue;
    globals.set(alias, imp.path);
  }
  return globals;
}

function absolute(pkg: string[], name: string, module: Module) {
  const loc = module.package.loc;
  return refTerm([varTerm('data', loc), ...pkg.map((p) => stringTerm(p, loc)), stringTerm(name, loc)], loc);
}

function normaliseRule(ctx: CheckContext, rule: Rule, module: Module, globals: Globals, index: RuleIndex): Rule {
  const pkg = packagePath(module);
  const rewriter = new LocalRewriter(ctx, globals);
  const flattener = new Flattener(ctx, index);
  const safety = new SafetyChecker(ctx, ctx.wildcards);
  if (rule.default) checkDefaultValue(ctx, rule);

  const rewritten = rewriter.rewriteRule(rule);
  const name = rule.head.ref.terms[0]!;
  const headRef = refTerm([
    varTerm('data', rule.head.ref.loc),
    ...pkg.map((p) => stringTerm(p, rule.head.ref.loc)),
    stringTerm(name.type === 'var' ? name.name : '', name.loc),
    ...rewritten.head.ref.terms.slice(1),
  ], rule.head.ref.loc);
  const flat = flattener.flattenRule({ ...rule, head: { ...rewritten.head, ref: headRef }, body: rewritten.body, else: undefined });

  const safe = new Set<string>();
  for (const a of flat.head.args ?? []) forEachVar(a, (v) => safe.add(v.name));
  const required: Term[] = [...flat.head.ref.terms.slice(1)];
  if (flat.head.key) required.push(flat.head.key);
  if (flat.head.value) required.push(flat.head.value);
  const known = new Set(safe);
  for (const t of required) forEachVar(t, (v) => known.add(v.name), true);
  forEachVarInBody(flat.body, (v) => known.add(v.name), true);
  const reordered = safety.reorder(flat.body, safe, known, required);
  const head = { ...flat.head };
  if (head.key) head.key = safety.headTerm(head.key, reordered.safe, known);
  if (head.value) head.value = safety.headTerm(head.value, reordered.safe, known);
  const out: Rule = { ...flat, head, body: reordered.body };
  delete out.else;
  if (rule.else) out.else = normaliseRule(ctx, rule.else, module, globals, index);
  return out;
}

/** `default p := v`: v must be a constant (no variables, references or calls). */
function checkDefaultValue(ctx: CheckContext, rule: Rule): void {
  const value = rule.head.value;
  if (!value || isConstant(value)) return;
  ctx.error('rego_type_error', `default rule value must be a constant, found ${termToString(value)}`, value.loc);
}

/** Ground, or a comprehension (its body is checked like any other). */
function isConstant(t: Term): boolean {
  switch (t.type) {
    case 'arraycomprehension': case 'setcomprehension': case 'objectcomprehension': return true;
    case 'array': case 'set': return t.items.every(isConstant);
    case 'object': return t.entries.every(([k, v]) => isGround(k) && isConstant(v));
    default: return isGround(t);
  }
}

function normaliseQuery(ctx: CheckContext, input: QueryInput, index: RuleIndex): NormalisedQuery {
  const name = input.name ?? input.text ?? '<query>';
  let parsed: Body;
  try {
    parsed = input.body ?? parseQuery(input.text ?? '', '<query>');
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    ctx.diagnostics.push(...err.diagnostics);
    return { name, body: [], vars: [] };
  }
  const rewriter = new LocalRewriter(ctx, new Map(), true);
  const flattener = new Flattener(ctx, index);
  const safety = new SafetyChecker(ctx, ctx.wildcards);
  const rewritten = rewriter.rewriteQuery(parsed);
  const flat = flattener.body(rewritten);
  const { body } = safety.reorder(flat, new Set(), new Set());
  const vars: string[] = [];
  forEachVarInBody(body, (v) => {
    if (!v.name.startsWith('__') && !vars.includes(v.name) && v.name !== 'input' && v.name !== 'data') vars.push(v.name);
  }, true);
  return { name, body, vars };
}
