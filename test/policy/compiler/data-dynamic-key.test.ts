import { expect } from 'chai';
import { compileAndLoad } from './compile-and-load.js';
import { fromJs, preparePolicy, toJs } from '../../../src/policy/topdown/index.js';

/**
 * `data[first]` with a key known only at run time, from a rule that lives under `data` itself (OPA
 * issue 7399): each package is looked at only when the key names it, as OPA's planner does, instead
 * of building the whole data document (which holds the rule and made the module call itself
 * without end). Keys no rule defines read base data.
 */
const SOURCES = {
  'test.rego': `package test

p := data[first].allow.see.something_else if first := "primary"

listed := [x | some k in ["primary", "unrelated", "nope", "base"]; x := data[k].allow]

by_input := data[input.k].allow
`,
  'primary.rego': `package primary

allow[action].something if action := "show"

allow.see.something_else if true
`,
  'unrelated.rego': `package unrelated

allow.other.stuff if true
`,
};
const DATA = { base: { allow: 'B' }, unrelated: { allow: { extra: 1 } } };
const ENTRYPOINTS = ['test/p', 'test/listed', 'test/by_input'];

describe('data[key] with a key known only at run time, from a rule under data', function () {
  this.timeout(120_000);
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];

  before(async () => {
    ({ policy } = await compileAndLoad(SOURCES, { entrypoints: ENTRYPOINTS }));
    policy.setData(DATA);
  });

  it('answers data[first].allow.see.something_else as OPA does (true) instead of recursing', () => {
    expect(policy.evaluate({}, 'test/p')).to.deep.equal([{ result: true }]);
  });

  it('reads rule documents merged with base data, and base data for keys no rule defines', () => {
    const expected = [
      { see: { something_else: true }, show: { something: true } },
      { extra: 1, other: { stuff: true } },
      'B',
    ];
    expect(policy.evaluate({}, 'test/listed')).to.deep.equal([{ result: expected }]);
    expect(policy.evaluate({ k: 'base' }, 'test/by_input')).to.deep.equal([{ result: 'B' }]);
    expect(policy.evaluate({ k: 'nope' }, 'test/by_input')).to.deep.equal([]);
  });

  it('gives the evaluator the same answers', () => {
    const files = Object.entries(SOURCES).map(([path, text]) => ({ path, text }));
    const evaluator = preparePolicy(files, { entrypoints: ENTRYPOINTS }).interpreter;
    for (const [ep, input] of [['test/p', {}], ['test/listed', {}], ['test/by_input', { k: 'unrelated' }]] as const) {
      expect(toJs(evaluator.evaluate(ep, fromJs(input), fromJs(DATA) as never)), ep).to.deep.equal(policy.evaluate(input, ep));
    }
  });
});
