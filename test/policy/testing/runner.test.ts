import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatJson, formatPretty, reportPassed, runPolicyTests, type TestReport } from '../../../src/policy/testing/index.js';
import policyCommand from '../../../src/cli/commands/policy.js';

const POLICY = `package app.rules

import rego.v1

default allow := false

allow if input.user == "alice"

limit := data.config.limit
`;

const TESTS = `package app.rules

import rego.v1

test_alice_allowed if allow with input as {"user": "alice"}

test_bob_denied if not allow with input as {"user": "bob"}

test_limit_from_data if limit == 3 with data.config.limit as 3

test_wrong_expectation if allow with input as {"user": "mallory"}

test_false_value := false

todo_test_later if false
`;

async function writePolicies(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

function outcomes(report: TestReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.name, r.outcome]));
}

async function captureStdout(run: () => Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await run();
    return { code, text: chunks.join('') };
  } finally {
    process.stdout.write = original;
  }
}

describe('policy test runner', function () {
  this.timeout(120_000);
  let root: string;
  let report: TestReport;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'policy-tests-'));
    await writePolicies(join(root, 'policies'), { 'rules.rego': POLICY, 'rules_test.rego': TESTS });
    report = await runPolicyTests({ paths: [join(root, 'policies')] });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes tests whose rule is true, with input and data replaced by with', () => {
    expect(report.errors).to.deep.equal([]);
    const o = outcomes(report);
    expect(o.test_alice_allowed).to.equal('PASS');
    expect(o.test_bob_denied).to.equal('PASS');
    expect(o.test_limit_from_data).to.equal('PASS');
  });

  it('fails tests that are undefined or false, and skips todo_ tests', () => {
    const o = outcomes(report);
    expect(o.test_wrong_expectation).to.equal('FAIL');
    expect(o.test_false_value).to.equal('FAIL');
    expect(o.todo_test_later).to.equal('SKIPPED');
    expect(reportPassed(report)).to.equal(false);
  });

  it('prints one line per test and the opa-test-style summary', () => {
    const text = formatPretty(report);
    expect(text).to.contain('policies/rules_test.rego:\n');
    expect(text).to.match(/^data\.app\.rules\.test_alice_allowed: PASS \(/m);
    expect(text).to.match(/^data\.app\.rules\.test_wrong_expectation: FAIL \(/m);
    expect(text).to.match(/^data\.app\.rules\.todo_test_later: SKIPPED$/m);
    expect(text).to.match(/^PASS: 3\/6$/m);
    expect(text).to.match(/^FAIL: 2\/6$/m);
    expect(text).to.match(/^SKIPPED: 1\/6$/m);
  });

  it('writes JSON results with locations', () => {
    const rows = JSON.parse(formatJson(report)) as Array<{ name: string; fail?: boolean; skip?: boolean; location: { row: number } }>;
    const wrong = rows.find((r) => r.name === 'test_wrong_expectation')!;
    expect(wrong.fail).to.equal(true);
    expect(wrong.location.row).to.equal(11);
    expect(rows.find((r) => r.name === 'todo_test_later')!.skip).to.equal(true);
  });

  it('runs only the tests matching --run, exiting 0 when they all pass', async () => {
    const { code, text } = await captureStdout(() =>
      policyCommand.run(['test', join(root, 'policies'), '--run', 'alice|bob']),
    );
    expect(code).to.equal(0);
    expect(text).to.match(/^PASS: 2\/2$/m);
    expect(text).to.not.contain('test_wrong_expectation');
  });

  it('exits non-zero on any failure and reports compile errors with their location', async () => {
    const failing = await captureStdout(() => policyCommand.run(['test', join(root, 'policies'), '--format', 'json']));
    expect(failing.code).to.equal(1);
    expect(JSON.parse(failing.text)).to.have.length(6);
    const broken = join(root, 'broken');
    await writePolicies(broken, { 'x_test.rego': 'package x\n\ntest_x if {\n  1 +\n}\n' });
    const result = await captureStdout(() => policyCommand.run(['test', broken]));
    expect(result.code).to.equal(1);
    expect(result.text).to.match(/broken\/x_test\.rego:\d+:\d+: /);
  });
});
