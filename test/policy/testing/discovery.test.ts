import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOutcomes, formatJson, formatPretty, runPolicyTests, type TestReport } from '../../../src/policy/testing/index.js';

const POLICY = `package app

allow if input.user == "alice"
`;

// Each failing definition sits after a passing one of the same name: as one rule they would pass.
const TESTS_A = `package app_test

import data.app

test_alice if app.allow with input as {"user": "alice"}

test_alice if app.allow with input as {"user": "mallory"}

test_chained if { app.allow with input as {"user": "alice"} } { not app.allow with input as {"user": "alice"} }

todo_test_later if false

todo_test_later if true
`;

// The same package in a second file, and another package whose test of the same name is its own.
const TESTS_B = `package app_test

import data.app

test_alice if not app.allow with input as {"user": "bob"}
`;

const TESTS_OTHER = `package other_test

test_alice if true
`;

function outcomes(report: TestReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [`${r.package}.${r.name}`, r.outcome]));
}

describe('policy test: several definitions of one test name', function () {
  this.timeout(120_000);
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'policy-duplicate-tests-'));
    await mkdir(join(root, 'policies'));
    await writeFile(join(root, 'policies', 'app.rego'), POLICY);
    await writeFile(join(root, 'policies', 'a_test.rego'), TESTS_A);
    await writeFile(join(root, 'policies', 'b_test.rego'), TESTS_B);
    await writeFile(join(root, 'policies', 'other_test.rego'), TESTS_OTHER);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs each definition as a test of its own, named test_x#01, #02 after the first as opa test names them, so a failing one is reported', async () => {
    const report = await runPolicyTests({ paths: [join(root, 'policies')] });
    expect(report.errors).to.deep.equal([]);
    expect(outcomes(report)).to.deep.equal({
      'data.app_test.test_alice': 'PASS',
      'data.app_test.test_alice#01': 'FAIL',
      'data.app_test.test_chained': 'PASS',
      'data.app_test.test_chained#01': 'FAIL',
      'data.app_test.todo_test_later': 'SKIPPED',
      'data.app_test.test_alice#02': 'PASS',
      'data.other_test.test_alice': 'PASS',
    });
    const second = report.results.find((r) => r.name === 'test_alice#01')!;
    expect([second.file.endsWith('a_test.rego'), second.row]).to.deep.equal([true, 7]);
    expect(report.results.find((r) => r.name === 'test_alice#02')!.file).to.match(/b_test\.rego$/);
  });

  it('shows the failing expression of a renamed definition (--var-values), selects it by its new name (--run) and covers every definition', async () => {
    const report = await runPolicyTests({ paths: [join(root, 'policies')], varValues: true, coverage: true });
    expect(report.results.find((r) => r.name === 'test_chained#01')!.failure).to.match(/not (data\.)?app\.allow/);
    const covered = report.coverage!.files[Object.keys(report.coverage!.files).find((f) => f.endsWith('a_test.rego'))!]!;
    expect((covered.covered ?? []).map((r) => r.start.row)).to.include.members([5, 7, 9]);
    const only = await runPolicyTests({ paths: [join(root, 'policies')], run: /test_alice#01$/ });
    expect(outcomes(only)).to.deep.equal({ 'data.app_test.test_alice#01': 'FAIL' });
  });
});

describe('policy test: parametrised test rules (test_x[case])', function () {
  this.timeout(120_000);
  let root: string;
  let report: TestReport;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'policy-parametrised-tests-'));
    await writeFile(
      join(root, 'p_test.rego'),
      [
        'package p_test',
        '',
        '# "two" fails after its name is known: absent from the object, it is still a failing case.',
        'test_cases[tc.note] if {',
        '\tsome tc in [{"note": "one", "x": 1}, {"note": "two", "x": 2}, {"note": "three", "x": 1}]',
        '\ttc.x == 1',
        '}',
        '',
        'test_nested[a][b] if {',
        '\tsome a in ["x", "y"]',
        '\tsome b in [1, 2]',
        '\ta == "x"',
        '}',
        '',
        'test_all_pass[n] if {',
        '\tsome n in [1, 2]',
        '}',
        '',
        'todo_test_later[n] if n := "x"',
        '',
        'test_plain if true',
        '',
      ].join('\n'),
    );
    report = await runPolicyTests({ paths: [root], varValues: true });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports each case as a sub-result, a case that failed after its key was known included, as opa test does', () => {
    expect(report.errors).to.deep.equal([]);
    expect(outcomes(report)).to.deep.equal({
      'data.p_test.test_cases': 'FAIL',
      'data.p_test.test_nested': 'FAIL',
      'data.p_test.test_all_pass': 'PASS',
      'data.p_test.todo_test_later': 'SKIPPED',
      'data.p_test.test_plain': 'PASS',
    });
    const cases = report.results.find((r) => r.name === 'test_cases')!.subResults!;
    expect(cases.map((c) => [c.name, c.fail])).to.deep.equal([['one', false], ['three', false], ['two', true]]);
    const nested = report.results.find((r) => r.name === 'test_nested')!.subResults!;
    expect(nested.map((c) => [c.name, c.fail, c.subResults.map((s) => [s.name, s.fail])])).to.deep.equal([
      ['x', false, [['1', false], ['2', false]]],
      ['y', true, [['1', true], ['2', true]]],
    ]);
  });

  it('counts the cases, not the test, in the summary; prints them under the test and as sub_results in JSON', () => {
    expect(countOutcomes(report)).to.deep.equal({ PASS: 7, FAIL: 3, ERROR: 0, SKIPPED: 1 });
    const text = formatPretty(report);
    expect(text).to.contain('data.p_test.test_cases: FAIL (');
    expect(text).to.match(/\n {2}one: PASS\n {2}three: PASS\n {2}two: FAIL\n/);
    expect(text).to.match(/\n {2}y: FAIL\n {4}1: FAIL\n {4}2: FAIL\n/);
    expect(text).to.match(/^PASS: 7\/11$/m);
    const rows = JSON.parse(formatJson(report)) as Array<{ name: string; fail?: boolean; sub_results?: Record<string, { name: string; fail?: boolean }> }>;
    const row = rows.find((r) => r.name === 'test_cases')!;
    expect(row.fail).to.equal(true);
    expect(row.sub_results).to.deep.equal({ one: { name: 'one' }, three: { name: 'three' }, two: { name: 'two', fail: true } });
  });

  it('shows the expression that failed a case with its variables (--var-values)', () => {
    expect(report.results.find((r) => r.name === 'test_cases')!.failure).to.contain('tc.x == 1');
  });
});
