import { expect } from 'chai';
import { compileAndLoad } from '../compile-and-load.js';

/**
 * One module per group of language features, compiled by regoc and evaluated through the SDK.
 * Each `it` names the feature and checks OPA's answer for it.
 */
const RULES = `package t
import rego.v1

# complete rules, refs, comparisons
x := input.x
big if input.x > 10
nested := input.a.b.c
idx := input.list[1]

# partial sets and objects
evens contains n if { some n in input.nums; n % 2 == 0 }
by_name[name] := u.age if { some u in input.users; name := u.name }
deep.k[name].age := u.age if { some u in input.users; name := u.name }

# default and else
default level := "none"
level := "high" if input.x > 100
else := "mid" if input.x > 10

# functions, including several definitions and patterns
double(v) := v * 2
kind(v) := "num" if is_number(v)
kind(v) := "str" if is_string(v)
first([a, _]) := a
use_fn := [double(3), kind("s"), kind(1), first([7, 8])]

# comprehensions
names := [u.name | some u in input.users]
name_set := {u.name | some u in input.users}
ages := {u.name: u.age | some u in input.users}

# not, every, some with key
no_admin if not input.admin
all_positive if { every n in input.nums { n > 0 } }
keys contains k if { some k, _ in input.obj }

# unification
pair_ok if { [a, b] := input.pair; a < b }
obj_pat := v if { {"k": v} = input.kv }

# with
with_input := y if { y := x with input.x as 42 }
with_data := y if { y := data.t.base_val with data.t.base_val as "mocked" }
mock_fn := y if { y := double(5) with double as triple }
triple(v) := v * 3
`;

describe('regoc end to end: language features', () => {
  let policy: Awaited<ReturnType<typeof compileAndLoad>>['policy'];
  const input = {
    x: 50, a: { b: { c: 'deep' } }, list: ['p', 'q'], nums: [1, 2, 3, 4],
    users: [{ name: 'ann', age: 30 }, { name: 'bob', age: 40 }], obj: { k1: 1, k2: 2 }, pair: [1, 2], kv: { k: 'v' },
  };
  let result: Record<string, unknown>;

  before(async function () {
    // The first compilation loads the AssemblyScript compiler (several seconds on a busy machine).
    this.timeout(300_000);
    ({ policy } = await compileAndLoad({ 't.rego': RULES }, { entrypoints: ['t'], queries: [{ name: 'q', query: 'data.t.names[i] = n' }] }));
    result = policy.evaluate(input, 't')[0].result;
  });

  it('evaluates complete rules, refs and comparisons', () => {
    expect(result).to.include({ x: 50, big: true, nested: 'deep', idx: 'q' });
  });

  it('builds partial sets and partial objects, including ref heads', () => {
    expect(result.evens).to.deep.equal([2, 4]);
    expect(result.by_name).to.deep.equal({ ann: 30, bob: 40 });
    expect(result.deep).to.deep.equal({ k: { ann: { age: 30 }, bob: { age: 40 } } });
  });

  it('applies else chains and defaults', () => {
    expect(result.level).to.equal('mid');
    expect(policy.evaluate({ x: 1 }, 't')[0].result.level).to.equal('none');
    expect(policy.evaluate({ x: 500 }, 't')[0].result.level).to.equal('high');
  });

  it('calls functions with several definitions and argument patterns', () => {
    expect(result.use_fn).to.deep.equal([6, 'str', 'num', 7]);
  });

  it('evaluates array, set and object comprehensions', () => {
    expect(result.names).to.deep.equal(['ann', 'bob']);
    expect(result.name_set).to.deep.equal(['ann', 'bob']);
    expect(result.ages).to.deep.equal({ ann: 30, bob: 40 });
  });

  it('evaluates not, every and some with keys', () => {
    expect(result.no_admin).to.equal(true);
    expect(result.all_positive).to.equal(true);
    expect(result.keys).to.deep.equal(['k1', 'k2']);
    const other = policy.evaluate({ ...input, admin: true, nums: [1, -1] }, 't')[0].result;
    expect(other).to.not.have.property('no_admin');
    expect(other).to.not.have.property('all_positive');
  });

  it('unifies arrays and objects with variables', () => {
    expect(result.pair_ok).to.equal(true);
    expect(result.obj_pat).to.equal('v');
  });

  it('replaces input, data and functions with `with`', () => {
    expect(result.with_input).to.equal(42);
    expect(result.with_data).to.equal('mocked');
    expect(result.mock_fn).to.equal(15);
  });

  it('binds query variables for every solution', () => {
    expect(policy.evaluate(input, 'q')).to.have.deep.members([{ i: 0, n: 'ann' }, { i: 1, n: 'bob' }]);
  });
});
