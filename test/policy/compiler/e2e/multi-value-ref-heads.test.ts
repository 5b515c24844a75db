import { expect } from 'chai';
import { CompileError } from '../../../../src/policy/compiler/index.js';
import { EvaluationError, Obj, fromJs, preparePolicy, toJs } from '../../../../src/policy/topdown/index.js';
import { compileAndLoad } from '../compile-and-load.js';

const POLICY = `package t

# A variable repeated in the ref: the same key twice.
obj.sub[x][x] contains x if some x in ["one", "two"]

obj[x][x] contains x if x := "whatever"

obj.fixed contains 1

by_team[team] contains name if {
	some p in input.people
	team := p.team
	name := p.name
}

main contains x if {
	x := obj.sub[_][_][_]
}
`;

const ENTRYPOINTS = ['t/obj', 't/by_team', 't/main'];
const INPUT = { people: [{ team: 'a', name: 'x' }, { team: 'b', name: 'y' }, { team: 'a', name: 'z' }, { team: 'a', name: 'x' }] };

const EXPECTED: Record<string, unknown> = {
  't/obj': { fixed: [1], sub: { one: { one: ['one'] }, two: { two: ['two'] } }, whatever: { whatever: ['whatever'] } },
  't/by_team': { a: ['x', 'z'], b: ['y'] },
  't/main': ['one', 'two'],
};

function evaluator(text: string, entrypoints: string[]) {
  const prepared = preparePolicy([{ path: 't.rego', text }], { entrypoints });
  return (ep: string, input: unknown) => (toJs(prepared.interpreter.evaluate(ep, fromJs(input), new Obj())) as Array<{ result: unknown }>)[0]?.result;
}

describe('multi-value rules with variables in their ref (general ref heads)', () => {
  it('build objects whose leaves are sets, merging multi-value rules under longer ground prefixes (evaluator)', () => {
    const run = evaluator(POLICY, ENTRYPOINTS);
    for (const ep of ENTRYPOINTS) expect(run(ep, INPUT), ep).to.deep.equal(EXPECTED[ep]);
  });

  it('give the same documents in the compiled module', async function () {
    this.timeout(120_000);
    const { policy } = await compileAndLoad({ 't.rego': POLICY }, { entrypoints: ENTRYPOINTS });
    for (const ep of ENTRYPOINTS) {
      const rows = policy.evaluate(INPUT, ep) as Array<{ result: unknown }>;
      expect(rows[0]!.result, ep).to.deep.equal(EXPECTED[ep]);
    }
  });

  it('stop the evaluation when one key would hold both a set and an object, instead of dropping elements', () => {
    const run = evaluator('package t\n\np[x] contains 1 if x := "a"\n\np[x][y] contains 2 if {\n\tx := "a"\n\ty := "b"\n}\n', ['t/p']);
    expect(() => run('t/p', {})).to.throw(EvaluationError, /holds both a set and an object/);
  });

  it('still refuse single-value and multi-value rules with variables under one path', () => {
    const text = 'package t\n\np[x] contains 1 if x := "a"\n\np[x] := 2 if x := "b"\n';
    expect(() => preparePolicy([{ path: 't.rego', text }], { entrypoints: ['t/p'] })).to.throw(CompileError, /t\.rego:5:1: rego_unsupported_error: unsupported: multi-value and single-value rules/);
  });
});
