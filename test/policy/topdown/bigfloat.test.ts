import { expect } from 'chai';
import * as bf from '../../../src/policy/topdown/bigfloat.js';

/**
 * The evaluator's soft float against the definitions, on exact rationals (BigInt): each operation
 * is the exact result rounded to 64 bits half to even, and each text is inside the half-ulp
 * interval (bounds only for an even mantissa, as math/big's roundShortest) with no decimal of fewer
 * digits inside it. The module's runtime is checked against this evaluator digit for digit in
 * test/policy/compiler/wasm/float-arithmetic.test.ts.
 */

/** A rational n / d, d > 0. */
type Q = [bigint, bigint];

function q(x: bf.BigFloat): Q {
  const n = x.neg ? -x.m : x.m;
  return x.e >= 0 ? [n << BigInt(x.e), 1n] : [n, 1n << BigInt(-x.e)];
}

function decimalQ(text: string): Q {
  const [mant, exp = '0'] = text.split(/e/i) as [string, string?];
  const [i, f = ''] = mant.split('.') as [string, string?];
  const e = Number(exp) - f.length;
  const n = BigInt(i + f);
  return e >= 0 ? [n * 10n ** BigInt(e), 1n] : [n, 10n ** BigInt(-e)];
}

const sub = ([a, b]: Q, [c, d]: Q): Q => [a * d - c * b, b * d];
const add = ([a, b]: Q, [c, d]: Q): Q => [a * d + c * b, b * d];
const mul = ([a, b]: Q, [c, d]: Q): Q => [a * c, b * d];
const quo = ([a, b]: Q, [c, d]: Q): Q => (c < 0n ? [-a * d, -b * c] : [a * d, b * c]);
const cmp = ([a, b]: Q, [c, d]: Q): number => { const x = a * d - c * b; return x < 0n ? -1 : x > 0n ? 1 : 0; };
const abs = ([a, b]: Q): Q => [a < 0n ? -a : a, b];

/** Half an ulp of x at 64 bits. */
function halfUlp(x: bf.BigFloat): Q {
  const e = x.e - 1;
  return e >= 0 ? [1n << BigInt(e), 1n] : [1n, 1n << BigInt(-e)];
}

/** The number of significant digits of a decimal text. */
function sigDigits(text: string): number {
  return text.replace(/^-/, '').split(/e/i)[0]!.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Whether some decimal with `digits` significant digits lies in the interval around r. */
function shorterInside(r: Q, h: Q, inclusive: boolean, digits: number): boolean {
  const lo = sub(abs(r), h);
  const hi = add(abs(r), h);
  const inside = (v: Q) => (inclusive ? cmp(v, lo) >= 0 && cmp(v, hi) <= 0 : cmp(v, lo) > 0 && cmp(v, hi) < 0);
  const mag = abs(r);
  let k = 0; // 10^k <= |r| < 10^(k+1)
  while (cmp([10n ** BigInt(Math.max(k + 1, 0)), 10n ** BigInt(Math.max(-(k + 1), 0))], mag) <= 0) k++;
  while (cmp([10n ** BigInt(Math.max(k, 0)), 10n ** BigInt(Math.max(-k, 0))], mag) > 0) k--;
  for (const kk of [k, k + 1]) {
    const p = kk - (digits - 1); // the step is 10^p
    const step: Q = p >= 0 ? [10n ** BigInt(p), 1n] : [1n, 10n ** BigInt(-p)];
    // the first multiple of the step at or above lo, and the next one
    const [ln, ld] = lo;
    const sn = step[0] * ld;
    const sd = step[1];
    const first = (ln * sd + sn - 1n) / sn; // ceil(lo / step) for lo >= 0
    for (const m of [first, first + 1n]) if (inside(mul([m, 1n], step))) return true;
  }
  return false;
}

function randomText(rnd: () => number): string {
  const digits = Array.from({ length: 1 + Math.floor(rnd() * 25) }, () => Math.floor(rnd() * 10)).join('');
  const exp = Math.floor(rnd() * 80) - 40;
  return `${rnd() < 0.3 ? '-' : ''}0.${digits}1e${exp}`;
}

describe('evaluator soft float (src/policy/topdown/bigfloat.ts) against exact rationals', () => {
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

  it('rounds 2,000 random + - * / to the nearest 64-bit value (ties to even) and prints the shortest text inside the interval', () => {
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = randomText(rnd);
      const b = randomText(rnd);
      const x = bf.parse(a, 64);
      const y = bf.parse(b, 64);
      const op = '+-*/'[i % 4]!;
      const r = op === '+' ? bf.add(x, y, 64) : op === '-' ? bf.add(x, y, 64, true) : op === '*' ? bf.mul(x, y, 64) : bf.quo(x, y, 64);
      if (r.m === 0n) continue;
      const exact = op === '+' ? add(q(x), q(y)) : op === '-' ? sub(q(x), q(y)) : op === '*' ? mul(q(x), q(y)) : quo(q(x), q(y));
      const h = halfUlp(r);
      const even = (r.m & 1n) === 0n;
      const err = cmp(abs(sub(exact, q(r))), h);
      if (err > 0 || (err === 0 && !even)) problems.push(`${a} ${op} ${b} rounds to ${bf.format(r, 64)}`);
      const text = bf.format(r, 64);
      const terr = cmp(abs(sub(decimalQ(text), q(r))), h);
      if (terr > 0 || (terr === 0 && !even)) problems.push(`${text} is outside the interval of ${a} ${op} ${b}`);
      const n = sigDigits(text);
      if (n > 1 && shorterInside(q(r), h, even, n - 1)) problems.push(`${text} is not the shortest for ${a} ${op} ${b}`);
    }
    expect(problems.slice(0, 5)).to.deep.equal([]);
  });

  it('reads decimal text to the nearest 64-bit value, a tie to the even mantissa', () => {
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = randomText(rnd);
      const x = bf.parse(a, 64);
      const err = cmp(abs(sub(decimalQ(a), q(x))), halfUlp(x));
      if (err > 0 || (err === 0 && (x.m & 1n) !== 0n)) problems.push(a);
    }
    expect(problems.slice(0, 5)).to.deep.equal([]);
    // 1 + 2^-64 is half-way between 1 and 1 + 2^-63: the even mantissa is 1's.
    expect(bf.format(bf.parse('1.0000000000000000000542101086242752217003726400434970855712890625', 64), 64)).to.equal('1');
  });

  it('compares decimal texts as exact rationals', () => {
    expect(bf.compareDecimalTexts('0.30000000000000001', '0.3')).to.equal(1);
    expect(bf.compareDecimalTexts('1.0', '1')).to.equal(0);
    expect(bf.compareDecimalTexts('100', '1e2')).to.equal(0);
    expect(bf.compareDecimalTexts('-0', '0')).to.equal(0);
    expect(bf.compareDecimalTexts('-1e-5', '-0.00002')).to.equal(1);
    expect(bf.compareDecimalTexts('1e400', '9.99e399')).to.equal(1);
  });
});
