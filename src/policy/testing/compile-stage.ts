import type { Module } from '../compiler/ast/index.js';
import { renameDuplicateTests } from './duplicate-tests.js';
import { addCaseRules } from './parametrised.js';

/**
 * The runner's stage over the parsed modules, before the compiler's checks (as OPA's tester adds
 * stages to its compiler): duplicate tests renamed, then each parametrised test given the rule of
 * the cases it attempts. The wasm build and the evaluator (coverage, variable values) both run it.
 */
export function prepareTestModules(modules: readonly Module[]): void {
  renameDuplicateTests(modules);
  addCaseRules(modules);
}
