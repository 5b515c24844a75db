import type { Body, Module, Rule, Term } from '../compiler/ast/index.js';
import { testRuleOf } from './test-rules.js';

/**
 * Parametrised tests (`test_x[tc.note] if { some tc in cases; ... }`): `opa test` reports each case
 * as a sub-result, and a case whose body fails after its name is known is a failing sub-result,
 * not a missing key. OPA learns which cases were attempted by injecting `internal.test_case([key])`
 * into the body right after the expression that first mentions the last of the key's variables
 * (injectTestCaseFunc in tester/runner.go). Here the same prefix of the body becomes a rule of its
 * own, `test_x#cases`, the set of the keys it reaches: a case in that set and not true in
 * `test_x` failed. `#` is in no identifier the parser reads, so the name cannot meet a policy rule.
 */
export const CASES_SUFFIX = '#cases';

/** Adds `name#cases` beside every parametrised test rule that runs (skipped ones attempt nothing). */
export function addCaseRules(modules: readonly Module[]): void {
  for (const module of modules) {
    const added: Rule[] = [];
    for (const rule of module.rules) {
      const test = testRuleOf(rule);
      if (test?.parametrised && !test.skip) added.push(caseRule(rule, test.name));
    }
    module.rules.push(...added);
  }
}

/** `name#cases contains [k1, ...] if { the body up to where the keys are known }`. */
function caseRule(rule: Rule, name: string): Rule {
  // The head's key terms: `[tc.note]` of `test_x[tc.note]`.
  const keys = rule.head.ref.terms.slice(1);
  const [first] = rule.head.ref.terms;
  const loc = rule.head.loc;
  return {
    loc: rule.loc,
    file: rule.file,
    default: false,
    head: {
      loc,
      ref: { type: 'ref', loc: rule.head.ref.loc, terms: [{ type: 'var', name: `${name}${CASES_SUFFIX}`, loc: first!.loc }] },
      kind: 'set',
      key: { type: 'array', loc, items: keys },
      assign: false,
    },
    body: bodyUntilKeysKnown(rule.body, keys),
  };
}

/**
 * The expressions up to the one where the last of the keys' variables is first mentioned (all of
 * them for keys without variables: none; OPA then injects at the top), in source order.
 */
function bodyUntilKeysKnown(body: Body, keys: readonly Term[]): Body {
  const keyVars = new Set<string>();
  collectVars(keys, keyVars);
  const varsOfExpr = body.map((expr) => {
    const vars = new Set<string>();
    collectVars(expr, vars);
    return vars;
  });
  let last = -1;
  for (const name of keyVars) {
    const at = varsOfExpr.findIndex((vars) => vars.has(name));
    if (at > last) last = at;
  }
  return body.slice(0, last + 1);
}

/** Every variable name anywhere under a node (closures included, as OPA's WalkVars walks them). */
function collectVars(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectVars(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === 'var' && typeof record.name === 'string') into.add(record.name);
  for (const [key, value] of Object.entries(record)) if (key !== 'loc') collectVars(value, into);
}

/** One case of a parametrised test, or a level of cases under a multi-part key. */
export interface SubResult {
  name: string;
  fail: boolean;
  subResults: SubResult[];
}

/**
 * The cases of a parametrised test as `opa test` reports them (subResults in tester/runner.go):
 * every key of the test's object (true: passed; anything else: failed), plus every attempted case
 * the object lacks (failed). A level fails when a case under it does. Sorted by name at each level.
 */
export function caseResults(value: unknown, attempted: readonly unknown[]): SubResult[] {
  const root = new Map<string, Node>();
  fromObject(value, root);
  for (const path of attempted) if (Array.isArray(path)) markAttempted(root, path.map(caseName));
  return toSubResults(root);
}

interface Node {
  fail: boolean;
  children: Map<string, Node>;
}

/** The object's keys as nodes (nested objects as levels); true when any of them failed. */
function fromObject(value: unknown, into: Map<string, Node>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let fail = false;
  for (const [key, inner] of Object.entries(value)) {
    const node: Node = { fail: false, children: new Map() };
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) node.fail = fromObject(inner, node.children);
    else node.fail = inner !== true;
    into.set(key, node);
    if (node.fail) fail = true;
  }
  return fail;
}

/** An attempted case the object lacks is created failed; its parents fail with it. */
function markAttempted(level: Map<string, Node>, path: readonly string[]): boolean {
  const [name, ...rest] = path;
  if (name === undefined) return false;
  let node = level.get(name);
  if (!node) {
    node = { fail: true, children: new Map() };
    level.set(name, node);
  }
  if (rest.length === 0) return node.fail;
  if (markAttempted(node.children, rest)) node.fail = true;
  return node.fail;
}

function toSubResults(level: Map<string, Node>): SubResult[] {
  return [...level.keys()].sort().map((name) => {
    const node = level.get(name)!;
    return { name, fail: node.fail, subResults: toSubResults(node.children) };
  });
}

/** A case's name as OPA prints it: a string as it is, anything else as JSON. */
function caseName(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The leaves of a sub-result tree with their full names (outermost first). */
export function caseLeaves(results: readonly SubResult[], prefix: readonly string[] = []): Array<{ path: string[]; fail: boolean }> {
  return results.flatMap((r) => (r.subResults.length === 0 ? [{ path: [...prefix, r.name], fail: r.fail }] : caseLeaves(r.subResults, [...prefix, r.name])));
}
