import { expect } from 'chai';
import { callHostBuiltin, callHostBuiltinJson, hostBuiltins } from '../../../src/policy/builtins/index.js';
import { NotExactError } from '../../../src/policy/builtins/value.js';
import { PolicyEngine, PolicyUnavailableError } from '../../../src/policy/engine/index.js';
import { Obj, fromJs, preparePolicy, toJs } from '../../../src/policy/topdown/index.js';
import { compileBuild, recordingLogger } from '../engine/fixtures.js';

/**
 * OPA builds ranges and CIDR expansions of any size. The host stops past its bounds instead of
 * answering "undefined", because `not numbers.range(...)` would turn that into true (fail open).
 */
describe('host built-ins: a size bound stops the evaluation, never answers undefined', function () {
  this.timeout(60_000);

  it('numbers.range and numbers.range_step past a million numbers stop with NotExactError', () => {
    expect(() => hostBuiltins['numbers.range']!(1, 3_000_000)).to.throw(NotExactError, /numbers\.range: a range of more than 1000000 numbers/);
    expect(() => hostBuiltins['numbers.range']!(3_000_000, 1)).to.throw(NotExactError);
    expect(() => hostBuiltins['numbers.range_step']!(0, 30_000_000, 10)).to.throw(NotExactError, /numbers\.range_step/);
  });

  it('numbers.range keeps answering below the bound and for bad operands as OPA does', () => {
    expect(callHostBuiltin('numbers.range', 3, 1)).to.deep.equal([3, 2, 1]);
    expect(callHostBuiltin('numbers.range_step', 0, 10, 4)).to.deep.equal([0, 4, 8]);
    expect(callHostBuiltin('numbers.range_step', 0, 29_999_970, 30)).to.have.length(1_000_000);
    expect(callHostBuiltin('numbers.range_step', 0, 10, 0)).to.equal(undefined);
    expect(callHostBuiltin('numbers.range', 1.5, 3)).to.equal(undefined);
  });

  it('numbers.range counts wide integers exactly instead of rounding them to float64', () => {
    const from = { '\u0000num': '123456789123456789120' };
    const to = { '\u0000num': '123456789123456789122' };
    expect(callHostBuiltinJson('numbers.range', from, to)).to.equal(
      '[123456789123456789120,123456789123456789121,123456789123456789122]',
    );
  });

  it('net.cidr_expand past 65,536 addresses stops with NotExactError; smaller CIDRs expand', () => {
    expect(() => hostBuiltins['net.cidr_expand']!('10.0.0.0/8')).to.throw(NotExactError, /net\.cidr_expand: a CIDR of more than 65536 addresses/);
    expect(() => hostBuiltins['net.cidr_expand']!('2001:db8::/64')).to.throw(NotExactError);
    expect(callHostBuiltin('net.cidr_expand', '10.0.0.0/30')).to.deep.equal(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(callHostBuiltin('net.cidr_expand', 'not a cidr')).to.equal(undefined);
  });

  it('time built-ins refuse a fractional or out-of-int64 timestamp or duration as OPA does, instead of truncating or answering it', () => {
    expect(callHostBuiltin('time.date', 1.5)).to.equal(undefined);
    expect(callHostBuiltin('time.date', 9.25e18)).to.equal(undefined);
    expect(callHostBuiltin('time.date', 0)).to.deep.equal([1970, 1, 1]);
    expect(callHostBuiltin('time.parse_duration_ns', '9999999999999h')).to.equal(undefined);
    expect(callHostBuiltinJson('time.parse_duration_ns', '2562047h')).to.equal('9223369200000000000');
    expect(callHostBuiltinJson('time.parse_duration_ns', '-9223372036854775808ns')).to.equal('-9223372036854775808');
    expect(callHostBuiltin('time.parse_duration_ns', '9223372036854775808ns')).to.equal(undefined);
  });

  it("the JavaScript engine's own limits (here the call stack) stop the evaluation instead of answering undefined", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => hostBuiltins['json.marshal']!(deep)).to.throw(NotExactError, /json\.marshal: .*Maximum call stack size exceeded/);
    expect(() => hostBuiltins['walk']!(deep)).to.throw(NotExactError);
  });

  it('bits.lsh past 65,536 bits and rand.intn past 2^48 stop instead of answering undefined', () => {
    expect(() => hostBuiltins['bits.lsh']!(1, 70_000)).to.throw(NotExactError, /bits\.lsh: a shift by more than 65536 bits/);
    expect(() => hostBuiltins['rand.intn']!('seed', 2 ** 50)).to.throw(NotExactError, /rand\.intn/);
    expect(callHostBuiltin('bits.lsh', 0, 70_000)).to.equal(0);
    expect(typeof callHostBuiltin('rand.intn', 'seed', 2 ** 48 - 1)).to.equal('number');
  });

  it('an integer operand past int64 is undefined as in OPA (IntOperand), not rounded to float64 and used', () => {
    const wide = { '\u0000num': '123456789123456789123' };
    expect(callHostBuiltin('substring', 'abc', 0, wide)).to.equal(undefined);
    expect(callHostBuiltin('array.slice', [1, 2, 3], 0, wide)).to.equal(undefined);
    expect(callHostBuiltin('substring', 'abc', 0, 2)).to.equal('ab');
  });

  it('bits.* keep every bit of a wide integer (big.Int) instead of rounding it through float64', () => {
    const big = { '\u0000num': '1152921504606846977' }; // 2^60 + 1
    expect(callHostBuiltin('bits.and', big, 1)).to.equal(1);
    expect(callHostBuiltinJson('bits.or', big, 2)).to.equal('1152921504606846979');
    expect(callHostBuiltinJson('bits.negate', big)).to.equal('-1152921504606846978');
  });

  const DENY_UNLESS_RANGE = 'package t\n\ndeny if not numbers.range(1, 3000000)\n\ndeny_cidr if not net.cidr_expand("10.0.0.0/8")\n';

  it('a deny rule guarded by `not numbers.range(big)` fails closed in the compiled module (engine refuses)', async () => {
    const build = await compileBuild(DENY_UNLESS_RANGE, ['t/deny', 't/deny_cidr']);
    const engine = await PolicyEngine.open({ build }, { logger: recordingLogger() });
    for (const entrypoint of ['t/deny', 't/deny_cidr']) {
      const err = (() => {
        try {
          return engine.evaluate(entrypoint, {});
        } catch (e) {
          return e;
        }
      })();
      expect(err, entrypoint).to.be.instanceOf(PolicyUnavailableError);
      expect((err as PolicyUnavailableError).failure).to.equal('evaluation_failed');
      expect((err as Error).message).to.match(/not supported by this engine/);
    }
  });

  it('a deny rule guarded by `not numbers.range(big)` fails closed in the evaluator too', () => {
    const prepared = preparePolicy([{ path: 't.rego', text: DENY_UNLESS_RANGE }], { entrypoints: ['t/deny', 't/deny_cidr'] });
    expect(() => toJs(prepared.interpreter.evaluate('t/deny', fromJs({}), new Obj()))).to.throw(/not supported by this engine/);
    expect(() => toJs(prepared.interpreter.evaluate('t/deny_cidr', fromJs({}), new Obj()))).to.throw(/not supported by this engine/);
  });
});
