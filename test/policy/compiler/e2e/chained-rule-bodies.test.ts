import { expect } from 'chai';
import { Obj, fromJs, toJs } from '../../../../src/policy/topdown/index.js';
import { loadInBoth, type LoadedInBoth } from '../compile-and-load.js';

/**
 * Bodies chained after a rule body (`p if { a } { b }`) are further definitions of the same head,
 * as OPA's parseRules reads them: the rule holds when any body does. Both engines must give OPA's
 * answer.
 */
const POLICY = `package t

allow if { input.role == "admin" } { input.owner == input.user }

tags contains t if { some t in input.a }
	{ some t in input.b }

kind(x) := "small" if x < 10 { x == 10 }

any_arg(_) := true if { input.on } { false }

on := any_arg(1)

by_key[k] := v if { some k, v in input.left } {
	some k, v in input.right
}

obj.deep.val := 7 if input.a[0] == 1 { input.b[0] == 2 }

kinds := [kind(3), kind(10)] if true

pick := x if { x := input.x } { x := input.y }
`;

const ENTRYPOINTS = ['t/allow', 't/tags', 't/on', 't/by_key', 't/obj', 't/kinds', 't/pick'];

describe('chained rule bodies (p if { a } { b }) in the compiled module and the evaluator', () => {
  let loaded: LoadedInBoth;
  before(async function () {
    this.timeout(180_000);
    loaded = await loadInBoth(POLICY, ENTRYPOINTS, {});
  });

  const both = (ep: string, input: unknown): unknown => {
    const fromModule = loaded.module.evaluate(input, ep);
    const fromEvaluator = toJs(loaded.prepared.interpreter.evaluate(ep, fromJs(input), new Obj()));
    expect(fromEvaluator, ep).to.deep.equal(fromModule);
    return (fromModule as Array<{ result: unknown }>)[0]?.result;
  };

  it('hold when any one of the bodies holds (complete rules)', () => {
    expect(both('t/allow', { role: 'admin' })).to.equal(true);
    expect(both('t/allow', { role: 'dev', owner: 'ann', user: 'ann' })).to.equal(true);
    expect(both('t/allow', { role: 'dev', owner: 'ann', user: 'bob' })).to.equal(undefined);
    expect(both('t/obj', { a: [1], b: [0] })).to.deep.equal({ deep: { val: 7 } });
    expect(both('t/obj', { a: [0], b: [2] })).to.deep.equal({ deep: { val: 7 } });
  });

  it('collect the elements and keys of every body (multi-value and object rules, chained across lines)', () => {
    expect(both('t/tags', { a: ['x'], b: ['y', 'x'] })).to.deep.equal(['x', 'y']);
    expect(both('t/by_key', { left: { a: 1 }, right: { b: 2 } })).to.deep.equal({ a: 1, b: 2 });
  });

  it('define functions by each body, wildcard arguments included', () => {
    expect(both('t/kinds', {})).to.deep.equal(['small', 'small']);
    expect(both('t/on', { on: true })).to.equal(true);
    expect(both('t/on', { on: false })).to.equal(undefined);
  });

  it('stop as OPA does when two bodies give a complete rule different values', () => {
    expect(both('t/pick', { x: 1 })).to.equal(1);
    expect(both('t/pick', { x: 1, y: 1 })).to.equal(1);
    expect(() => loaded.module.evaluate({ x: 1, y: 2 }, 't/pick')).to.throw(/complete rules must not produce multiple outputs/);
    expect(() => loaded.prepared.interpreter.evaluate('t/pick', fromJs({ x: 1, y: 2 }), new Obj())).to.throw(/complete rules must not produce multiple outputs/);
  });
});
