import { expect } from 'chai';
import { compileAndLoad } from '../compile-and-load.js';

/**
 * Fidelity: what the compiler accepts it evaluates as OPA does, and what it cannot answer exactly
 * stops with an error (never a different answer). Expected values follow OPA's documentation and
 * Go sources (topdown/*.go); the cases are our own.
 */
const RULES = `package f

# sets keep their kind when they cross to host built-ins
patch_set_add := json.patch({"a": {"x", "y"}}, [{"op": "add", "path": "a/z", "value": "z"}])
patch_set_remove := json.patch({"a": {"x", "y"}}, [{"op": "remove", "path": "/a/x"}])
patch_set_mismatch if json.patch({"a": {"x"}}, [{"op": "add", "path": "a/z", "value": "q"}])
patch_array := json.patch({"a": [1, 2]}, [{"op": "add", "path": "/a/-", "value": 3}])
walk_set := [p | walk({"s": {7}}, [p, _])]
filter_set := json.filter({"s": {"k", "l"}}, ["s/k"])
remove_set := json.remove({"s": {"k", "l"}}, ["s/k"])
sprintf_set := sprintf("%v %v %v", [{1, 2}, set(), [{3}]])
interp := $"s={{"b", "a"}} e={set()} a={[1]}"
matches := net.cidr_contains_matches({"10.0.0.0/8"}, {"10.1.2.3", "192.168.0.1"})

# integers beyond 64 bits: exact through host built-ins, refused where the module would round
sprintf_wide := sprintf("%d", [123456789123456789123])
format_wide := format_int(123456789123456789123, 16)
wide_compare := 123456789123456789123 < 123456789123456789124
i64_mul := 3037000500 * 3037000499
ns_format := time.format(1700000000123456789)
ns_add := sprintf("%d", [time.add_date(1700000000123456789, 0, 0, 1)])
query_set := urlquery.encode_object({"a": {"y", "x"}})

# every: vacuous over an empty domain, false over one that cannot be iterated (OPA's
# isIterableValue), false with one counterexample; a set's members are their own keys
every_empty if every x in [] { x > 0 }
every_string if every x in "abc" { x > 0 }
every_set_keys if every k, v in {1, 2} { k == v }
every_fails if every x in [1, -1] { x > 0 }
every_object if every k, v in {"a": 1, "b": 2} { is_string(k); v > 0 }

# object built-ins over nested objects
union_nested := object.union({"a": {"b": 1, "c": {"d": 1}}}, {"a": {"c": {"e": 2}}})
union_n_nested := object.union_n([{"a": {"b": 1}}, {"a": {"c": 2}}, {"a": 3}])
remove_nested := object.remove({"a": {"b": 1}, "c": 2}, {"a"})
`;

const WIDE = `package g

sum_ok if 123456789123456789123 + 1 == 123456789123456789124
difference := sprintf("%d", [1 - 123456789123456789123])
i64_overflow := sprintf("%d", [9223372036854775807 + 1])
product_wide := sprintf("%d", [product([4294967296, 4294967296, 4294967296])])
sum_wide := sprintf("%d", [sum([9223372036854775807, 9223372036854775807])])
abs_wide := sprintf("%d", [abs(-123456789123456789123)])
nanos := 1700000000123456789 + 1
div_wide := json.marshal(123456789123456789123 / 3)
rem_wide := json.marshal([123456789123456789123 % 2, -123456789123456789123 % 10, 10 % 18446744073709551616, 36893488147419103234 % 18446744073709551617, 5 % -3])
rem_zero := 123456789123456789123 % 0
`;

describe('regoc end to end: fidelity with OPA', () => {
  let r: Record<string, unknown>;
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];
  before(async function () {
    this.timeout(300_000);
    ({ policy } = await compileAndLoad({ 'f.rego': RULES, 'g.rego': WIDE }, { entrypoints: ['f/sprintf_wide', 'f/format_wide', 'f/wide_compare', 'f/i64_mul', 'f', ...['sum_ok', 'difference', 'i64_overflow', 'product_wide', 'sum_wide', 'abs_wide', 'nanos', 'div_wide', 'rem_wide', 'rem_zero'].map((n) => `g/${n}`)] }));
    r = policy.evaluate({}, 'f')[0]?.result ?? {};
  });

  it('applies set patches: add, remove, and a member that must equal its key', () => {
    expect(r.patch_set_add).to.deep.equal({ a: ['x', 'y', 'z'] });
    expect(r.patch_set_remove).to.deep.equal({ a: ['y'] });
    expect(r.patch_set_mismatch).to.equal(undefined);
    expect(r.patch_array).to.deep.equal({ a: [1, 2, 3] });
  });

  it('walks a set with its members as path keys', () => {
    expect(r.walk_set).to.deep.equal([[], ['s'], ['s', 7]]);
  });

  it('filters and removes set members by value', () => {
    expect(r.filter_set).to.deep.equal({ s: ['k'] });
    expect(r.remove_set).to.deep.equal({ s: ['l'] });
  });

  it('prints sets as OPA does in sprintf and string interpolation', () => {
    expect(r.sprintf_set).to.equal('{1, 2} set() [{3}]');
    expect(r.interp).to.equal('s={"a", "b"} e=set() a=[1]');
  });

  it('keys cidr matches of sets by member', () => {
    expect(r.matches).to.deep.equal([['10.0.0.0/8', '10.1.2.3']]);
  });

  it('formats integers wider than 64 bits exactly on the host', () => {
    expect(policy.evaluate({}, 'f/sprintf_wide')[0].result).to.equal('123456789123456789123');
    expect(policy.evaluate({}, 'f/format_wide')[0].result).to.equal('6b14e9f9b0df36a83');
  });

  it('keeps nanoseconds exact through time built-ins and encodes sets in URL queries', () => {
    expect(r.ns_format).to.equal('2023-11-14T22:13:20.123456789Z');
    expect(r.ns_add).to.equal('1700086400123456789');
    expect(r.query_set).to.equal('a=x&a=y');
  });

  it('compares wide integers by their digits and multiplies within i64 exactly', () => {
    expect(policy.evaluate({}, 'f/wide_compare')[0].result).to.equal(true);
    expect(policy.evaluate({}, 'f/i64_mul')[0].result).to.equal(9223372033963249500);
  });

  it('adds, subtracts and multiplies integers of any width exactly, as OPA does', () => {
    const g = (name: string) => policy.evaluate({}, `g/${name}`)[0]?.result;
    expect(g('sum_ok')).to.equal(true);
    expect(g('difference')).to.equal('-123456789123456789122');
    expect(g('i64_overflow')).to.equal('9223372036854775808');
    expect(g('product_wide')).to.equal('79228162514264337593543950336');
    expect(g('sum_wide')).to.equal('18446744073709551614');
    expect(g('nanos')).to.equal(1700000000123456790);
  });

  // OPA's abs (arithUnary) and / (no exact form) take anything outside the int32 window through
  // big.Float at 64 bits: 123456789123456789123 reads as the nearest multiple of 8 (its ulp),
  // ...120, which is also its shortest text; a third of it is exact, 41152263041152263040.
  it('takes abs and / of a wide integer through 64-bit floats, as OPA does', () => {
    const g = (name: string) => policy.evaluate({}, `g/${name}`)[0]?.result;
    expect(g('abs_wide')).to.equal('123456789123456789120');
    expect(g('div_wide')).to.equal('41152263041152263040');
  });

  // big.Int.Rem truncates (the sign of the dividend); a zero divisor is OPA's "modulo by zero"
  // error, undefined outside strict mode.
  it('takes % of integers of any width exactly, as OPA does', () => {
    expect(policy.evaluate({}, 'g/rem_wide')[0]?.result).to.equal('[1,-3,10,0,2]');
    expect(policy.evaluate({}, 'g/rem_zero')).to.deep.equal([]);
  });

  it('evaluates every as OPA does', () => {
    expect(r.every_empty).to.equal(true);
    expect(r.every_string).to.equal(undefined);
    expect(r.every_set_keys).to.equal(true);
    expect(r.every_fails).to.equal(undefined);
    expect(r.every_object).to.equal(true);
  });

  it('merges nested objects in object.union and object.union_n', () => {
    expect(r.union_nested).to.deep.equal({ a: { b: 1, c: { d: 1, e: 2 } } });
    expect(r.union_n_nested).to.deep.equal({ a: 3 });
    expect(r.remove_nested).to.deep.equal({ c: 2 });
  });
});

describe('regoc end to end: base data lookups follow OPA’s store', () => {
  it('finds a stored object key by a number’s digits, but not in a value built by the policy', async function () {
    this.timeout(300_000);
    const { policy } = await compileAndLoad({
      'd.rego': 'package d\n\nstored := data.nums[2]\nby_var := data.nums[k] if k := 2\nindex := data.list[1]\nbuilt if {"2": 1}[2]\n',
    }, { entrypoints: ['d'] });
    policy.setData({ nums: { 2: 'two' }, list: ['a', 'b'] });
    expect(policy.evaluate({}, 'd')[0].result).to.deep.equal({ stored: 'two', by_var: 'two', index: 'b' });
  });
});

describe('regoc end to end: host-mode encoding cannot be forged from input', () => {
  it('keeps an input object shaped like a set marker an object through a host built-in', async function () {
    this.timeout(300_000);
    const { policy } = await compileAndLoad({
      'h.rego': 'package h\n\nsame := json.patch(input.x, [])\nkind := type_name(same)\nwide := json.patch(input.n, [])\n',
    }, { entrypoints: ['h'] });
    const input = { x: { '\u0000set': [1] }, n: { '\u0000num': '123456789123456789123' } };
    expect(policy.evaluate(input, 'h')[0].result).to.deep.equal({ same: input.x, kind: 'object', wide: input.n });
  });
});
