import { expect } from 'chai';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../src/audit/index.js';
import { hashInput } from '../../src/audit/event.js';

/** What the canonicalize package (RFC 8785) gives, or the message it throws. */
function reference(value: unknown): string {
  try {
    const text = canonicalize(value);
    return text === undefined ? 'throws: no JSON form' : text;
  } catch (err) {
    return `throws: ${(err as Error).message}`;
  }
}

function ours(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch (err) {
    return err instanceof TypeError && /no JSON form/.test(err.message) ? 'throws: no JSON form' : `throws: ${(err as Error).message}`;
  }
}

const STRINGS = ['', 'a', 'é', '\u0000', '\u001f', '"', '\\', '\u2028', '😀', '\uD83D', '\uDE00', 'x\uD83Dy', '\uDE00\uD83D', '\u241Bs:x', 'OPS-1', 'Z'];
const NUMBERS = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next() % (depth > 3 ? 5 : 9);
  switch (pick) {
    case 0: return STRINGS[next() % STRINGS.length];
    case 1: return NUMBERS[next() % NUMBERS.length];
    case 2: return [true, false, null, undefined][next() % 4];
    case 3: return new Date(Date.UTC(2026, 0, 1 + (next() % 300)));
    case 4: return STRINGS[next() % STRINGS.length]! + STRINGS[next() % STRINGS.length]!;
    case 5:
    case 6: {
      const out: Record<string, unknown> = {};
      for (let n = next() % 5; n > 0; n -= 1) out[STRINGS[next() % STRINGS.length]! + String(next() % 3)] = randomValue(next, depth + 1);
      return out;
    }
    default:
      return Array.from({ length: next() % 4 }, () => randomValue(next, depth + 1));
  }
}

describe('audit: canonical JSON is exactly the canonicalize package (RFC 8785)', () => {
  it('writes what the package writes, and refuses what it refuses, for random nested values', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >>> 8;
    for (let i = 0; i < 4000; i += 1) {
      const value = randomValue(next, 0);
      expect(ours(value), JSON.stringify(value)).to.equal(reference(value));
    }
  });

  it('matches it on the edge cases: holes, functions, symbols, toJSON, bigint, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    // eslint-disable-next-line no-sparse-arrays
    const cases: unknown[] = [[, 1], [() => 1, 2], { f: () => 1, s: Symbol('s'), u: undefined, k: 1 }, [Symbol('x')], { toJSON: () => ({ b: 2, a: 1 }) }, { n: 1n }, cyclic, () => 1, undefined, Symbol('top'), { '\uD800': 1 }];
    for (const value of cases) expect(ours(value)).to.equal(reference(value));
  });

  it('hashes an audit row over the same text as the canonical JSON of its columns, with or without the detail text given', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >>> 8;
    const text = () => [null, 'agent', 'x\u0000y'.replace('\\u0000', ''), 'é😀', '"q"', undefined][next() % 6] as string | null;
    for (let i = 0; i < 500; i += 1) {
      const detail = randomValue(next, 5) as Record<string, unknown>;
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail) || reference(detail).startsWith('throws')) continue;
      const row = { seq: String(i), occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), kind: 'decision', actor_type: 'agent', actor_id: 'a', agent_id: text(), owner_user_id: text(), subject_type: text(), subject_id: text(), request_id: text(), outcome: 'success', detail, prev_hash: '0'.repeat(64) };
      const { occurred_at, ...rest } = row;
      const expected = canonicalize({ ...rest, occurred_at: occurred_at.toISOString() });
      expect(hashInput(row)).to.equal(expected);
      expect(hashInput(row, canonicalJson(detail))).to.equal(expected);
    }
  });
});
