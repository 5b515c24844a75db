import { expect } from 'chai';
import { EvaluationError, Obj, fromJs, parseJson, preparePolicy, toJs } from '../../../../src/policy/topdown/index.js';
import { compileAndLoad, loadInBoth, type LoadedInBoth } from '../compile-and-load.js';

/**
 * OPA's float arithmetic (topdown/arithmetic.go, aggregates.go): operands read from their text as
 * big.Float with a 64-bit mantissa (half to even), one rounded operation, the result written by
 * builtins.FloatToNumber (Text('f', -1) when integral, else Text('g', -1), -1 being math/big's
 * roundShortest). Each vector runs through the compiled module and the TypeScript evaluator, which
 * must both give OPA's text (json.marshal shows the number's text as it is).
 */
const VECTORS: [string, string][] = [
  // 10/11 at 64 bits is m * 2^-64 with m = 16769767339735956015, i.e. 0.909090909090909090933731...;
  // half an ulp (2^-65) either side: 0.9090909090909090909066... and 0.9090909090909090909608...
  // The digits agree with both bounds up to the 19th; at the 20th, x has 3, the lower bound 0 and
  // the upper 6, so both truncating and rounding up stay inside and roundShortest rounds x to 20
  // digits: ...0933 -> ...093. (Not ...091, which docs/CONFORMANCE.md used to quote.)
  ['10 / 11', '0.90909090909090909093'],
  // 1/3 at 64 bits is 0.333333333333333333342368...; bounds 0.3333333333333333333288... and
  // 0.3333333333333333333559...: the 20th digit is 4 in x, 2 in the lower and 5 in the upper bound,
  // both ways are allowed, and x rounded to 20 digits is ...334.
  ['1 / 3', '0.33333333333333333334'],
  // 0.1 and 0.2 read at 64 bits sum exactly to 0.30000000000000000000406..., rounded to
  // 0.30000000000000000001084 (ulp 2^-65); its interval [0.299999999999999999997289...,
  // 0.300000000000000000024394...] holds 0.3, one digit.
  ['0.1 + 0.2', '0.3'],
  ['0.1 + 0.2 == 0.3', 'true'],
  ['0.3 * 1 == 0.3', 'true'],
  // Numbers compare as the exact rationals of their texts, though both read as the same float64.
  ['0.30000000000000001 == 0.3', 'false'],
  ['0.30000000000000001 > 0.3', 'true'],
  ['sort([0.30000000000000001, 0.3, 0.29999999999999999])', '[0.29999999999999999,0.3,0.30000000000000001]'],
  ['1.0 == 1', 'true'],
  // big.Float's exponent does not overflow: the product is an integer, written in full ('f') with
  // its shortest digits, "1", padded with zeros.
  ['1e308 * 10', `1${'0'.repeat(309)}`],
  // Ints with a zero dividend take the float path: +0 / -2 is -0, and 'f' writes its sign.
  ['0 / -2', '-0'],
  ['0 / 2', '0'],
  ['-0.0 * 1', '-0'],
  ['7 / 2', '3.5'],
  ['6 / 3', '2'],
  // round is half away from zero: trunc(2.5 + 0.5), trunc(-2.5 - 0.5).
  ['[round(2.5), round(-2.5), round(2.4999), round(-0.4)]', '[3,-3,2,0]'],
  // 0.5 - 2^-65 is exact at 64 bits; adding 0.5 gives 1 - 2^-65, which needs 65 bits: a tie
  // between 1 - 2^-64 (odd mantissa) and 1 (even), so the sum is 1 and OPA's round gives 1.
  ['round(0.49999999999999999997289457264239899814128875732421875)', '1'],
  // OPA's arithCeil and arithFloor truncate first; a value in (-1, 0) truncates to +0, which is
  // neither negative nor equal to x, so ceil adds one and floor keeps it.
  ['[ceil(-0.5), floor(-0.5), ceil(-1.5), floor(-1.5), ceil(1.2), floor(1.2)]', '[1,0,-1,-2,2,1]'],
  // 1e30 at 64 bits is the integer below, which ceil keeps (SetInt: all its digits).
  ['ceil(1e30)', '1000000000000000000024696061952'],
  // A tie when reading: 1 + 2^-64 is half-way between 1 and 1 + 2^-63; the even mantissa is 1's.
  ['1.0000000000000000000542101086242752217003726400434970855712890625 * 1', '1'],
  // 1 + 3 * 2^-64 is half-way between 1 + 2^-63 (odd) and 1 + 2^-62 (even): it reads as 1 + 2^-62
  // = 1.00000000000000000021684..., whose interval (half an ulp, 2^-64, either side) starts at
  // 1.00000000000000000016263... and ends at 1.00000000000000000027105...: 1.0000000000000000002.
  ['1.0000000000000000001626303258728256651011179201304912567138671875 * 1', '1.0000000000000000002'],
  // 2^-256: roundShortest takes half an ulp (2^-320) on both sides even at a power of two, where
  // the gap below is half as wide, so it prints 19 digits, 8.636168555094444625e-78, 3.9e-97 below
  // x: inside Go's symmetric interval though it reads back as the float below (strconv's rule
  // would not allow it).
  [`1 / ${2n ** 256n}`, '8.636168555094444625e-78'],
  // %f while the decimal exponent is in [-4, 6), %e (at least two exponent digits) outside it;
  // integral values always %f.
  ['0.0001 * 1', '0.0001'],
  ['0.00001 * 1', '1e-05'],
  ['0.00005 * 1', '5e-05'],
  ['999999.5 * 1', '999999.5'],
  ['1000000.5 * 1', '1.0000005e+06'],
  ['1234567.5 * 1', '1.2345675e+06'],
  ['1e6 * 1.5', '1500000'],
  // Far beyond float64 both ways: 1e-400 reads as the 64-bit float nearest it, whose shortest text
  // is 1e-400 again; 1e400 / 3 is integral, its 20 shortest digits padded with zeros.
  ['1e-400 * 1', '1e-400'],
  // 1e-400 * 1e-400: the product of the two 64-bit values rounds to a float whose interval lies
  // just below 1e-800, so 19 nines are needed.
  ['1e-400 * 1e-400', '9.999999999999999999e-801'],
  ['1e400 / 3', `33333333333333333334${'0'.repeat(380)}`],
  // Trailing zeros are not significant digits: 5,000 of them stay within the 4,000-digit limit.
  [`1.${'0'.repeat(5000)} * 0.5`, '0.5'],
  // A wide integer with a float: both read at 64 bits (2^64 + 1 rounds to 2^64).
  ['18446744073709551617 + 0.5', '18446744073709551616'],
  // abs goes through big.Float for anything outside the int32 window, as OPA's arithUnary.
  ['abs(-18446744073709551617)', '18446744073709551616'],
  ['abs(-2.5)', '2.5'],
  // Integers stay exact at any width for + - *.
  ['18446744073709551617 + 1', '18446744073709551618'],
  ['18446744073709551617 * 2', '36893488147419103234'],
  // % of integers of any width is big.Int.Rem (the sign of the dividend).
  ['[123456789123456789123 % 2, -123456789123456789123 % 10, 10 % 18446744073709551616, 7 % -2]', '[1,-3,10,1]'],
  // sum folds at 64 bits from zero; product at 53 bits from big.NewFloat(1), each element read at
  // 64: 1.1 * 1.1 * 3 rounds to 53 bits at each step and prints with 53-bit shortest digits.
  ['sum([0.1, 0.2, 1])', '1.3'],
  ['sum([1, 2.5])', '3.5'],
  ['product([1.5, 2])', '3'],
  ['product([1.1, 1.1, 3])', '3.630000000000001'],
  ['sum([18446744073709551617, 1])', '18446744073709551618'],
];

function policyOf(exprs: string[]): string {
  return `package t\n${exprs.map((e, i) => `r${i} := json.marshal(${e})`).join('\n')}\n`;
}

describe('float arithmetic as OPA (64-bit big.Float) in the module and the evaluator', function () {
  this.timeout(180_000);
  const exprs = VECTORS.map(([e]) => e);
  const entrypoints = exprs.map((_, i) => `t/r${i}`);
  const text = policyOf(exprs);
  let module: LoadedInBoth['module'];
  let prepared: LoadedInBoth['prepared'];

  before(async () => {
    ({ module, prepared } = await loadInBoth(text, entrypoints, {}));
  });

  it('gives OPA\'s text for each vector in the compiled module', () => {
    const got = entrypoints.map((ep) => (module.evaluate({}, ep) as { result: string }[])[0]?.result);
    expect(got).to.deep.equal(VECTORS.map(([, want]) => want));
  });

  it('gives the same text for each vector in the TypeScript evaluator', () => {
    const got = entrypoints.map((ep) => (toJs(prepared.interpreter.evaluate(ep, fromJs({}), new Obj(), {})) as { result: string }[])[0]?.result);
    expect(got).to.deep.equal(VECTORS.map(([, want]) => want));
  });

  it('stops (fails closed) past the magnitudes it computes with, in both', async () => {
    const src = 'package t\nr := 1e5000 * 1.5\n';
    const { policy } = await compileAndLoad({ 't.rego': src }, { entrypoints: ['t/r'] });
    policy.setData({});
    expect(() => policy.evaluate({}, 't/r')).to.throw(/beyond the magnitude or digits this engine computes with/);
    const p = preparePolicy([{ path: 't.rego', text: src }], { entrypoints: ['t/r'] });
    expect(() => p.interpreter.evaluate('t/r', fromJs({}), new Obj(), {})).to.throw(EvaluationError, /beyond the magnitude/);
  });

  it('reads input numbers by their text: 0.1 + 0.2 from input equals the literal 0.3', async () => {
    const src = 'package t\nr := input.a + input.b == 0.3\n';
    const { policy } = await compileAndLoad({ 't.rego': src }, { entrypoints: ['t/r'] });
    policy.setData({});
    expect(policy.evaluate({ a: 0.1, b: 0.2 }, 't/r')).to.deep.equal([{ result: true }]);
  });

  it('agrees between module and evaluator on 1,500 random decimal pairs (+ - * / < == round ceil floor abs sum product)', async () => {
    const src = `package t
r := [json.marshal([x + y, x - y, x * y, x / y, x < y, x == y, round(x), ceil(x), floor(x), abs(x), sum([x, y]), product([x, y])]) |
  some i
  x := input.a[i]
  y := input.b[i]
]
`;
    const { policy } = await compileAndLoad({ 't.rego': src }, { entrypoints: ['t/r'] });
    policy.setData({});
    const p = preparePolicy([{ path: 't.rego', text: src }], { entrypoints: ['t/r'] });
    let seed = 20261203;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const text = (): string => {
      const digits = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 10)).join('');
      const exp = rnd() < 0.1 ? Math.floor(rnd() * 1400) - 700 : Math.floor(rnd() * 40) - 20;
      return `${rnd() < 0.3 ? '-' : ''}${digits}.${Math.floor(rnd() * 1000)}${rnd() < 0.7 ? `e${exp}` : ''}`;
    };
    const a = Array.from({ length: 1500 }, text);
    const b = Array.from({ length: 1500 }, text);
    const raw = `{"a":[${a.join(',')}],"b":[${b.join(',')}]}`;
    const fromModule = (policy.evaluate(new TextEncoder().encode(raw).slice().buffer, 't/r') as { result: string[] }[])[0]!.result;
    const fromEvaluator = (toJs(p.interpreter.evaluate('t/r', parseJson(raw), new Obj(), {})) as { result: string[] }[])[0]!.result;
    expect(fromModule.length).to.be.greaterThan(1400);
    const differ = fromModule.map((m, i) => [m, fromEvaluator[i]]).filter(([m, e]) => m !== e);
    expect(differ.slice(0, 3), `${differ.length} differ`).to.deep.equal([]);
  });
});
