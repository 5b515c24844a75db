import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CaseOutcome,
  type CaseRef,
  folderTable,
  listCases,
  loadCaseFile,
  readWasmSkips,
  runCase,
  summarise,
  summaryLine,
} from '../../../src/policy/conformance/index.js';

const CASES = `---
cases:
  - note: demo/sets sorted
    query: data.demo.s = x
    sort_bindings: true
    modules:
      - |
        package demo
        s contains v if some v in ["b", "a", "c"]
    want_result:
      - x: ["c", "a", "b"]
  - note: demo/wrong
    query: data.demo.v = x
    modules:
      - |
        package demo
        v := 1
    want_result:
      - x: 2
  - note: demo/strict error means empty
    query: x = 1 / 0
    strict_error: true
    want_error_code: eval_builtin_error
  - note: demo/conflict
    query: data.demo.c = x
    input: {"a": 1, "b": 2}
    modules:
      - |
        package demo
        c := input.a
        c := input.b
    want_error_code: eval_conflict_error
  - note: demo/falsy input and big data
    query: input = x; data.big = y
    input: false
    data: {"big": 12345678901234567890}
    want_result:
      - x: false
        y: 12345678901234567890
  - note: demo/skipped
    query: x = 1
    want_result:
      - x: 1
  - note: demo/refused
    query: data.demo.r = x
    modules:
      - |
        package demo
        r if y
    want_result:
      - x: true
  - note: demo/run-time error
    query: data.demo.c = x
    input: {"a": 1, "b": 2}
    modules:
      - |
        package demo
        c := input.a
        c := input.b
    want_result:
      - x: 1
  - note: demo/strict error answered
    query: x = 1 + 1
    strict_error: true
    want_error_code: eval_type_error
`;

const SKIPS = `| file | note | upstream reason |
| --- | --- | --- |
| demo/test-demo.yaml | demo/skipped | integers wider than 64 bits |
`;

describe('conformance harness: the suite README rules', function () {
  this.timeout(300_000);
  let dir: string;
  const outcomes = new Map<string, CaseOutcome>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-'));
    await mkdir(join(dir, 'demo'));
    await writeFile(join(dir, 'demo', 'test-demo.yaml'), CASES);
    await writeFile(join(dir, 'WASM_SKIPS.md'), SKIPS);
    for (const c of await loadCaseFile(dir, 'demo/test-demo.yaml')) outcomes.set(c.note, await runCase(c));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('compares set results as sorted arrays when sort_bindings is set', () => {
    expect(outcomes.get('demo/sets sorted')).to.deep.equal({ status: 'passed' });
  });

  it('fails a wrong result, classifies it as wrong and says what it got and wanted', () => {
    const o = outcomes.get('demo/wrong')!;
    expect(o.status).to.equal('failed');
    expect(o.failure).to.equal('wrong');
    expect(o.reason).to.match(/got \[\{"x":1\}\], want \[\{"x":2\}\]/);
  });

  it('classifies a compile error as a refusal, not a wrong result', () => {
    expect(outcomes.get('demo/refused')).to.include({ status: 'failed', failure: 'refused' });
  });

  it('classifies an evaluation error where a result was expected as a run-time error', () => {
    expect(outcomes.get('demo/run-time error')).to.include({ status: 'failed', failure: 'error' });
  });

  it('classifies an answer where OPA raises a strict error as a wrong result', () => {
    expect(outcomes.get('demo/strict error answered')).to.include({ status: 'failed', failure: 'wrong' });
  });

  it('expects an empty result for a strict-error case', () => {
    expect(outcomes.get('demo/strict error means empty')).to.deep.equal({ status: 'passed' });
  });

  it('expects a conflict error for an error case without strict_error', () => {
    expect(outcomes.get('demo/conflict')).to.deep.equal({ status: 'passed' });
  });

  it('passes a false input through and loads data holding integers beyond 2^53', () => {
    expect(outcomes.get('demo/falsy input and big data')).to.deep.equal({ status: 'passed' });
  });

  it('skips the cases listed in WASM_SKIPS.md and counts them per folder', async () => {
    const refs = await listCases(dir);
    const skips = await readWasmSkips(dir);
    expect([...skips.keys()]).to.deep.equal(['demo/test-demo.yaml :: demo/skipped']);
    const results = new Map<CaseRef, CaseOutcome>();
    for (const ref of refs) {
      results.set(ref, skips.has(`${ref.file} :: ${ref.note}`) ? { status: 'skipped' } : outcomes.get(ref.note)!);
    }
    const summary = summarise(refs, results);
    expect(summary).to.include({ passed: 4, failed: 4, skipped: 1 });
    expect(summary.failures).to.deep.equal({ wrong: 2, refused: 1, error: 1 });
    expect(folderTable(summary)).to.contain('| demo | 9 | 4 | 4 | 1 |');
    expect(summaryLine(summary)).to.equal(
      'conformance: 4 passed, 4 failed (2 wrong results, 1 refused at compile time, 1 run-time errors)',
    );
  });
});
