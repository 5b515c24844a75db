import { expect } from 'chai';
import { compile, errors, groupText } from './helpers.js';

describe('checks: safety and body reordering', () => {
  it('reorders expressions so that variables are bound before use', () => {
    const p = compile('package t\np := y if { y = x + 1; x = input.n }');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := __local0__ if { eq(__local1__, input.n); plus(__local1__, 1, __local2__); eq(__local0__, __local2__) }']);
  });

  it('reorders comprehension bodies in rule heads, with the rule body bound first', () => {
    const p = compile('package t\nq := [y | y = x + z; x = input[_]] if z := 2');
    expect(groupText(p, 't.q')).to.deep.equal([
      'data.t.q := [__local1__ | eq(__local2__, input[__local3__]); plus(__local2__, __local0__, __local4__); eq(__local1__, __local4__)] if { eq(__local0__, 2) }',
    ]);
  });

  it('binds variables through array patterns on either side of =', () => {
    const p = compile('package t\np := [a, b] if { [a, 2] = [1, b] }');
    expect(groupText(p, 't.p')).to.have.length(1);
  });

  it('reports an unsafe variable in a body at its location with its source name', () => {
    expect(errors('package t\np if {\n  x > 1\n}')).to.deep.equal(['m0.rego:3:3: rego_unsafe_var_error: var x is unsafe']);
  });

  it('reports unsafe variables in rule heads', () => {
    expect(errors('package t\np := x if input.a')).to.deep.equal(['m0.rego:2:6: rego_unsafe_var_error: var x is unsafe']);
    expect(errors('package t\nq contains y if true')).to.deep.equal(['m0.rego:2:12: rego_unsafe_var_error: var y is unsafe']);
  });

  it('rejects unbound variables under negation but accepts wildcards there', () => {
    expect(errors('package t\np if { not input.x[y] }')).to.deep.equal(['m0.rego:2:20: rego_unsafe_var_error: var y is unsafe']);
    expect(groupText(compile('package t\np if { not input.x[_] }'), 't.p')).to.have.length(1);
  });

  it('rejects built-in calls whose inputs are never bound', () => {
    expect(errors('package t\np if { count(x) > 0 }')).to.deep.equal(['m0.rego:2:14: rego_unsafe_var_error: var x is unsafe']);
  });

  it('accepts ref operands that bind the variable they are compared with', () => {
    expect(groupText(compile('package t\np := k if { some k; k == input.ks[k] }'), 't.p')).to.have.length(1);
  });

  it('checks query variables too', () => {
    expect(errors('package t\np := 1', { queries: [{ text: 'x > 1' }] })).to.deep.equal(['<query>:1:1: rego_unsafe_var_error: var x is unsafe']);
  });
});

describe('checks: unknown references, built-ins and arity', () => {
  it('reports unknown built-ins', () => {
    expect(errors('package t\np if foo(1)')).to.deep.equal(['m0.rego:2:6: rego_type_error: undefined function foo']);
  });

  it('reports wrong arity of built-ins and functions', () => {
    expect(errors('package t\np if count(1, 2, 3)')).to.deep.equal(['m0.rego:2:6: rego_type_error: count: arity mismatch: takes 1 argument, got 3']);
    expect(errors('package t\nf(x) := x\np := f(1, 2)')).to.deep.equal(['m0.rego:3:6: rego_type_error: data.t.f: arity mismatch: takes 1 argument, got 2']);
  });

  it('accepts one extra argument for the output of a call used as a statement', () => {
    expect(groupText(compile('package t\np := n if count([1], n)'), 't.p')).to.have.length(1);
  });

  it('reports calls of undefined functions and of rules that are not functions', () => {
    expect(errors('package t\np if data.lib.nope(1)')).to.deep.equal(['m0.rego:2:6: rego_type_error: undefined function data.lib.nope']);
    expect(errors('package t\nq := 1\np if q(1)')).to.deep.equal(['m0.rego:3:6: rego_type_error: data.t.q is not a function']);
  });

  it('uses the given built-in catalogue', () => {
    const builtins = { lookupBuiltin: (name: string) => (name === 'eq' || name === 'custom.fn' ? { name, arity: name === 'eq' ? 2 : 1 } : undefined) };
    expect(groupText(compile('package t\np := x if x = custom.fn(1)', { builtins }), 't.p')).to.have.length(1);
    expect(errors('package t\np if count([])', { builtins })).to.deep.equal(['m0.rego:2:6: rego_type_error: undefined function count']);
  });

  it('reports dynamic function calls as unsupported', () => {
    expect(errors('package t\np if { x := "f"; data.t[x](1) }')).to.deep.equal(['m0.rego:2:18: rego_unsupported_error: unsupported: dynamic function call data.t[x]']);
  });

  it('validates with targets', () => {
    expect(errors('package t\np if { true with foo.bar as 1 }')).to.deep.equal([
      'm0.rego:2:18: rego_compile_error: with keyword target must reference existing input, data, or a function: foo.bar',
    ]);
  });
});

describe('checks: rule conflicts, defaults and recursion', () => {
  it('reports conflicting rule kinds for one path', () => {
    expect(errors('package t\np := 1\np contains 2')).to.deep.equal([
      'm0.rego:3:1: rego_type_error: conflicting rules data.t.p found: complete rule and multi-value rule (contains)',
    ]);
  });

  it('reports functions of different arities under one name', () => {
    expect(errors('package t\nf(x) := 1\nf(x, y) := 2')).to.deep.equal([
      'm0.rego:3:1: rego_type_error: conflicting rules data.t.f found: functions with 1 and 2 arguments',
    ]);
  });

  it('reports multiple default rules and non-constant default values', () => {
    expect(errors('package t\ndefault p := 1\ndefault p := 2')).to.deep.equal(['m0.rego:3:1: rego_type_error: multiple default rules data.t.p found']);
    expect(errors('package t\ndefault p := input.x')).to.deep.equal(['m0.rego:2:14: rego_type_error: default rule value must be a constant, found input.x']);
  });

  it('reports rules nested under other rules and packages under rules', () => {
    expect(errors('package t\np := 1\np.q := 2')).to.deep.equal(['m0.rego:3:1: rego_type_error: rule data.t.p.q conflicts with rule data.t.p']);
    expect(errors(['package t\np := 1', 'package t.p\nq := 2'])).to.deep.equal([
      'm1.rego:1:1: rego_type_error: package data.t.p conflicts with rule data.t.p',
      'm1.rego:2:1: rego_type_error: rule data.t.p.q conflicts with rule data.t.p',
    ]);
  });

  it('reports recursion with its cycle', () => {
    expect(errors('package t\np if q\nq if p')).to.deep.equal(['m0.rego:2:1: rego_recursion_error: rule data.t.p is recursive: data.t.p -> data.t.q -> data.t.p']);
    expect(errors('package t\nf(x) := f(x)')).to.deep.equal(['m0.rego:2:1: rego_recursion_error: rule data.t.f is recursive: data.t.f -> data.t.f']);
  });

  it('treats a ref with a variable as reading every matching rule', () => {
    expect(errors('package t\np contains x if data.t[x]')[0]).to.equal('m0.rego:2:1: rego_recursion_error: rule data.t.p is recursive: data.t.p -> data.t.p');
    expect(groupText(compile(['package t\np := data.a[x].y if x := "b"', 'package a\nb.y := 1\nc.z := 2']), 't.p')).to.have.length(1);
  });
});

describe('checks: assignment errors', () => {
  it('reports a variable assigned twice', () => {
    expect(errors('package t\np if { x := 1; x := 2 }')).to.deep.equal(['m0.rego:2:16: rego_compile_error: var x assigned above']);
  });

  it('reports assignment to a variable already used', () => {
    expect(errors('package t\np if { x = 1; x := 2 }')).to.deep.equal(['m0.rego:2:15: rego_compile_error: var x referenced above']);
  });

  it('reports assignment to refs and shadowing of input', () => {
    expect(errors('package t\np if { input.x := 1 }')).to.deep.equal(['m0.rego:2:8: rego_parse_error: cannot assign to ref']);
    expect(errors('package t\np if { input := 1 }')).to.deep.equal(['m0.rego:2:8: rego_compile_error: variables must not shadow input (use a different variable name)']);
  });

  it('lets a declared variable in a comprehension shadow nothing outside', () => {
    const p = compile('package t\np := x if { y := {x | some x in [1, 2]}; x := count(y) }');
    expect(groupText(p, 't.p')).to.have.length(1);
  });

  it('collects every error of a program in source order', () => {
    expect(errors('package t\na if foo()\nb if x')).to.deep.equal([
      'm0.rego:2:6: rego_type_error: undefined function foo',
      'm0.rego:3:6: rego_unsafe_var_error: var x is unsafe',
    ]);
  });
});
