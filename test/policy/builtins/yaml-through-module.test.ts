import { expect } from 'chai';
import { loadInBoth, type LoadedInBoth } from '../compiler/compile-and-load.js';
import { parseJson, toJs } from '../../../src/policy/topdown/index.js';

/**
 * The yaml built-ins inside a policy, in the compiled module and the TypeScript evaluator: numbers
 * reach yaml.marshal with their text (1e6 is go-yaml's float "1e+06", 1000000 its int), and the
 * numbers yaml.unmarshal gives back keep encoding/json's text.
 */
const POLICY = `package t

marshalled := yaml.marshal([1e6, 1000000, 1.0, 2.50, {"k": "yes"}])

floats := yaml.unmarshal("a: 1.5e300\\nb: 1e3\\nc: 0x1F")

huge if yaml.unmarshal("a: 1.5e300").a == 1.5e300

round_trip := yaml.unmarshal(yaml.marshal([{"foo": {1, 2, 3}}]))
`;

describe('yaml built-ins through the module and the evaluator', function () {
  this.timeout(180_000);
  let loaded: LoadedInBoth;
  const entrypoints = ['t/marshalled', 't/floats', 't/huge', 't/round_trip'];

  before(async () => {
    loaded = await loadInBoth(POLICY, entrypoints, {});
  });

  const both = (entrypoint: string): unknown[] => {
    const fromModule = (loaded.module.evaluate({}, entrypoint) as { result: unknown }[])[0]?.result;
    const fromTs = toJs(loaded.prepared.interpreter.evaluate(entrypoint, parseJson('{}'), parseJson('{}'), {})) as { result: unknown }[];
    return [fromModule, JSON.parse(JSON.stringify(fromTs[0]?.result ?? null))];
  };

  it('marshals each number by its text: 1e6 as a float, 1000000 as an int', () => {
    for (const got of both('t/marshalled')) expect(got).to.equal('- 1e+06\n- 1000000\n- 1\n- 2.5\n- k: "yes"\n');
  });

  it('unmarshals floats with encoding/json\'s text and values', () => {
    for (const got of both('t/floats')) expect(got).to.deep.equal({ a: 1.5e300, b: 1000, c: 31 });
    for (const got of both('t/huge')) expect(got).to.equal(true);
  });

  it('round-trips a set through yaml as the conformance case does', () => {
    for (const got of both('t/round_trip')) expect(got).to.deep.equal([{ foo: [1, 2, 3] }]);
  });
});
