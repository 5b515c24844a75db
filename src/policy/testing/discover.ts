import type { Module, RefTerm, Rule } from '../compiler/ast/index.js';
import { CASES_SUFFIX } from './parametrised.js';

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

const TEST_RULE = /^(todo_)?test_/;

export function packageSegments(path: RefTerm): string[] {
  return path.terms.slice(1).map((term) => (term.type === 'string' ? term.value : term.type === 'var' ? term.name : ''));
}

function ruleName(ref: RefTerm): string | undefined {
  if (ref.terms.length !== 1) return undefined;
  const head = ref.terms[0]!;
  return head.type === 'var' ? head.name : undefined;
}

/** The name of a test rule (`test_x`, or `todo_test_x` to skip); undefined for any other rule, functions and defaults included. */
export function testRuleName(rule: Rule): string | undefined {
  const name = ruleName(rule.head.ref);
  if (!name || !TEST_RULE.test(name) || rule.head.kind === 'function' || rule.default) return undefined;
  return name;
}

/** The name of a parametrised test rule (`test_x[case] if { ... }`, whose cases are its sub-results). */
export function parametrisedTestName(rule: Rule): string | undefined {
  const [first, ...rest] = rule.head.ref.terms;
  if (rest.length === 0 || first?.type !== 'var' || !TEST_RULE.test(first.name) || rule.head.kind === 'function' || rule.default) return undefined;
  return first.name;
}

/**
 * Test rules as `opa test` finds them: rules whose name starts with `test_` (run) or `todo_test_`
 * (reported as skipped), not functions; a parametrised one names the entrypoint of its cases. Run it on modules whose duplicate tests are renamed
 * (renameDuplicateTests); several definitions of one skipped test are one, located at the first.
 */
export function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const seen = new Set<string>();
  const tests: DiscoveredTest[] = [];
  for (const module of modules) {
    const segments = packageSegments(module.package.path);
    for (const rule of module.rules) {
      const plain = testRuleName(rule);
      const name = plain ?? parametrisedTestName(rule);
      if (!name) continue;
      const entrypoint = [...segments, name].join('/');
      if (seen.has(entrypoint)) continue;
      seen.add(entrypoint);
      const skip = name.startsWith('todo_');
      tests.push({
        file: module.file,
        row: rule.loc.line,
        col: rule.loc.col,
        package: ['data', ...segments].join('.'),
        name,
        entrypoint,
        skip,
        ...(plain || skip ? {} : { casesEntrypoint: `${entrypoint}${CASES_SUFFIX}` }),
      });
    }
  }
  return tests;
}
