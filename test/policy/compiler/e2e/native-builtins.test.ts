import { expect } from 'chai';
import { compileAndLoad } from '../compile-and-load.js';
import { NATIVE_BUILTINS } from '../../../../src/policy/compiler/wasm/native-builtins.js';

/** Built-ins implemented inside the module, checked against OPA's documented results. */
const RULES = `package b
import rego.v1

arith := {
  "int_plus": 1 + 2, "float_plus": 1.5 + 1.5, "minus": 5 - 7, "mul": 6 * 7, "div_exact": 8 / 2,
  "div_frac": 1 / 4, "third": 1 / 3, "rem": 7 % 3, "neg_rem": -7 % 3, "abs": abs(-3), "round": round(2.5),
  "ceil": ceil(1.2), "floor": floor(-1.2), "big": 9007199254740993 + 0,
}
div_zero if { _ := 1 / 0 }
rem_float if { _ := 1.5 % 1 }
cmp := [1 < 2, "a" < "b", null < false, [1] < [1, 0], 1 == 1.0, {"a": 1} == {"a": 1}]
aggs := [count([1, 2]), count("héllo"), count({"a": 1}), sum([1, 2.5]), product({2, 3}), max([3, 1, 2]), min({"b", "a"}), sort([3, "a", null, 1])]
sets := [({1, 2} | {2, 3}), {1, 2} & {2, 3}, {1, 2} - {2}, union({{1}, {2}}), intersection({{1, 2}, {2, 3}})]
strs := [
  concat("-", ["a", "b"]), contains("abc", "b"), startswith("abc", "ab"), endswith("abc", "bc"), lower("AbC"), upper("abc"),
  substring("héllo", 1, 3), indexof("héllo", "l"), trim("  x  ", " "), trim_left("xxa", "x"), trim_right("axx", "x"),
  trim_prefix("prefix-a", "prefix-"), trim_suffix("a.rego", ".rego"), trim_space(" \\t a \\n"), split("a,b,,c", ","), replace("a-b-c", "-", "+"),
]
types := [is_string("s"), is_number(1), is_boolean(false), is_array([]), is_object({}), is_set(set()), is_null(null), type_name({1}), to_number("12.5"), to_number(true)]
objs := [object.get({"a": {"b": 1}}, ["a", "b"], 0), object.get({"a": 1}, "x", "d"), array.concat([1], [2]), array.slice([1, 2, 3, 4], 1, 3), array.reverse([1, 2]), json.marshal({"a": [1, {2}]})]
members := [1 in [1, 2], 3 in {1, 2}, "v" in {"k": "v"}, [0, 1] in [[0, 1]]]
`;

describe('regoc end to end: native built-ins', () => {
  let r: Record<string, unknown>;
  before(async function () {
    this.timeout(300_000);
    const { policy } = await compileAndLoad({ 'b.rego': RULES }, { entrypoints: ['b'] });
    r = policy.evaluate({}, 'b')[0].result;
  });

  it('follows OPA int and float arithmetic', () => {
    expect(r.arith).to.deep.equal({
      int_plus: 3, float_plus: 3, minus: -2, mul: 42, div_exact: 4, div_frac: 0.25, third: 0.3333333333333333,
      rem: 1, neg_rem: -1, abs: 3, round: 3, ceil: 2, floor: -2, big: 9007199254740993,
    });
  });

  it('makes division by zero and float modulo undefined', () => {
    expect(r).to.not.have.property('div_zero');
    expect(r).to.not.have.property('rem_float');
  });

  it('compares values in OPA order', () => {
    expect(r.cmp).to.deep.equal([true, true, true, true, true, true]);
  });

  it('aggregates arrays, sets, objects and strings', () => {
    expect(r.aggs).to.deep.equal([2, 5, 1, 3.5, 6, 3, 'a', [null, 1, 3, 'a']]);
  });

  it('combines sets', () => {
    expect(r.sets).to.deep.equal([[1, 2, 3], [2], [1], [1, 2], [2]]);
  });

  it('handles strings by runes', () => {
    expect(r.strs).to.deep.equal([
      'a-b', true, true, true, 'abc', 'ABC', 'éll', 2, 'x', 'a', 'a', 'a', 'a', 'a', ['a', 'b', '', 'c'], 'a+b+c',
    ]);
  });

  it('reports types and converts numbers', () => {
    expect(r.types).to.deep.equal([true, true, true, true, true, true, true, 'set', 12.5, 1]);
  });

  it('reads and builds objects and arrays', () => {
    expect(r.objs).to.deep.equal([1, 'd', [1, 2], [2, 3], [2, 1], '{"a":[1,[2]]}']);
  });

  it('tests membership with `in`', () => {
    expect(r.members).to.deep.equal([true, false, true, true]);
  });

  it('lists every native built-in name as an OPA built-in', async () => {
    const { lookupBuiltin } = await import('../../../../src/policy/builtins/index.js');
    for (const name of NATIVE_BUILTINS) expect(lookupBuiltin(name), name).to.not.equal(undefined);
  });
});
