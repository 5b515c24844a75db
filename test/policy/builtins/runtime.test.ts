import { expect } from 'chai';
import { hostBuiltins } from '../../../src/policy/builtins/index.js';
import { NotExactError } from '../../../src/policy/builtins/value.js';
import { runtimeBuiltins } from '../../../src/policy/builtins/impl/runtime.js';
import { Obj, fromJs, preparePolicy, toJs } from '../../../src/policy/topdown/index.js';

describe('opa.runtime and test.sleep', () => {
  it('opa.runtime answers an empty object: no environment, configuration or version reaches a policy', () => {
    process.env.H5_RUNTIME_PROBE = 'secret-value';
    try {
      expect(hostBuiltins['opa.runtime']!()).to.deep.equal({});
    } finally {
      delete process.env.H5_RUNTIME_PROBE;
    }
  });

  it('test.sleep returns null after waiting, at once for zero or negative durations', () => {
    const started = process.hrtime.bigint();
    expect(runtimeBuiltins['test.sleep']!('20ms')).to.equal(null);
    expect(process.hrtime.bigint() - started >= 19_000_000n).to.equal(true);
    expect(runtimeBuiltins['test.sleep']!('-5s')).to.equal(null);
    expect(runtimeBuiltins['test.sleep']!('0')).to.equal(null);
  });

  it('test.sleep stops the evaluation for waits past its bound and is undefined for a bad duration', () => {
    expect(() => runtimeBuiltins['test.sleep']!('2s')).to.throw(NotExactError, /longer than 1000 ms/);
    expect(() => hostBuiltins['test.sleep']!('2s')).to.throw(NotExactError);
    expect(hostBuiltins['test.sleep']!('ten seconds')).to.equal(undefined);
  });

  it('time.now_ns keeps its value across a sleep within one evaluation, as OPA caches it', () => {
    const text = 'package t\n\np if {\n\ttime.now_ns(t0)\n\ttest.sleep("5ms")\n\ttime.now_ns(t1)\n\tt0 == t1\n}\n';
    const prepared = preparePolicy([{ path: 't.rego', text }], { entrypoints: ['t/p'] });
    expect(toJs(prepared.interpreter.evaluate('t/p', fromJs({}), new Obj()))).to.deep.equal([{ result: true }]);
  });
});
