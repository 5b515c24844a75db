import { expect } from 'chai';
import { compileAndLoad } from '../compiler/compile-and-load.js';

/**
 * Objects whose keys are not strings ({[[7]]: 2}, {3: "x"}) crossing to host built-ins: JSON has
 * string keys only, so they cross as "\u0000k" and the key's JSON text. object.filter and
 * object.remove select such entries as OPA does and hand them back as the same keys;
 * strings.replace_n rejects them as OPA does (undefined outside strict mode); any other host
 * built-in stops the evaluation rather than answer without them.
 */
const POLICY = `package t

removed := object.remove({"a": 1, [[7]]: 2, 3: "x"}, {[[7]]})

removed_ok if removed == {"a": 1, 3: "x"}

filtered_ok if object.filter({"a": 1, [[7]]: 2, 3: "x", {1}: true}, [3, [[7]]]) == {[[7]]: 2, 3: "x"}

filtered_by_object_ok if object.filter({"a": 1, 2: 2}, {2: "any"}) == {2: 2}

replaced := strings.replace_n({2: "x"}, "foo")

replaced_string_keys := strings.replace_n({"o": "0"}, "foo")

other := object.union({1: "a"}, {"b": 2})
`;

describe('objects with keys that are not strings, handed to host built-ins', function () {
  this.timeout(120_000);
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];

  before(async () => {
    const entrypoints = ['t/removed_ok', 't/filtered_ok', 't/filtered_by_object_ok', 't/replaced', 't/replaced_string_keys', 't/other'];
    ({ policy } = await compileAndLoad({ 't.rego': POLICY }, { entrypoints }));
    policy.setData({});
  });

  it('object.remove drops an array key and keeps a number key as OPA does', () => {
    expect(policy.evaluate({}, 't/removed_ok')).to.deep.equal([{ result: true }]);
  });

  it('object.filter keeps number and array keys named by an array or by an object, and drops a set key', () => {
    expect(policy.evaluate({}, 't/filtered_ok')).to.deep.equal([{ result: true }]);
    expect(policy.evaluate({}, 't/filtered_by_object_ok')).to.deep.equal([{ result: true }]);
  });

  it('strings.replace_n with a number key is undefined (OPA: operand 1 non-string key found in pattern object)', () => {
    expect(policy.evaluate({}, 't/replaced')).to.deep.equal([]);
    expect(policy.evaluate({}, 't/replaced_string_keys')).to.deep.equal([{ result: 'f00' }]);
  });

  it('another host built-in given such a key stops the evaluation instead of answering without it', () => {
    expect(() => policy.evaluate({}, 't/other')).to.throw(/not a string/);
  });
});
