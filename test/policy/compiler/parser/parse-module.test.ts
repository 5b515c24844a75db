import { expect } from 'chai';
import { bodyToString, refToString, termToString } from '../../../../src/policy/compiler/ast/index.js';
import type { Rule } from '../../../../src/policy/compiler/ast/index.js';
import { parseModule } from '../../../../src/policy/compiler/parser/index.js';

function rules(src: string): Rule[] {
  return parseModule(`package test\n${src}`, 't.rego').rules;
}

function one(src: string): Rule {
  const r = rules(src);
  expect(r).to.have.length(1);
  return r[0]!;
}

function describeRule(r: Rule): string {
  const h = r.head;
  const args = h.args ? `(${h.args.map(termToString).join(', ')})` : '';
  const key = h.key ? ` contains ${termToString(h.key)}` : '';
  const value = h.value ? ` = ${termToString(h.value)}` : '';
  return `${h.kind} ${refToString(h.ref)}${args}${key}${value} { ${bodyToString(r.body)} }`;
}

describe('Rego parser: modules', () => {
  it('reads the package as an absolute data ref and keeps imports with aliases', () => {
    const m = parseModule('package a.b["c"]\nimport rego.v1\nimport data.x.y as z\nimport input.q\nimport future.keywords.in\n', 'm.rego');
    expect(refToString(m.package.path)).to.equal('data.a.b.c');
    expect(m.imports.map((i) => `${refToString(i.path)}${i.alias ? ` as ${i.alias}` : ''}`)).to.deep.equal([
      'rego.v1', 'data.x.y as z', 'input.q', 'future.keywords.in',
    ]);
  });

  it('skips a leading byte-order mark, as OPA does, counting positions from after it', () => {
    const m = parseModule('\uFEFFpackage p\n\nallow if input.x\n', 'bom.rego');
    expect(refToString(m.package.path)).to.equal('data.p');
    expect(m.rules[0]!.loc).to.deep.equal({ file: 'bom.rego', line: 3, col: 1 });
    expect(() => parseModule('package p\n\uFEFFallow if input.x\n', 'mid.rego')).to.throw(/rego_parse_error/);
  });

  it('parses complete rules with and without bodies', () => {
    expect(describeRule(one('p := 1'))).to.equal('complete p = 1 {  }');
    expect(describeRule(one('p if { input.x }'))).to.equal('complete p = true { input.x }');
    expect(describeRule(one('p = "a" if input.x == 1'))).to.equal('complete p = "a" { equal(input.x, 1) }');
  });

  it('parses multi-value (contains) and single-value object rules', () => {
    expect(describeRule(one('p contains x if { some x in input.xs }'))).to.equal('set p contains x { some x in input.xs }');
    expect(describeRule(one('p contains "a"'))).to.equal('set p contains "a" {  }');
    expect(describeRule(one('p[k] := v if { some k, v in input.o }'))).to.equal('object p[k] = v { some k, v in input.o }');
    expect(describeRule(one('p[x] if { x := 1 }'))).to.equal('object p[x] = true { assign(x, 1) }');
  });

  it('parses ref heads, ground ones as complete rules', () => {
    expect(describeRule(one('a.b.c := 1'))).to.equal('complete a.b.c = 1 {  }');
    expect(describeRule(one('a.b[x].c := 1 if x := "k"'))).to.equal('object a.b[x].c = 1 { assign(x, "k") }');
    expect(describeRule(one('a["b"] := 1'))).to.equal('complete a.b = 1 {  }');
  });

  it('parses functions, including patterns in arguments and multiple definitions', () => {
    const r = rules('f(x) := x + 1\nf([a, b]) := a if b\ng(x) if x > 1');
    expect(r.map(describeRule)).to.deep.equal([
      'function f(x) = plus(x, 1) {  }',
      'function f([a, b]) = a { b }',
      'function g(x) = true { gt(x, 1) }',
    ]);
  });

  it('parses default rules and default functions', () => {
    const r = rules('default p := false\ndefault f(_) := 0');
    expect(r.map((x) => x.default)).to.deep.equal([true, true]);
    expect(r.map(describeRule)).to.deep.equal(['complete p = false {  }', 'function f(_) = 0 {  }']);
  });

  it('parses else chains with and without values and bodies', () => {
    const r = one('p := 1 if { input.a } else := 2 if { input.b } else = 3');
    expect(describeRule(r)).to.equal('complete p = 1 { input.a }');
    expect(describeRule(r.else!)).to.equal('complete p = 2 { input.b }');
    expect(describeRule(r.else!.else!)).to.equal('complete p = 3 {  }');
    const f = one('f(x) := 1 if x > 0 else := -1');
    expect(f.else!.head.args!.map(termToString)).to.deep.equal(['x']);
  });

  it('reads bodies chained after a rule body as further definitions sharing its head (OPA parseRules)', () => {
    const r = rules('p if { input.a } { input.b }\nq contains x if { x := 1 }\n{ x := 2 }\nf(x) := "s" if x > 0 { x < 0 }\ng(_) := 1 if { true } { false }');
    expect(r.map(describeRule)).to.deep.equal([
      'complete p = true { input.a }',
      'complete p = true { input.b }',
      'set q contains x { assign(x, 1) }',
      'set q contains x { assign(x, 2) }',
      'function f(x) = "s" { gt(x, 0) }',
      'function f(x) = "s" { lt(x, 0) }',
      'function g(_) = 1 { true }',
      'function g(_) = 1 { false }',
    ]);
    expect(r.map((x) => x.chained ?? false)).to.deep.equal([false, true, false, true, false, true, false, true]);
    expect(r[5]!.head.assign).to.equal(true);
  });

  it('locates a chained body\'s rule and every node of its copied head at the body\'s `{`', () => {
    const [first, second] = parseModule('package test\n\nf(x) := [x] if {\n\tx > 0\n}\n\t{ x < 0 }\n', 'c.rego').rules;
    const at = { file: 'c.rego', line: 6, col: 2 };
    expect(first!.head.args![0]!.loc).to.deep.equal({ file: 'c.rego', line: 3, col: 3 });
    expect(second!.loc).to.deep.equal(at);
    expect([second!.head.loc, second!.head.ref.loc, second!.head.ref.terms[0]!.loc, second!.head.args![0]!.loc, second!.head.value!.loc]).to.deep.equal([at, at, at, at, at]);
    expect(second!.body[0]!.loc).to.deep.equal({ file: 'c.rego', line: 6, col: 4 });
  });

  it('separates literals by newlines or semicolons', () => {
    const r = one('p if {\n  a := 1; b := 2\n  a < b\n}');
    expect(bodyToString(r.body)).to.equal('assign(a, 1); assign(b, 2); lt(a, b)');
  });

  it('applies OPA operator precedence', () => {
    const r = one('p := x if x := 1 + 2 * 3 - 4 / 2 % 1');
    expect(bodyToString(r.body)).to.equal('assign(x, minus(plus(1, mul(2, 3)), rem(div(4, 2), 1)))');
    expect(bodyToString(one('p if 1 + 1 == 2').body)).to.equal('equal(plus(1, 1), 2)');
    expect(bodyToString(one('p if a | b & c == d').body)).to.equal('equal(or(a, and(b, c)), d)');
    expect(bodyToString(one('p if x in y == z').body)).to.equal('internal.member_2(x, equal(y, z))');
  });

  it('parses membership with key and value, in and some ... in', () => {
    expect(bodyToString(one('p if { "a", 1 in input.o }').body)).to.equal('internal.member_3("a", 1, input.o)');
    expect(bodyToString(one('p if { (0, 2 in [2]) in [true] }').body)).to.equal('internal.member_2(internal.member_3(0, 2, [2]), [true])');
    expect(bodyToString(one('p if { some k, v in input.o }').body)).to.equal('some k, v in input.o');
    expect(bodyToString(one('p if { some x, y; x = 1; y = 2 }').body)).to.equal('some x, y; eq(x, 1); eq(y, 2)');
  });

  it('parses every with and without a key', () => {
    expect(bodyToString(one('p if every x in input.xs { x > 0 }').body)).to.equal('every x in input.xs { gt(x, 0) }');
    expect(bodyToString(one('p if { every k, v in input.o { k != v } }').body)).to.equal('every k, v in input.o { neq(k, v) }');
  });

  it('parses negation and with modifiers', () => {
    const r = one('p if { not q with input.x as 1 with data.y as {"a": [1]} }');
    expect(r.body[0]!.negated).to.equal(true);
    expect(bodyToString(r.body)).to.equal('not q with input.x as 1 with data.y as {"a": [1]}');
    expect(bodyToString(one('p if f(1) with f as g').body)).to.equal('f(1) with f as g');
  });

  it('parses refs with dots, brackets, variables and composite heads', () => {
    const r = one('p if { data.a.b[x]["c"].d[_] == input[0]; [1, 2][i]; f(x).y }');
    expect(bodyToString(r.body)).to.equal('equal(data.a.b[x].c.d[_], input[0]); [1, 2][i]; f(x).y');
  });

  it('parses composite terms and comprehensions', () => {
    const r = one('p := [[1, "a", null, true], {"k": {1, 2}}, set(), {}, [x | x := input[_]], {x | input[x]}, {k: v | v := input[k]}]');
    expect(termToString(r.head.value!)).to.equal(
      '[[1, "a", null, true], {"k": {1, 2}}, set(), {}, [x | assign(x, input[_])], {x | input[x]}, {k: v | assign(v, input[k])}]',
    );
  });

  it('prefers comprehensions over the | operator like OPA, and sets over objects when no colon follows', () => {
    expect(termToString(one('p := {1 | true}').head.value!)).to.equal('{1 | true}');
    expect(termToString(one('p := {a, b | c}').head.value!)).to.equal('{a, or(b, c)}');
  });

  it('keeps number text exactly and reads negative numbers', () => {
    const r = one('p := [1, -2, 3.50, 1e3, 12345678901234567890]');
    expect(termToString(r.head.value!)).to.equal('[1, -2, 3.50, 1e3, 12345678901234567890]');
  });

  it('decodes string escapes and raw strings', () => {
    const r = one('p := ["a\\n\\t\\"\\u00e9", `raw\\n`]');
    const items = (r.head.value as { items: Array<{ value: string }> }).items;
    expect(items.map((i) => i.value)).to.deep.equal(['a\n\t"é', 'raw\\n']);
  });

  it('ignores comments', () => {
    expect(rules('# comment\np := 1 # trailing\n# end')).to.have.length(1);
  });

  it('accepts keywords as names when a dot or parenthesis follows directly', () => {
    const r = rules('p if { contains("abc", "b"); every.foo == 1; x := if.bar }\nelse.foo := 1\ndefault in.foo(_) := 2');
    expect(r.map((x) => refToString(x.head.ref))).to.deep.equal(['p', 'else.foo', 'in.foo']);
    expect(bodyToString(r[0]!.body)).to.equal('contains("abc", "b"); equal(every.foo, 1); assign(x, if.bar)');
  });

  it('accepts a single-literal body that starts with a brace', () => {
    const r = one('f(x) := 1 if {x: i | x := ["a"][i]}');
    expect(bodyToString(r.body)).to.equal('{x: i | assign(x, ["a"][i])}');
  });

  it('parses template strings with embedded expressions and escapes', () => {
    const r = one('p := $"a {input.x} \\{b} {1 + 2 with input as 1}"');
    const t = r.head.value!;
    expect(t.type).to.equal('templatestring');
    const parts = (t as { parts: unknown[] }).parts;
    expect(parts).to.have.length(4);
    expect(parts[0]).to.equal('a ');
    expect(parts[2]).to.equal(' {b} ');
  });

  it('lowers experimental and/or to set operations over one-shot operands', () => {
    const m = parseModule('package t\nimport future.keywords.and\nimport future.keywords.or\np if input.a and { b := 1; b > 0 } or (input.c with input as 1)', 't.rego');
    expect(bodyToString(m.rules[0]!.body)).to.equal(
      'internal.member_2(true, or(and({true | input.a}, {true | assign(b, 1); gt(b, 0)}), {true | input.c with input as 1}))',
    );
  });

  it('keeps calls inside the negation when the experimental not keyword is imported', () => {
    const plain = parseModule('package t\np if not f(g(1))', 't.rego');
    expect(bodyToString(plain.rules[0]!.body)).to.equal('not f(g(1))');
    const m = parseModule('package t\nimport future.keywords.not\np if not f(g(1))\nq if not { a := 1; a > 2 }', 't.rego');
    expect(m.rules.map((r) => bodyToString(r.body))).to.deep.equal([
      'not internal.member_2(true, {true | f(g(1))})',
      'not internal.member_2(true, {true | assign(a, 1); gt(a, 2)})',
    ]);
  });

  it('records locations of rules, terms and expressions', () => {
    const r = parseModule('package test\n\np if {\n\tinput.x == 1\n}\n', 'loc.rego').rules[0]!;
    expect(r.loc).to.deep.equal({ file: 'loc.rego', line: 3, col: 1 });
    expect(r.body[0]!.loc).to.deep.equal({ file: 'loc.rego', line: 4, col: 2 });
  });
});
