import type { Module, RefTerm, Rule } from '../compiler/ast/index.js';

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

/**
 * Test rules as `opa test` finds them: rules whose name starts with `test_` (run) or `todo_test_`
 * (reported as skipped), not functions. Run it on modules whose duplicate tests are renamed
 * (renameDuplicateTests); several definitions of one skipped test are one, located at the first.
 */
export function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const seen = new Set<string>();
  const tests: DiscoveredTest[] = [];
  for (const module of modules) {
    const segments = packageSegments(module.package.path);
    for (const rule of module.rules) {
      const name = testRuleName(rule);
      if (!name) continue;
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
        skip: name.startsWith('todo_'),
      });
    }
  }
  return tests;
}
