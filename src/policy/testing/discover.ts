import type { Module } from '../compiler/ast/index.js';
import { CASES_SUFFIX } from './parametrised.js';
import { packageSegments, testRuleOf } from './test-rules.js';

/** One `test_*` (or skipped `todo_test_*`) rule found in a module. */
export interface DiscoveredTest {
  file: string;
  row: number;
  col: number;
  /** `data.a.b`, as `opa test` prints it. */
  package: string;
  name: string;
  /** The compiler entrypoint that evaluates it: `a/b/test_x`. */
  entrypoint: string;
  skip: boolean;
  /** For a parametrised test (`test_x[case]`): the entrypoint of the cases it attempts (see parametrised.ts). */
  casesEntrypoint?: string;
}

/**
 * Test rules as `opa test` finds them: rules whose name starts with `test_` (run) or `todo_test_`
 * (reported as skipped), not functions; a parametrised one names the entrypoint of its cases. Run
 * it on modules whose duplicate tests are renamed (renameDuplicateTests); several definitions of
 * one skipped test are one, located at the first.
 */
export function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const seen = new Set<string>();
  const tests: DiscoveredTest[] = [];
  for (const module of modules) {
    const segments = packageSegments(module.package.path);
    for (const rule of module.rules) {
      const test = testRuleOf(rule);
      if (!test) continue;
      const { name, skip } = test;
      const entrypoint = [...segments, name].join('/');
      if (seen.has(entrypoint)) continue;
      seen.add(entrypoint);
      tests.push({
        file: module.file,
        row: rule.loc.line,
        col: rule.loc.col,
        package: ['data', ...segments].join('.'),
        name,
        entrypoint,
        skip,
        ...(test.parametrised && !skip ? { casesEntrypoint: `${entrypoint}${CASES_SUFFIX}` } : {}),
      });
    }
  }
  return tests;
}
