import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { sourceNames, typeDiagnostics, v1Diagnostics } from '../../../src/policy/check/index.js';
import { checkProgram } from '../../../src/policy/compiler/check/index.js';
import { parseModule } from '../../../src/policy/compiler/parser/index.js';
import { caseId, listCases, loadCaseFile } from '../../../src/policy/conformance/index.js';

const CASES_DIR = resolve(PACKAGE_ROOT, '..', 'shared', 'conformance', 'opa-v1');

/**
 * `policy check` must never refuse what OPA accepts: every case OPA answers with a result, and every
 * case that fails only at evaluation (an `eval_*` error: a type error OPA's checker did not see, a
 * conflict, a built-in error), is a module set OPA 1.x compiled, so the checks `policy check` adds to
 * the compiler's (v1 defaults and OPA's type checker) must find nothing in any of them.
 */
describe('policy check accepts every module set OPA answers in its evaluation cases', function () {
  this.timeout(120_000);

  it('reports no v1 or type error for a case that states a result, or only an evaluation error', async function () {
    if (!existsSync(CASES_DIR)) throw new Error(`OPA's conformance cases are missing: expected them at ${CASES_DIR}`);
    const flagged: string[] = [];
    let checked = 0;
    for (const ref of await listCases(CASES_DIR)) {
      const c = (await loadCaseFile(CASES_DIR, ref.file))[ref.index]!;
      const compiled = c.want_error_code === undefined ? c.want_result !== undefined && c.want_error === undefined : c.want_error_code.startsWith('eval_');
      if (!compiled) continue;
      let modules;
      try {
        modules = (c.modules ?? []).map((text, i) => parseModule(text, `module${i}.rego`));
      } catch {
        continue; // a parse error is the compiler's own refusal, counted by the conformance run
      }
      let program;
      try {
        program = checkProgram(modules);
      } catch {
        continue; // likewise a compile error
      }
      checked++;
      for (const d of [...v1Diagnostics(modules), ...typeDiagnostics(program, sourceNames(modules))]) flagged.push(`${caseId(ref)}: ${d.message}`);
    }
    expect(checked).to.be.greaterThan(1000);
    expect(flagged).to.deep.equal([]);
  });
});
