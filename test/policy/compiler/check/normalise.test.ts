import { expect } from 'chai';
import { bodyToString } from '../../../../src/policy/compiler/ast/index.js';
import type { CallExpr } from '../../../../src/policy/compiler/ast/index.js';
import { compile, groupText } from './helpers.js';

describe('checks: normalised form for the planner', () => {
  it('makes head refs absolute and renames locals; := becomes =', () => {
    const p = compile('package a.b\np := x if { x := input.y }');
    expect(groupText(p, 'a.b.p')).to.deep.equal(['data.a.b.p := __local0__ if { eq(__local0__, input.y) }']);
  });

  it('resolves rule names of the package and import aliases to data refs', () => {
    const p = compile(['package a\nimport data.lib.helpers as h\nimport input.user\nq := 1\np if { q == 1; h.x; user.name }', 'package lib.helpers\nx := true']);
    expect(groupText(p, 'a.p')).to.deep.equal(['data.a.p := true if { equal(data.a.q, 1); data.lib.helpers.x; input.user.name }']);
  });

  it('rewrites some x in xs and some k, v in xs to ref unification', () => {
    const p = compile('package t\np contains x if { some x in input.xs }\nq contains [k, v] if { some k, v in {"a": 1} }');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p contains __local1__ if { eq(__local1__, input.xs[__local0__]) }']);
    expect(groupText(p, 't.q')).to.deep.equal(['data.t.q contains [__local2__, __local3__] if { eq(__local4__, {"a": 1}); eq(__local3__, __local4__[__local2__]) }']);
  });

  it('flattens nested calls into call expressions with output variables, in evaluation order', () => {
    const p = compile('package t\np if { count(input.xs) + 1 > 2 * 3 }');
    expect(groupText(p, 't.p')).to.deep.equal([
      'data.t.p := true if { count(input.xs, __local0__); plus(__local0__, 1, __local1__); mul(2, 3, __local2__); gt(__local1__, __local2__) }',
    ]);
  });

  it('annotates call targets: built-ins with arity, functions with their data path', () => {
    const p = compile('package t\nf(x) := x\np if { f(1) == count([]) }');
    const body = p.groups.get('t.p')!.rules[0]!.body as CallExpr[];
    expect(body.map((e) => e.target)).to.deep.equal([
      { kind: 'function', path: ['t', 'f'], arity: 1 },
      { kind: 'builtin', name: 'count', arity: 1 },
      { kind: 'builtin', name: 'equal', arity: 2 },
    ]);
  });

  it('lifts calls and refs out of rule heads into the body', () => {
    const p = compile('package t\np := upper(input.name)\nq[k] := input.o[k]\nr contains lower(input.x)');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := __local0__ if { upper(input.name, __local0__) }']);
    expect(groupText(p, 't.q')).to.deep.equal(['data.t.q[__local1__] := __local2__ if { eq(__local2__, input.o[__local1__]) }']);
    expect(groupText(p, 't.r')).to.deep.equal(['data.t.r contains __local3__ if { lower(input.x, __local3__) }']);
  });

  it('hoists calls nested in a negated expression in front of it, like OPA', () => {
    const p = compile('package t\np if { not startswith(lower(input.s), "a") }');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := true if { lower(input.s, __local0__); not startswith(__local0__, "a") }']);
  });

  it('keeps comprehensions as terms with normalised bodies and closure variables', () => {
    const p = compile('package t\np := ys if { n := 2; ys := [y | some x in input.xs; y := x * n] }');
    expect(groupText(p, 't.p')).to.deep.equal([
      'data.t.p := __local4__ if { eq(__local0__, 2); eq(__local4__, [__local3__ | eq(__local2__, input.xs[__local1__]); mul(__local2__, __local0__, __local5__); eq(__local3__, __local5__)]) }',
    ]);
  });

  it('keeps every as its own expression with fresh key and value variables', () => {
    const p = compile('package t\np if every k, v in input.o { k != v }');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := true if { every __local0__, __local1__ in input.o { neq(__local0__, __local1__) } }']);
  });

  it('lowers template strings to internal.template_string with one-element set captures', () => {
    const p = compile('package t\np := $"hi {input.name}, {1}!"');
    expect(groupText(p, 't.p')).to.deep.equal([
      'data.t.p := __local1__ if { internal.template_string(["hi ", {__local0__ | eq(__local0__, input.name)}, ", ", 1, "!"], __local1__) }',
    ]);
  });

  it('lowers print to internal.print over captured arguments', () => {
    const p = compile('package t\np if print("x", input.y)');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := true if { internal.print([{__local0__ | eq(__local0__, "x")}, {__local1__ | eq(__local1__, input.y)}]) }']);
  });

  it('keeps with modifiers on lifted expressions and marks replacement functions', () => {
    const p = compile('package t\nf(x) := 1\np if { count(input.xs) > 1 with input.xs as [1, 2] with f as count }');
    const body = p.groups.get('t.p')!.rules[0]!.body;
    expect(bodyToString(body)).to.equal('count(input.xs, __local1__) with input.xs as [1, 2] with data.t.f as count; gt(__local1__, 1) with input.xs as [1, 2] with data.t.f as count');
    expect(body[0]!.with[1]!.valueTarget).to.deep.equal({ kind: 'builtin', name: 'count', arity: 1 });
  });

  it('evaluates a ref that binds a variable read by the same call first', () => {
    const p = compile('package t\np := foo if { some foo; foo == input.foos[foo] }');
    expect(groupText(p, 't.p')).to.deep.equal(['data.t.p := __local0__ if { eq(__local1__, input.foos[__local0__]); equal(__local0__, __local1__) }']);
  });

  it('evaluates with values that index local values before the expression', () => {
    const p = compile('package t\nq if { count([1]) == 1 with count as [1 | true][0] }');
    expect(groupText(p, 't.q')).to.deep.equal([
      'data.t.q := true if { eq(__local0__, [1 | true]); eq(__local1__, __local0__[0]); count([1], __local2__) with count as __local1__; equal(__local2__, 1) with count as __local1__ }',
    ]);
  });

  it('treats a repeated function argument variable as one variable', () => {
    const p = compile('package t\nf(x, x) := x');
    expect(groupText(p, 't.f')).to.deep.equal(['data.t.f(__local0__, __local0__) := __local0__ if {  }']);
  });

  it('normalises else chains and function arguments', () => {
    const p = compile('package t\nf(x) := "pos" if x > 0 else := "neg" if x < 0 else := "zero"');
    expect(groupText(p, 't.f')).to.deep.equal(['data.t.f(__local0__) := "pos" if { gt(__local0__, 0) }']);
    const rule = p.groups.get('t.f')!.rules[0]!;
    expect(rule.else!.head.args).to.have.length(1);
    expect(bodyToString(rule.else!.body)).to.match(/^lt\(__local\d+__, 0\)$/);
    expect(rule.else!.else!.body).to.deep.equal([]);
  });

  it('keeps query variables by name and lists them', () => {
    const p = compile('package t\np := 1', { queries: [{ text: 'data.t.p = x; y := x + 1' }] });
    expect(p.queries[0]!.vars).to.deep.equal(['x', 'y']);
    expect(bodyToString(p.queries[0]!.body)).to.equal('eq(data.t.p, x); plus(x, 1, __localq0__); eq(y, __localq0__)');
  });

  it('orders rule groups so that dependencies come first', () => {
    const p = compile('package t\na if b\nb if c\nc := true');
    expect([...p.groups.keys()]).to.deep.equal(['t.c', 't.b', 't.a']);
  });

  it('adds complete rules under a rule with variables in its ref to that object group', () => {
    const p = compile('package t\np.q.r := 1\np.q[s] := 2 if s := "s"');
    expect([...p.groups.keys()]).to.deep.equal(['t.p.q']);
    expect(groupText(p, 't.p.q')).to.deep.equal(['data.t.p.q[__local0__] := 2 if { eq(__local0__, "s") }', 'data.t.p.q.r := 1 if {  }']);
  });

  it('separates default rules from the other rules of a group', () => {
    const p = compile('package t\ndefault allow := false\nallow if input.ok');
    const g = p.groups.get('t.allow')!;
    expect(g.default?.default).to.equal(true);
    expect(g.rules).to.have.length(1);
  });
});
