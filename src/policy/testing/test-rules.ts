import type { RefTerm, Rule } from '../compiler/ast/index.js';

const TEST_RULE = /^(todo_)?test_/;

/** A rule `opa test` runs: `test_x` (or `todo_test_x`, skipped), parametrised when its head names cases (`test_x[case]`). */
export interface TestRule {
  name: string;
  parametrised: boolean;
  skip: boolean;
}

/** The test this rule defines, if it is one: not a function, not a default, named `test_` or `todo_test_`. */
export function testRuleOf(rule: Rule): TestRule | undefined {
  const [first, ...rest] = rule.head.ref.terms;
  if (first?.type !== 'var' || !TEST_RULE.test(first.name) || rule.head.kind === 'function' || rule.default) return undefined;
  return { name: first.name, parametrised: rest.length > 0, skip: first.name.startsWith('todo_') };
}

/** `a.b` of `package a.b`, as segments. */
export function packageSegments(path: RefTerm): string[] {
  return path.terms.slice(1).map((term) => (term.type === 'string' ? term.value : term.type === 'var' ? term.name : ''));
}
