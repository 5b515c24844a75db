import { expect } from 'chai';
import { callHostBuiltin } from '../../../src/policy/builtins/index.js';

/**
 * The host's safety net: an input it cannot answer exactly as OPA does stops the call with an error
 * (the engine then fails closed) instead of passing for "undefined" or giving another answer.
 * Arguments are written as the module writes them in host mode (sets, wide numbers, non-string keys).
 */
describe('host built-ins: exact or an error, never a different answer', () => {
  it('reads a set marker as a set and gives a set back', () => {
    const set = { '\u0000set': ['a', 'b'] };
    expect(callHostBuiltin('json.patch', { s: set }, [{ op: 'add', path: 's/c', value: 'c' }])).to.deep.equal({ s: { '\u0000set': ['a', 'b', 'c'] } });
  });

  it('reads an integer beyond 2^53 exactly', () => {
    expect(callHostBuiltin('sprintf', '%d', [{ '\u0000num': '123456789123456789123' }])).to.equal('123456789123456789123');
  });

  it('stops on a number past float64 instead of working on Infinity', () => {
    expect(() => callHostBuiltin('object.union', { a: { '\u0000num': '2e308' } }, {})).to.throw(/not supported by this engine/);
  });

  it('prints a number past float64 by its text in sprintf, as OPA does', () => {
    expect(callHostBuiltin('sprintf', 'hi %v %d', [{ '\u0000num': '2e308' }, { '\u0000num': '2e308' }])).to.equal('hi 2e308 %!d(string=2e308)');
  });

  it('stops on an object key that is not a string in a built-in that does not handle such keys', () => {
    expect(() => callHostBuiltin('object.union', { a: 1, '\u0000k[[7]]': 2 }, { b: 1 })).to.throw(/not a string/);
  });

  it('hands an object key that is not a string back as it came from a built-in that handles such keys', () => {
    expect(callHostBuiltin('object.filter', { a: 1, '\u0000k[[7]]': 2, '\u0000k3': 3 }, [[[7]]])).to.deep.equal({ '\u0000k[[7]]': 2 });
  });

  it('unescapes a string key that starts with NUL', () => {
    expect(callHostBuiltin('object.keys', { '\u0000\u0000set': 1 })).to.deep.equal(['\u0000set']);
  });

  it("gives gojsonschema's wording for a type mismatch", () => {
    expect(callHostBuiltin('json.match_schema', { id: 'x' }, { properties: { id: { type: 'integer' } } })).to.deep.equal([
      false,
      [{ error: 'id: Invalid type. Expected: integer, given: string', type: 'invalid_type', field: 'id', desc: 'Invalid type. Expected: integer, given: string' }],
    ]);
    expect(callHostBuiltin('json.verify_schema', { type: 'nope' })).to.deep.equal([
      false,
      'jsonschema: has a primitive type that is NOT VALID -- given: /nope/ Expected valid values are:[array boolean integer number null object string]',
    ]);
  });

  it('stops on a schema error whose gojsonschema wording it does not know', () => {
    expect(() => callHostBuiltin('json.match_schema', {}, { required: ['id'] })).to.throw(/json\.match_schema/);
  });
});
