import { expect } from 'chai';
import { compileAndLoad } from '../compiler/compile-and-load.js';

/**
 * A number reaches sprintf with its text, as OPA keeps it (an ast.Number is its text): a number past
 * float64 prints as written (OPA falls back to the text when ParseFloat fails), a float written with a
 * fraction or exponent is a float64 even when integral (%d of 1.0), and nested numbers print as
 * written ([1.50]).
 */
const POLICY = `package t

beyond := sprintf("hi %v", [2e308])

beyond_d := sprintf("%d", [2e308])

integral_float := sprintf("%d %v", [1.0, 1e3])

nested := sprintf("%v", [[1.50, 2e308, {"x": 1e3}, 7]])

computed := sprintf("%v %v", [10 / 4, input.n * 1])
`;

describe('numbers crossing to sprintf with their text', function () {
  this.timeout(120_000);
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];

  before(async () => {
    ({ policy } = await compileAndLoad({ 't.rego': POLICY }, { entrypoints: ['t/beyond', 't/beyond_d', 't/integral_float', 't/nested', 't/computed'] }));
    policy.setData({});
  });

  const result = (entrypoint: string, input: unknown = {}) => (policy.evaluate(input, entrypoint) as { result: unknown }[])[0]?.result;

  it('prints a number past float64 as written (sprintf("hi %v", [2e308]) is "hi 2e308")', () => {
    expect(result('t/beyond')).to.equal('hi 2e308');
    expect(result('t/beyond_d')).to.equal('%!d(string=2e308)');
  });

  it('treats an integral number written as a float as a float64 (%d of 1.0 is "%!d(float64=1)")', () => {
    expect(result('t/integral_float')).to.equal('%!d(float64=1) 1000');
  });

  it('prints numbers inside arrays and objects as written', () => {
    expect(result('t/nested')).to.equal('[1.50, 2e308, {"x": 1e3}, 7]');
  });

  it('prints computed numbers as OPA writes them', () => {
    expect(result('t/computed', { n: 0.5 })).to.equal('2.5 0.5');
  });
});
