import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import policyCommand from '../../../src/cli/commands/policy.js';
import { runPolicyTests } from '../../../src/policy/testing/index.js';
import { POLICIES_DIR } from '../../../src/paths.js';
import { captureOutput } from '../../support/capture-output.js';

const POLICY = `package app

allow if input.user == "alice"

limit := n if {
	n := input.n * 2
	n > 4
}

unused if input.never == 1
`;

const TESTS = `package app

test_alice if allow with input as {"user": "alice"}

test_limit if {
	x := 3
	limit == x * 2 with input as {"n": x}
}
`;

const capture = captureOutput;

describe('policy test: coverage, threshold, variable values, bench, timeout, empty runs', function () {
  this.timeout(240_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-flags-'));
    await mkdir(join(dir, 'app'), { recursive: true });
    await writeFile(join(dir, 'app', 'app.rego'), POLICY);
    await writeFile(join(dir, 'app', 'app_test.rego'), TESTS);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a coverage report shaped like opa test --coverage, with the never-evaluated rule not covered', async () => {
    const { code, out } = await capture(() => policyCommand.run(['test', '--coverage', join(dir, 'app')]));
    expect(code).to.equal(0);
    const report = JSON.parse(out) as { files: Record<string, { covered: unknown[]; not_covered: Array<{ start: { row: number }; end: { row: number } }> }>; coverage: number; covered_lines: number; not_covered_lines: number };
    expect(Object.keys(report)).to.have.members(['files', 'covered_lines', 'not_covered_lines', 'coverage']);
    const file = report.files['app/app.rego']!;
    expect(file.not_covered).to.deep.equal([{ start: { row: 10 }, end: { row: 10 } }]);
    expect(report.not_covered_lines).to.equal(1);
    expect(report.coverage).to.be.closeTo((100 * report.covered_lines) / (report.covered_lines + 1), 1e-9);
  });

  it('fails below --threshold with the lines not covered, and passes at or under the coverage', async () => {
    const below = await capture(() => policyCommand.run(['test', '--threshold', '99.5', join(dir, 'app')]));
    expect(below.code).to.equal(1);
    expect(below.err).to.match(/Code coverage threshold not met: got \d+\.\d\d instead of 99\.50/);
    expect(below.err).to.contain('app/app.rego:10');
    const met = await capture(() => policyCommand.run(['test', '--threshold', '50', join(dir, 'app')]));
    expect(met.code).to.equal(0);
  });

  it('shows the failing expression as written, with the values of its variables and calls under them (--var-values)', async () => {
    const failing = `package app\n\ntest_limit_wrong if {\n\tx := 1\n\tlimit == x with input as {"n": 5}\n}\n\ntest_count if {\n\tys := [1, 2]\n\tcount(ys) == 3 # too few\n}\n`;
    await writeFile(join(dir, 'app', 'wrong_test.rego'), failing);
    try {
      const { code, out } = await capture(() => policyCommand.run(['test', '--var-values', join(dir, 'app')]));
      expect(code).to.equal(1);
      expect(out).to.contain('data.app.test_limit_wrong: FAIL');
      // The source text, not the compiler's rewrite; x's value under x (column 9 of the expression).
      expect(out).to.match(/app\/wrong_test\.rego:5:\n( +)limit == x with input as \{"n": 5\}\n\1 {9}\|\n\1 {9}1\n/);
      // The call's value under the call (the compiler bound it to a variable of its own); the comment is not part of it.
      expect(out).to.match(/app\/wrong_test\.rego:10:\n( +)count\(ys\) == 3\n\1\|\n\1[2]\n/);
    } finally {
      await rm(join(dir, 'app', 'wrong_test.rego'));
    }
  });

  it('times each passing test with --bench', async () => {
    const { code, out } = await capture(() => policyCommand.run(['test', '--bench', join(dir, 'app')]));
    expect(code).to.equal(0);
    expect(out).to.match(/data\.app\.test_alice\s+\d+\s+\d+ ns\/op/);
  });

  it('stops at --timeout (tests left are errors) and refuses a bad duration', async () => {
    const report = await runPolicyTests({ paths: [join(dir, 'app')], timeoutMs: 0 });
    expect(report.results.every((r) => r.outcome === 'ERROR' && r.error === 'test run timed out')).to.equal(true);
    // The limit starts once the module is built: building alone takes longer than this.
    const built = await runPolicyTests({ paths: [join(dir, 'app')], timeoutMs: 1000 });
    expect(built.results.map((r) => r.outcome)).to.deep.equal(['PASS', 'PASS']);
    const bad = await capture(() => policyCommand.run(['test', '--timeout', 'soon', join(dir, 'app')]));
    expect(bad.code).to.equal(2);
  });

  it('names a path that does not exist in one line', async () => {
    const missing = await capture(() => policyCommand.run(['test', join(dir, 'nope')]));
    expect(missing.code).to.equal(1);
    expect(missing.err).to.equal(`agent-gateway policy test: ${join(dir, 'nope')}: no such file or directory\n`);
  });

  it('fails an empty run with --fail-on-empty and passes it without', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    await writeFile(join(empty, 'p.rego'), 'package e\n\np := 1\n');
    expect((await capture(() => policyCommand.run(['test', empty]))).code).to.equal(0);
    expect((await capture(() => policyCommand.run(['test', '--fail-on-empty', empty]))).code).to.equal(1);
  });

  it('covers at least 95% of the gateway policy lines with its own tests (checked in CI)', async () => {
    const report = await runPolicyTests({ paths: [join(POLICIES_DIR, 'gateway')], coverage: true });
    expect(report.results.filter((r) => r.outcome !== 'PASS' && r.outcome !== 'SKIPPED')).to.deep.equal([]);
    expect(report.coverage!.coverage, JSON.stringify(report.coverage!.files, null, 1)).to.be.at.least(95);
    // OPA's figure counts the test files too; the policy files alone must also reach 95%.
    const policyFiles = Object.entries(report.coverage!.files).filter(([file]) => !file.endsWith('_test.rego'));
    expect(policyFiles.length).to.be.greaterThan(3);
    const covered = policyFiles.reduce((n, [, f]) => n + (f.covered_lines ?? 0), 0);
    const notCovered = policyFiles.reduce((n, [, f]) => n + (f.not_covered_lines ?? 0), 0);
    expect((100 * covered) / (covered + notCovered), JSON.stringify(Object.fromEntries(policyFiles), null, 1)).to.be.at.least(95);
  });
});
