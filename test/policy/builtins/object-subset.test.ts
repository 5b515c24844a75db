import { expect } from 'chai';
import { callHostBuiltin } from '../../../src/policy/builtins/index.js';

/** object.subset as OPA's topdown/subset.go answers it; sets are written as the module writes them. */
const set = (...items: unknown[]) => ({ '\u0000set': items });

describe('object.subset', () => {
  it('checks arrays and sets nested in objects by their own rule, not by equality', () => {
    expect(callHostBuiltin('object.subset', { a: { b: [1, 2, 3], c: 1 } }, { a: { b: [1, 2] } })).to.equal(true);
    expect(callHostBuiltin('object.subset', { a: set(1, 2, 3) }, { a: set(3) })).to.equal(true);
    expect(callHostBuiltin('object.subset', { a: [1] }, { a: set(1) })).to.equal(false);
  });

  it('checks a set against a set by membership, not as a run of sorted members', () => {
    expect(callHostBuiltin('object.subset', set(1, 2, 3), set(1, 3))).to.equal(true);
  });

  it('checks a set against an array by counting as OPA counts (duplicates count again, an empty array holds nothing)', () => {
    expect(callHostBuiltin('object.subset', [1, 2, 3], set(1, 3))).to.equal(true);
    expect(callHostBuiltin('object.subset', [1, 1], set(1, 2))).to.equal(true);
    expect(callHostBuiltin('object.subset', [], set())).to.equal(false);
  });

  it('checks an array against an array as a contiguous run', () => {
    expect(callHostBuiltin('object.subset', [1, 2, 3], [2, 3])).to.equal(true);
    expect(callHostBuiltin('object.subset', [1, 2, 3], [1, 3])).to.equal(false);
  });

  it('is undefined for a set holding an array', () => {
    expect(callHostBuiltin('object.subset', set(1, 2), [1])).to.equal(undefined);
  });
});
