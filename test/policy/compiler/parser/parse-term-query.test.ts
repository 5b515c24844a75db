import { expect } from 'chai';
import { bodyToString, isRegoSet, toJSON } from '../../../../src/policy/compiler/ast/index.js';
import { parseQuery, parseTerm, parseValue } from '../../../../src/policy/compiler/parser/index.js';

describe('Rego parser: terms and queries', () => {
  it('parses conformance-style queries', () => {
    expect(bodyToString(parseQuery('data.test.p = x'))).to.equal('eq(data.test.p, x)');
    expect(bodyToString(parseQuery('x := 1; y = x + 1\nz = [x, y]'))).to.equal('assign(x, 1); eq(y, plus(x, 1)); eq(z, [x, y])');
  });

  it('parses input terms with sets into values', () => {
    const v = parseValue('{"foo": {{1}}, "n": [1, 2.5, -3], "s": {"b", "a"}, "x": null}');
    expect(toJSON(v)).to.deep.equal({ foo: [[1]], n: [1, 2.5, -3], s: ['a', 'b'], x: null });
    expect(isRegoSet((v as Record<string, unknown>).s)).to.equal(true);
  });

  it('deduplicates set elements and renders non-string object keys as JSON', () => {
    expect(toJSON(parseValue('{1, 1, 2}'))).to.deep.equal([1, 2]);
    expect(toJSON(parseValue('{1: "a"}'))).to.deep.equal({ '1': 'a' });
  });

  it('rejects non-ground terms as values', () => {
    expect(() => parseValue('[x]')).to.throw('term is not ground');
    expect(parseTerm('[x]').type).to.equal('array');
  });
});
