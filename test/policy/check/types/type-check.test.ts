import { expect } from 'chai';
import { checkPolicies, jsonReport, prettyReport } from '../../../../src/policy/check/index.js';
import { compilePolicy } from '../../../../src/policy/compiler/index.js';

type Found = Array<[number, number, string]>;

/** [line, col, message] of each type error of one module `p.rego`. */
function typeErrors(body: string): Found {
  return checkPolicies([{ path: 'p.rego', text: `package p\n\n${body}` }])
    .filter((d) => d.code === 'rego_type_error')
    .map((d) => [d.loc.line, d.loc.col, d.message]);
}

/*
 * Expectations follow OPA's checker (v1/ast/check.go: checkRule, checkExprBuiltin, checkExprEq,
 * unify1/unify2, and the refChecker that types iteration variables), read from its source.
 */
describe('policy check: OPA\'s type checker over rules, functions and iteration', () => {
  it('types a rule by its value, so a built-in given the rule of the wrong type is refused where it is called', () => {
    expect(typeErrors('limit := 3\n\nshout := upper(limit)\n')).to.deep.equal([[5, 10, 'upper: invalid argument(s)']]);
    expect(typeErrors('limit := 3\n\nok if abs(limit) > 1\n')).to.deep.equal([]);
  });

  it('types a rule across packages through data refs and imports', () => {
    const found = checkPolicies([
      { path: 'lib.rego', text: 'package lib\n\nnames contains n if {\n\tsome n in ["a", "b"]\n}\n' },
      { path: 'use.rego', text: 'package use\n\nimport data.lib\n\nbad if abs(lib.names) > 0\n\nalso_bad if count(data.lib.names) + "x" > 0\n' },
    ]).map((d) => `${d.loc.file}:${d.loc.line}: ${d.message}`);
    expect(found).to.deep.equal(['use.rego:5: abs: invalid argument(s)', 'use.rego:7: plus: invalid argument(s)']);
  });

  it('types a function by its results, and leaves its parameters open as OPA does for unused ones', () => {
    expect(typeErrors('greet(name) := concat(" ", ["hi", name])\n\nbad if abs(greet("x")) > 1\n')).to.deep.equal([[5, 8, 'abs: invalid argument(s)']]);
    expect(typeErrors('id(x) := x\n\nok if abs(id(1)) > 0\n\nalso_ok if upper(id("a")) == "A"\n')).to.deep.equal([]);
  });

  it('types a function\'s parameters by their first uses in its body, and refuses a call that cannot fit', () => {
    expect(typeErrors('inc(x) := y if {\n\ty := x + 1\n}\n\nbad := inc("a")\n\nok := inc(2)\n')).to.deep.equal([[7, 8, 'data.p.inc: invalid argument(s)']]);
    const found = checkPolicies([{ path: 'p.rego', text: 'package p\n\ninc(x) := x + 1\n\nbad := inc("a")\n' }]);
    expect(found[0]!.details).to.deep.equal({ have: ['string'], want: ['number'] });
    // Two definitions: a call fits when it fits one of them (OPA unites the definitions' types).
    expect(typeErrors('f(x) := x + 1\n\nf(x) := upper(x) if false\n\nok := f("a")\n\nbad := f([])\n')).to.deep.equal([[9, 8, 'data.p.f: invalid argument(s)']]);
  });

  it('types the variables of an iteration by the collection they range over', () => {
    expect(typeErrors('bad if {\n\tsome x in [1, 2]\n\tupper(x) == "1"\n}\n')).to.deep.equal([[5, 2, 'upper: invalid argument(s)']]);
    expect(typeErrors('roles contains r if {\n\tsome r in ["a"]\n}\n\nbad if {\n\tsome r in roles\n\tr + 1 > 0\n}\n')).to.deep.equal([[9, 2, 'plus: invalid argument(s)']]);
    expect(typeErrors('bad if {\n\txs := ["a"]\n\tsome i\n\txs[i]\n\tupper(i) == ""\n}\n')).to.deep.equal([[7, 2, 'upper: invalid argument(s)']]);
  });

  it('reports a unification that can never hold as OPA\'s match error', () => {
    expect(typeErrors('bad if {\n\t[a, b] := [1]\n\ta == b\n}\n')).to.deep.equal([[4, 2, 'match error']]);
    expect(typeErrors('bad if {\n\tx := 1\n\tx = "one"\n}\n')).to.deep.equal([[5, 2, 'match error']]);
    expect(typeErrors('ok if {\n\t[a, b] := [1, "x"]\n\tupper(b) == "X"\n\ta > 0\n}\n')).to.deep.equal([]);
  });

  it('prints a match error with its two sides, as opa check does', () => {
    const found = checkPolicies([{ path: 'p.rego', text: 'package p\n\nbad if {\n\tx := 1\n\tx = "one"\n}\n' }]);
    expect(prettyReport(found)).to.equal('1 error occurred:\np.rego:5:2: rego_type_error: match error\n\tleft  : number\n\tright : string\n');
    expect(jsonReport(found).errors[0]!.details).to.deep.equal({ a: 'number', b: 'string' });
  });

  it('shows the structure it knows of an argument under have', () => {
    const found = checkPolicies([{ path: 'p.rego', text: 'package p\n\nbad if upper([1, "a"]) == ""\n\nworse if upper({"k": {1}}) == ""\n' }]);
    expect(found.map((d) => d.details?.have)).to.deep.equal([['array<number, string>'], ['object<k: set[number]>']]);
  });

  it('accepts a rule whose definitions differ in type wherever one of them fits', () => {
    expect(typeErrors('v := 1 if input.a\n\nv := "s" if input.b\n\nok if upper(v) == "S"\n\nalso_ok if abs(v) > 0\n\nbad if count(v) > 0\n')).to.deep.equal([]);
    expect(typeErrors('v := 1 if input.a\n\nv := "s" if input.b\n\nbad if v == {}\n\nworse if endswith(v, {})\n')).to.deep.equal([[9, 10, 'endswith: invalid argument(s)']]);
  });

  it('types a comprehension by its body and reports what is wrong inside it once', () => {
    expect(typeErrors('bad if {\n\tns := [n | some n in [1, 2]]\n\tupper(ns[0]) == ""\n}\n')).to.deep.equal([[5, 2, 'upper: invalid argument(s)']]);
    expect(typeErrors('bad if {\n\tms := {k: v | some k, v in {"a": 1}; v + "x" > 0}\n\tcount(ms) > 0\n}\n')).to.deep.equal([[4, 39, 'plus: invalid argument(s)']]);
  });

  it('reports a ref into a rule that cannot hold it as OPA\'s undefined ref', () => {
    expect(typeErrors('limits := {"calls": 10}\n\nbad if limits.cals > 1\n\nok if limits.calls > 1\n')).to.deep.equal([[5, 8, 'undefined ref: data.p.limits.cals']]);
    expect(typeErrors('n := 3\n\nbad if n.x\n')).to.deep.equal([[5, 8, 'undefined ref: data.p.n.x']]);
    expect(typeErrors('pair := [1, 2]\n\nbad if pair[2]\n\nok if pair[1] > 1\n')).to.deep.equal([[5, 8, 'undefined ref: data.p.pair[2]']]);
    // Base documents, rules with variables in their ref and rules of several types are not second-guessed.
    expect(typeErrors('ok if data.things.anything.at.all\n\nobj[k] := 1 if some k in ["a"]\n\nalso_ok if obj.b\n\nv := {"a": 1} if input.x\n\nv := {"b": 1} if input.y\n\nfine if v.b\n')).to.deep.equal([]);
  });

  it('reports a constant ref into a local that cannot hold it, naming the local as written', () => {
    expect(typeErrors('bad if {\n\tlimits := {"calls": 10}\n\tlimits.cals > 1\n}\n')).to.deep.equal([[5, 2, 'undefined ref: limits.cals']]);
    expect(typeErrors('bad if {\n\tpair := [1, 2]\n\tpair[2] > 1\n}\n\nworse if {\n\tn := count(input.x)\n\tn.size > 1\n}\n')).to.deep.equal([[5, 2, 'undefined ref: pair[2]'], [10, 2, 'undefined ref: n.size']]);
    // Objects built with keys only known when evaluated, and values of input, may hold anything.
    expect(typeErrors('ok if {\n\tm := {k: 1 | some k in input.ks}\n\tm.anything == 1\n\tv := input.v\n\tv.anything\n\to := object.union({"a": 1}, input.o)\n\to.b\n}\n')).to.deep.equal([]);
  });

  it('reports a rule with an error once: its callers see it as any', () => {
    expect(typeErrors('broken := x if {\n\tx := upper(1)\n}\n\nuse if abs(broken) > 0\n')).to.deep.equal([[4, 7, 'upper: invalid argument(s)']]);
  });

  it('does not refuse what OPA accepts: input, base data, every, and values only a later use could narrow', () => {
    const fine = [
      'a if upper(input.name) == abs(input.n)',
      'b if count(data.things.list) > 0',
      'c if {\n\tevery x in input.xs { upper(x) != ""; x != 1 }\n}',
      'e if {\n\tsome k, v in {"a": [1]}\n\tupper(k) == "A"\n\tcount(v) == 1\n}',
      'f if {\n\tx := [y | y := input.ys[_]]\n\tupper(x[0]) == ""\n}',
    ].join('\n\n');
    expect(typeErrors(`${fine}\n`)).to.deep.equal([]);
  });

  it('makes policy build refuse what policy check reports, at the same place', async function () {
    this.timeout(60_000);
    try {
      await compilePolicy([{ path: 'p.rego', text: 'package p\n\nlimit := 3\n\nshout := upper(limit)\n' }], { entrypoints: ['p/shout'] });
      expect.fail('compiled a policy with a type error');
    } catch (err) {
      expect(String(err)).to.contain('p.rego:5:10: rego_type_error: upper: invalid argument(s)');
    }
  });
});
