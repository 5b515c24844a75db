import { expect } from 'chai';
import { loadPlanned } from '../run-plan.js';
import { call, eq, group, n, not, obj, program, ref, rule, s, term, v } from '../ast-builders.js';

/** Hand-built normalised programs, planned, compiled and evaluated through the SDK. */
describe('planner: planned programs evaluate through the SDK', () => {
  type Policy = Awaited<ReturnType<typeof loadPlanned>>;
  let policy: Policy;

  before(async function () {
    // The first compilation loads the AssemblyScript compiler (several seconds on a busy machine).
    this.timeout(300_000);
    const p = program([
      group('complete', ['t', 'x'], [rule('complete', ['t', 'x'], { value: ref('input', 'x') })]),
      group('set', ['t', 's'], [rule('set', ['t', 's'], {
        key: v('__local1__'),
        body: [eq(v('__local1__'), ref('input', 'xs', v('__local0__'))), call('gt', v('__local1__'), n(1))],
      })]),
      group('function', ['t', 'f'], [rule('function', ['t', 'f'], {
        args: [v('__local2__')], value: v('__local3__'), body: [call('plus', v('__local2__'), n(10), v('__local3__'))],
      })], { arity: 1 }),
      group('complete', ['t', 'y'], [rule('complete', ['t', 'y'], { value: v('__local4__'), body: [call('data.t.f', ref('data', 't', 'x'), v('__local4__'))] })]),
      group('object', ['t', 'o'], [rule('object', ['t', 'o'], {
        keys: [v('__local5__')], value: v('__local6__'), body: [eq(v('__local6__'), ref('input', 'xs', v('__local5__')))],
      })]),
      group('complete', ['t', 'd'], [rule('complete', ['t', 'd'], { value: s('yes'), body: [not(term(ref('input', 'nope')))] })],
        { default: rule('complete', ['t', 'd'], { value: s('no'), default: true }) }),
      group('complete', ['t', 'c'], [
        rule('complete', ['t', 'c'], { value: n(1), body: [term(ref('input', 'a'))] }),
        rule('complete', ['t', 'c'], { value: n(2), body: [term(ref('input', 'b'))] }),
      ]),
      group('object', ['t', 'dup'], [
        rule('object', ['t', 'dup'], { keys: [s('k')], value: n(1) }),
        rule('object', ['t', 'dup'], { keys: [s('k')], value: ref('input', 'k') }),
      ]),
    ]);
    policy = await loadPlanned(p, [
      { name: 't/x', path: ['t', 'x'] }, { name: 't', path: ['t'] }, { name: 't/c', path: ['t', 'c'] }, { name: 't/dup', path: ['t', 'dup'] },
    ], [{ name: 'q', vars: ['z'], body: [eq(v('z'), ref('data', 't', 's'))] }]);
  });

  it('evaluates a complete rule to its value', () => {
    expect(policy.evaluate({ x: 5 }, 't/x')).to.deep.equal([{ result: 5 }]);
  });

  it('merges every rule of a package into its document', () => {
    expect(policy.evaluate({ x: 5, xs: [1, 2, 3] }, 't')).to.deep.equal([{
      result: { x: 5, s: [2, 3], y: 15, o: { 0: 1, 1: 2, 2: 3 }, d: 'yes', dup: { k: 1 } },
    }]);
  });

  it('uses the default value when no rule body holds', () => {
    expect(policy.evaluate({ nope: true }, 't')[0].result.d).to.equal('no');
  });

  it('binds query variables in result rows', () => {
    expect(policy.evaluate({ xs: [3, 1, 2] }, 'q')).to.deep.equal([{ z: [2, 3] }]);
  });

  it('raises a conflict when complete rules disagree', () => {
    expect(policy.evaluate({ a: true }, 't/c')).to.deep.equal([{ result: 1 }]);
    expect(() => policy.evaluate({ a: true, b: true }, 't/c')).to.throw().that.satisfies((e: unknown) => String(e).includes('var assignment conflict'));
  });

  it('raises an object insert conflict for clashing keys', () => {
    expect(policy.evaluate({ k: 1 }, 't/dup')).to.deep.equal([{ result: { k: 1 } }]);
    let thrown: unknown;
    try { policy.evaluate({ k: 2 }, 't/dup'); } catch (e) { thrown = e; }
    expect(String(thrown)).to.contain('object insert conflict');
  });

  void obj;
});
