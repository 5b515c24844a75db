import type { Module, Rule, RuleHead } from '../compiler/ast/index.js';
import { packageSegments, testRuleOf } from './test-rules.js';

/**
 * OPA's tester renames every definition of a test after the first in a package (`test_x#01`,
 * `test_x#02`, ... in module and rule order; rewriteDuplicateTestNames in tester/runner.go), so
 * each definition runs and is reported as a test of its own. Left as one rule, several definitions
 * (two rules of one name, or bodies chained after one head: `test_x if { a } { b }`) would be one
 * complete rule, true when any of them is, and a failing definition would pass unseen. No
 * identifier the parser reads holds `#`, so a new name can never meet a rule of the policy.
 * Skipped tests (`todo_test_`) are not renamed, as in OPA.
 */
export function renameDuplicateTests(modules: readonly Module[]): void {
  const definitions = new Map<string, number>();
  for (const module of modules) {
    const pkg = packageSegments(module.package.path).join('/');
    for (const rule of module.rules) {
      const test = testRuleOf(rule);
      if (!test || test.skip) continue;
      const { name } = test;
      const key = `${pkg}/${name}`;
      const earlier = definitions.get(key) ?? 0;
      definitions.set(key, earlier + 1);
      if (earlier > 0) rename(rule, `${name}#${String(earlier).padStart(2, '0')}`);
    }
  }
}

/** The rule and its else chain (which share its head's name) under `name`. */
function rename(rule: Rule, name: string): void {
  for (let at: Rule | undefined = rule; at; at = at.else) at.head = renamedHead(at.head, name);
}

function renamedHead(head: RuleHead, name: string): RuleHead {
  const [first, ...rest] = head.ref.terms;
  if (first?.type !== 'var') return head;
  return { ...head, ref: { ...head.ref, terms: [{ ...first, name }, ...rest] } };
}
