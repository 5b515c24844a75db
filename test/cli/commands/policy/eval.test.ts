import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import policyCommand from '../../../../src/cli/commands/policy.js';
import { captureQuery, evalOutput } from '../../../../src/cli/commands/policy/eval-output.js';
import { queryOf } from '../../../../src/cli/commands/policy/eval.js';
import { captureOutput } from '../../../support/capture-output.js';

const POLICY = `package app

allow if input.user == "alice"

limit := n if {
	n := input.n * 2
	n > 4
}
`;

describe('policy eval: opa eval\'s JSON output', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-eval-'));
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'app.rego'), POLICY);
    await writeFile(join(dir, 'alice.json'), '{"user": "alice", "n": 1}');
    await writeFile(join(dir, 'broken.json'), '{"user": ');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => captureOutput(() => policyCommand.run(['eval', '--policies', join(dir, 'app'), ...args]));

  it('prints {"result": [{"expressions": [{value, text, location}]}]} for a rule, named as data.x.y or x/y', async () => {
    const expected = { result: [{ expressions: [{ value: true, text: 'data.app.allow', location: { row: 1, col: 1 } }] }] };
    const dotted = await run('--input', join(dir, 'alice.json'), 'data.app.allow');
    expect(dotted.code).to.equal(0);
    expect(JSON.parse(dotted.out)).to.deep.equal(expected);
    expect(JSON.parse((await run('--input', join(dir, 'alice.json'), 'app/allow')).out)).to.deep.equal(expected);
  });

  it('prints {} when the query is undefined', async () => {
    const { code, out } = await run('data.app.allow');
    expect(code).to.equal(0);
    expect(JSON.parse(out)).to.deep.equal({});
  });

  it('gives each expression its text and position, true for assignments, and the bindings of each row', async () => {
    const { out } = await run('x := [1, 2, 3][_]\nx > 1');
    expect(JSON.parse(out)).to.deep.equal({
      result: [2, 3].map((x) => ({
        expressions: [
          { value: true, text: 'x := [1, 2, 3][_]', location: { row: 1, col: 1 } },
          { value: true, text: 'x > 1', location: { row: 2, col: 1 } },
        ],
        bindings: { x },
      })),
    });
  });

  it('captures the value of a lone term or comparison (false is a value), as OPA does, but a false among several expressions is undefined', async () => {
    const alone = JSON.parse((await run('1 == 2')).out) as { result: Array<{ expressions: Array<{ value: unknown }> }> };
    expect(alone.result[0]!.expressions[0]!.value).to.equal(false);
    const counted = JSON.parse((await run('count([1, 2])')).out) as typeof alone;
    expect(counted.result[0]!.expressions[0]!.value).to.equal(2);
    expect(JSON.parse((await run('x := 1; 1 == 2')).out)).to.deep.equal({});
  });

  it('prints the trace before the result with --explain fails', async () => {
    const { code, out } = await run('--input', join(dir, 'alice.json'), '--explain', 'fails', 'data.app.limit');
    expect(code).to.equal(0);
    expect(out).to.match(/app\/app\.rego:5\s+Enter data\.app\.limit/);
    expect(out).to.match(/app\/app\.rego:7\s+\| Fail /);
    expect(JSON.parse(out.slice(out.lastIndexOf('\n{')))).to.deep.equal({});
  });

  it('refuses a missing or broken input file and an unknown --explain mode with a clear message, no stack trace', async () => {
    const missing = await run('--input', join(dir, 'nope.json'), 'data.app.allow');
    expect(missing.code).to.equal(1);
    expect(missing.err).to.equal(`agent-gateway policy eval: --input ${join(dir, 'nope.json')}: no such file\n`);
    const broken = await run('--input', join(dir, 'broken.json'), 'data.app.allow');
    expect(broken.code).to.equal(1);
    expect(broken.err).to.match(/--input .*broken\.json is not JSON/);
    expect((await run('--explain', 'some', 'data.app.allow')).code).to.equal(2);
  });

  it('prints each number with the text OPA gives it: computed 1e308 * 10 in full, 10 / 11 at 64 bits, input 1.0 as 1.0, and JSON.parse-identical output otherwise', async () => {
    await writeFile(join(dir, 'numbers.json'), '{"one": 1.0, "x": [1.50, 2e3, 7]}');
    const { code, out } = await run('--input', join(dir, 'numbers.json'), '[1e308 * 10, 10 / 11, input.one, input.x, json.marshal(input.one)]');
    expect(code).to.equal(0);
    expect(out).to.include(`"value": [\n            1${'0'.repeat(309)},\n            0.90909090909090909093,\n            1.0,\n            [\n              1.50,\n              2e3,\n              7\n            ],\n            "1.0"\n          ]`);
    const plain = await run('x := [1, 2, 3][_]\nx > 1');
    expect(plain.out).to.equal(JSON.stringify(JSON.parse(plain.out), null, 2) + '\n');
  });

  it('treats an input number written 1.0 as OPA does: not an array index, not an int operand', async () => {
    await writeFile(join(dir, 'one.json'), '{"one": 1.0, "int": 1}');
    const { out } = await run('--input', join(dir, 'one.json'), '{"lookup": [x | x := ["a", "b"][input.int]], "float": [x | x := ["a", "b"][input.one]], "substring": [x | x := substring("hello", input.one, 2)]}');
    expect(JSON.parse(out).result[0].expressions[0].value).to.deep.equal({ lookup: ['b'], float: [], substring: [] });
  });

  it('refuses what policy build refuses (a deprecated built-in) at file:line:col instead of answering', async () => {
    const file = join(dir, 'deprecated.rego');
    await writeFile(file, 'package old\n\na := any([true])\n');
    const { code, out, err } = await captureOutput(() => policyCommand.run(['eval', '--policies', file, 'data.old.a']));
    expect(code).to.equal(1);
    expect(out).to.equal('');
    expect(err).to.match(/deprecated\.rego:3:6: rego_type_error: deprecated built-in function calls in expression: any/);
  });

  it('takes a single .rego file for --policies, as opa eval -d does', async () => {
    const { code, out } = await captureOutput(() => policyCommand.run(['eval', '--policies', join(dir, 'app', 'app.rego'), '--input', join(dir, 'alice.json'), 'data.app.allow']));
    expect(code).to.equal(0);
    expect(JSON.parse(out).result[0].expressions[0].value).to.equal(true);
  });

  it('splits a query into expressions and names its captures apart from the query\'s own variables', () => {
    const q = captureQuery('capture_0 := 1; capture_0 == 1');
    expect(q.expressions.map((e) => [e.text, e.row, e.col, e.capture])).to.deep.equal([
      ['capture_0 := 1', 1, 1, undefined],
      ['capture_0 == 1', 1, 17, 'capture_1'],
    ]);
    expect(q.query).to.equal('capture_0 := 1\ncapture_1 = capture_0 == 1\ncapture_1');
    expect(evalOutput([], q.expressions)).to.deep.equal({});
    expect(queryOf('gateway/decision')).to.equal('data.gateway.decision');
    expect(queryOf('data.gateway.decision')).to.equal('data.gateway.decision');
  });
});
