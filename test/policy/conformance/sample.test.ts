import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { loadCaseFile, runCase } from '../../../src/policy/conformance/index.js';

/** Where CI and developers find OPA's cases (read in place, never copied into the repository). */
const CASES_DIR = resolve(PACKAGE_ROOT, '..', 'shared', 'conformance', 'opa-v1');

/**
 * A fixed sample of OPA's evaluation cases, one per feature folder, that the compiler passes; the
 * whole set runs with `npm run conformance` (docs/CONFORMANCE.md).
 */
const SAMPLE: { file: string; note: string }[] = [
  { file: "aggregates/test-membership.yaml", note: "aggregates/member object with key, nested, associativity without parens" },
  { file: "arithmetic/test-arithmetic-0824.yaml", note: "ceil rounds up" },
  { file: "array/test-array-0043.yaml", note: "array/concat: err rhs" },
  { file: "comprehensions/test-comprehensions-0793.yaml", note: "comprehensions/object embedded set" },
  { file: "completedoc/test-completedoc-0503.yaml", note: "completedoc/string: \"\"" },
  { file: "defaultkeyword/test-defaultkeyword-0805.yaml", note: "defaultkeyword/defined" },
  { file: "disjunction/test-disjunction-0775.yaml", note: "disjunction/nested function with conflict" },
  { file: "elsekeyword/test-elsekeyword-1060.yaml", note: "elsekeyword/first-match" },
  { file: "eqexpr/test-eqexpr-0573.yaml", note: "eqexpr/var: ref ref" },
  { file: "every/every.yaml", note: "every/with: body" },
  { file: "functions/test-functions-1005.yaml", note: "functions/multi1" },
  { file: "indirectreferences/test-indirectreferences-0761.yaml", note: "indirectreferences/user call" },
  { file: "negation/test-not-body.yaml", note: "negation/not-body: negated call with vars, inside comprehension, undefined operands" },
  { file: "nestedreferences/test-nestedreferences-0717.yaml", note: "nestedreferences/vdoc ref: complete" },
  { file: "partialobjectdoc/test-wasm-cases.yaml", note: "wasm/additive (negative)" },
  { file: "partialsetdoc/test-partialsetdoc-0514.yaml", note: "partialsetdoc/object values" },
  { file: "refheads/test-refs-as-rule-heads.yaml", note: "refheads/mixed example, multiple rules" },
  { file: "sets/test-sets-0874.yaml", note: "sets/set_diff: virt docs" },
  { file: "strings/test-strings-0890.yaml", note: "strings/substring: remainder" },
  { file: "virtualdocs/test-virtualdocs-0660.yaml", note: "virtualdocs/object: self-join" },
  { file: "withkeyword/test-with-function-mock.yaml", note: "withkeyword/function: direct call, built-in replacement, arity 1" },
  { file: "containskeyword/test-contains-future-keyword.yaml", note: "containskeyword/with kw and builtin used" },
  { file: "jsonbuiltins/test-jsonbuiltins-0925.yaml", note: "jsonbuiltins/unmarshal" },
  { file: "regexmatch/test-regexmatch-0861.yaml", note: "regexmatch/regex.match empty string against non-empty string" },
  { file: "units/test-parse-units.yaml", note: "units_parse/10 kilo uppercase" },
  { file: "globmatch/test-globmatch-0148.yaml", note: "globmatch/glob match with single wild-card and delimiter" },
  { file: "semvercompare/test-semvercompare-0346.yaml", note: "semvercompare/a == b" },
  { file: "cryptosha256/test-cryptosha256-0132.yaml", note: "cryptosha256/crypto.sha256 with string" },
  { file: "objectunion/test-objectunion-0273.yaml", note: "objectunion/nested reverse" },
  { file: "time/test-time-0958.yaml", note: "time/clock leap day" },
];

describe('conformance sample (OPA evaluation cases through regoc and the SDK)', function () {
  this.timeout(600_000);

  it('finds the case directory', () => {
    expect(existsSync(CASES_DIR), CASES_DIR).to.equal(true);
  });

  for (const { file, note } of SAMPLE) {
    it(`passes ${file} :: ${note}`, async function () {
      this.timeout(120_000);
      const cases = await loadCaseFile(CASES_DIR, file);
      const c = cases.find((x) => x.note === note);
      expect(c, 'case not found').to.not.equal(undefined);
      const outcome = await runCase(c!);
      expect(outcome.reason ?? '').to.equal('');
      expect(outcome.status).to.equal('passed');
    });
  }
});
