import { expect } from 'chai';
import { gatewayPolicyData, type DecisionInput, type ToolCatalogue } from '../../../src/policy/index.js';
import {
  CoverageCollector, EvaluationError, Obj, TraceRecorder, coverageReport, explainDecision, formatFailure, formatTrace,
  fromJs, lastFailure, preparePolicy, toJs,
} from '../../../src/policy/topdown/index.js';

const POLICY = `package t

default allow := false

allow if {
	some x in input.xs
	x > 2
	y := x * 2
	y == 8
}

names contains upper(n) if {
	some n in input.names
}

conflict := x if {
	some x in input.xs
}

test_first_is_seven if {
	x := input.xs[0]
	x == 7
}
`;

const FILES = [{ path: 'p/t.rego', text: POLICY }];

describe('policy evaluator (src/policy/topdown): results, traces, coverage, variable values', () => {
  const prepared = preparePolicy(FILES, { entrypoints: ['t/allow', 't/names', 't/conflict', 't/test_first_is_seven'] });
  const run = (ep: string, input: unknown, tracer?: TraceRecorder | CoverageCollector) =>
    toJs(prepared.interpreter.evaluate(ep, fromJs(input), new Obj(), tracer ? { tracer } : {}));

  it('evaluates entrypoints to the module\'s result rows, sets sorted as OPA prints them', () => {
    expect(run('t/allow', { xs: [1, 4] })).to.deep.equal([{ result: true }]);
    expect(run('t/allow', { xs: [1, 3] })).to.deep.equal([{ result: false }]);
    expect(run('t/names', { names: ['b', 'a', 'b'] })).to.deep.equal([{ result: ['A', 'B'] }]);
  });

  it('aborts a complete rule with two values as the module does (var assignment conflict)', () => {
    expect(() => run('t/conflict', { xs: [1, 2] })).to.throw(EvaluationError, /complete rules must not produce multiple outputs/);
    expect(run('t/conflict', { xs: [5, 5] })).to.deep.equal([{ result: 5 }]);
  });

  it('traces the rule entered, each expression evaluated or failed, and the rule that fired, with file:line', () => {
    const recorder = new TraceRecorder();
    run('t/allow', { xs: [1, 4] }, recorder);
    const text = formatTrace(recorder.events, 'full', prepared.sourceNames);
    expect(text.split('\n')[0]).to.equal('p/t.rego:5 Enter data.t.allow');
    expect(text).to.contain('p/t.rego:7 | Fail x > 2');
    expect(text).to.contain('p/t.rego:9 | Eval y == 8');
    expect(text.split('\n').at(-1)).to.equal('p/t.rego:5 Exit data.t.allow');
    const fails = formatTrace(recorder.events, 'fails', prepared.sourceNames).split('\n');
    expect(fails).to.deep.equal(['p/t.rego:5 Enter data.t.allow', 'p/t.rego:7 | Fail x > 2']);
  });

  it('shows the failing expression with the value of each of its variables', () => {
    const recorder = new TraceRecorder();
    run('t/test_first_is_seven', { xs: [3] }, recorder);
    const failure = lastFailure(recorder.events)!;
    expect(formatFailure(failure, prepared.sourceNames)).to.equal(['  p/t.rego:22:', '      x == 7', '      |', '      3'].join('\n'));
  });

  it('counts covered and not covered lines per file as opa test --coverage does', () => {
    const collector = new CoverageCollector();
    run('t/allow', { xs: [1] }, collector);
    const report = coverageReport(collector, prepared.coverable);
    const file = report.files['p/t.rego']!;
    // The default rule fired (line 3); allow's head (5) is covered only when its body succeeds.
    expect(file.covered).to.deep.equal([{ start: { row: 3 }, end: { row: 3 } }, { start: { row: 6 }, end: { row: 7 } }]);
    expect(file.not_covered).to.deep.equal([
      { start: { row: 5 }, end: { row: 5 } }, { start: { row: 8 }, end: { row: 9 } }, { start: { row: 12 }, end: { row: 13 } },
      { start: { row: 16 }, end: { row: 17 } }, { start: { row: 20 }, end: { row: 22 } },
    ]);
    expect(report.coverage).to.be.closeTo((100 * 3) / (3 + 10), 1e-9);
  });
});

describe('explainDecision: the rules that decided a gateway decision', function () {
  this.timeout(60_000);
  const catalogue: ToolCatalogue = { get_work_item: { kind: 'read' }, create_work_item: { kind: 'write' } };
  const input = (tool: 'get_work_item' | 'create_work_item'): DecisionInput => ({
    agent: { id: 'agent-1', owner_user_id: 'user-1', status: 'active', display_name: 'codex' },
    token: { id: 'tok-1', expires_at: '2030-01-01T00:00:00.000Z' },
    grants: [{ id: 'g1', workspace: 'acme', projects: ['P1'], tools: ['read'], constraints: {}, expires_at: null }],
    action: { tool, kind: catalogue[tool]!.kind, args: {} },
    resource: { workspace: 'acme', project: 'P1', work_item: null },
    request: { transport: 'rest', request_id: 'req-1', idempotency_key: null, time: '2026-03-01T12:00:00.000Z' },
    usage: { calls_last_minute: 0, writes_last_hour: 0 },
  });

  it('names the decision rule and the rules it used, each with its file and line in policies/gateway', async () => {
    const rules = await explainDecision(input('get_work_item'), { data: gatewayPolicyData(catalogue) });
    expect(rules.map((r) => r.rule)).to.include('data.gateway.decision');
    for (const r of rules) {
      expect(r.file).to.match(/^policies\/gateway\/[a-z_]+\.rego$/);
      expect(r.line).to.be.greaterThan(0);
    }
    const denied = await explainDecision(input('create_work_item'), { data: gatewayPolicyData(catalogue) });
    expect(denied.map((r) => r.rule)).to.not.deep.equal(rules.map((r) => r.rule));
  });
});
