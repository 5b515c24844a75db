import { expect } from 'chai';
import * as bf from '../../../../src/policy/topdown/bigfloat.js';
import { compileAndLoad } from '../compile-and-load.js';

/**
 * Floats in the module: decimal text is read as the nearest f64 (as JSON.parse and Go's ParseFloat
 * read it) and a computed float is written with the shortest digits that read back to it (as JS's
 * Number.prototype.toString and Go's FormatFloat(f, 'g', -1, 64) choose them), in the shape OPA gives
 * a computed number. Both used to go through rounded f64 steps and were off by one in the last digit.
 */

const POLICY = `package t

quotient := input.a / input.b

marshalled := json.marshal([input.a / input.b, input.c * 1, input.d * 1, input.e * 1, input.f * 1])

read_back := [y | some x in input.xs; y := x * 1]
`;

/** Seeded xorshift, so a failure can be replayed. */
function randomDoubles(n: number, seed: number): number[] {
  let s = BigInt(seed) | 1n;
  const out: number[] = [];
  const view = new DataView(new ArrayBuffer(8));
  while (out.length < n) {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    view.setBigUint64(0, s & 0x7fffffffffffffffn);
    const f = view.getFloat64(0);
    if (Number.isFinite(f)) out.push(out.length % 2 === 0 ? f : -f);
  }
  return out;
}

/** Raw JSON bytes as the SDK takes them, so the module reads exactly this text. */
function rawInput(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).slice().buffer;
}

describe('float text in the wasm module', function () {
  this.timeout(120_000);
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];

  before(async () => {
    ({ policy } = await compileAndLoad({ 't.rego': POLICY }, { entrypoints: ['t/quotient', 't/marshalled', 't/read_back'] }));
    policy.setData({});
  });

  it('prints a computed float with the shortest digits that read back to it at 64 bits (10 / 11 -> 0.90909090909090909093)', () => {
    const rows = policy.evaluate({ a: 10, b: 11 }, 't/quotient') as { result: number }[];
    expect(rows[0]!.result).to.equal(0.9090909090909091); // the SDK reads the 20 digits as a float64
  });

  it("writes a computed float in OPA's shape: integral values in full, 'e' form below 1e-4 and from 1e6", () => {
    const rows = policy.evaluate({ a: 10, b: 11, c: 1234567.5, d: 0.00005, e: 1e21, f: 123456.5 }, 't/marshalled') as { result: string }[];
    expect(rows[0]!.result).to.equal('[0.90909090909090909093,1.2345675e+06,5e-05,1000000000000000000000,123456.5]');
  });

  it('reads 4,000 random float64 texts as JSON.parse does and writes each back with the same digits', () => {
    const xs = randomDoubles(4000, 20261202);
    const rows = policy.evaluate({ xs }, 't/read_back') as { result: number[] }[];
    const got = rows[0]!.result;
    const wrong = xs.filter((x, i) => !Object.is(got[i], x));
    expect(wrong.slice(0, 5), `${wrong.length} of ${xs.length} differ`).to.deep.equal([]);
  });

  // x * 1 is OPA's float path: x read at a 64-bit mantissa, written with the shortest digits that
  // read back to that 64-bit value. Read as a float64 by the SDK, the text just above the float64
  // half-way point between 1 and 1 + 2^-52 is now 1: its 64-bit value 1 + 2^-53 prints as
  // 1.00000000000000011102, which float64 reading takes to the even neighbour, 1.
  it('reads long, halfway and out-of-range decimals at 64 bits as OPA does (x * 1)', () => {
    const texts = [
      '0.9090909090909091', '123456789.123456789', '1e23', '9007199254740993', '2.2250738585072011e-308',
      '4.9406564584124654e-324', '2.4703282292062328e-324', '1.7976931348623157e308',
      // the exact half-way point between 1 and the next float64, a little above it, and a little below
      '1.00000000000000011102230246251565404236316680908203125',
      '1.000000000000000111022302462515654042363166809082031250000000001',
      '1.000000000000000111022302462515654042363166809082031249999999999',
      `0.${'0'.repeat(300)}123456789${'9'.repeat(800)}`,
    ];
    const rows = policy.evaluate(rawInput(`{"xs":[${texts.join(',')}]}`), 't/read_back') as { result: number[] }[];
    expect(rows[0]!.result).to.deep.equal(texts.map((t) => Number(/^-?\d+$/.test(t) ? t : bf.format(bf.parse(t, 64), 64))));
    expect(rows[0]!.result[9]).to.equal(1);
  });
});
