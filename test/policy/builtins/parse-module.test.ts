import { expect } from 'chai';
import { callHostBuiltinJson } from '../../../src/policy/builtins/index.js';
import { parseModuleBuiltins } from '../../../src/policy/builtins/impl/parse-module.js';
import { BuiltinError } from '../../../src/policy/builtins/value.js';
import { parseJson, toJs } from '../../../src/policy/topdown/index.js';
import { loadInBoth } from '../compiler/compile-and-load.js';

/**
 * rego.parse_module as OPA's builtinRegoParseModule: the module parsed and encoded with Go's
 * encoding/json through the MarshalJSON methods of v1/ast (policy.go, term.go), with OPA's default
 * JSON options (no locations). Expectations are written by hand from those methods:
 *  - Module: "package" always, "imports"/"rules" only when non-empty (omitempty);
 *  - Package: {"path": Ref}, a Ref being an array of terms; Import: {"path": Term[, "alias"]};
 *  - Rule: {"head", "body"[, "default": true]}; a rule without body gets the parser's body `true`;
 *  - Head: "ref" always, "name" for a one-var ref, "args"/"key"/"value"/"assign" when set, and the
 *    parser's value `true` for `p if { }`;
 *  - Expr: {"terms", "index"[, "negated": true]}: a term for a term expression, [operator ref,
 *    operands...] for a call; infix operators are their built-in names (eq, assign, equal, plus);
 *  - Term: {"type", "value"}; a call term's value is [operator, args...], a comprehension's value
 *    is {"term", "body"}; null's value is {} (ast.Null is an empty struct without MarshalJSON).
 */
const T = {
  v: (value: string) => ({ type: 'var', value }),
  s: (value: string) => ({ type: 'string', value }),
  n: (value: number) => ({ type: 'number', value }),
  b: (value: boolean) => ({ type: 'boolean', value }),
  ref: (...value: object[]) => ({ type: 'ref', value }),
  op: (name: string) => ({ type: 'ref', value: [{ type: 'var', value: name }] }),
};
const TRUE_BODY = [{ index: 0, terms: T.b(true) }];

function parse(text: string): unknown {
  const json = callHostBuiltinJson('rego.parse_module', 'x.rego', text);
  return json === undefined ? undefined : JSON.parse(json);
}

function direct(text: string): unknown {
  return parseModuleBuiltins['rego.parse_module']!('x.rego', text);
}

describe('rego.parse_module', () => {
  it('gives the package, imports and a rule with a body as OPA\'s JSON (the developer case\'s module)', () => {
    const text = 'package foo.bar\n\nimport rego.v1\nimport data.a\n\np if { a = true }';
    expect(parse(text)).to.deep.equal({
      package: { path: [T.v('data'), T.s('foo'), T.s('bar')] },
      imports: [{ path: T.ref(T.v('rego'), T.s('v1')) }, { path: T.ref(T.v('data'), T.s('a')) }],
      rules: [{
        head: { name: 'p', ref: [T.v('p')], value: T.b(true) },
        body: [{ index: 0, terms: [T.op('eq'), T.v('a'), T.b(true)] }],
      }],
    });
  });

  it('gives an import alias, an assigned value, a default rule and the generated body `true`', () => {
    expect(parse('package a\nimport input.x as y\ndefault allow := false\np := 1\n')).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      imports: [{ path: T.ref(T.v('input'), T.s('x')), alias: 'y' }],
      rules: [
        { default: true, head: { name: 'allow', ref: [T.v('allow')], value: T.b(false), assign: true }, body: TRUE_BODY },
        { head: { name: 'p', ref: [T.v('p')], value: T.n(1), assign: true }, body: TRUE_BODY },
      ],
    });
  });

  it('gives a set rule\'s key, a negated expression and indexes expressions by position', () => {
    const text = 'package a\ns contains x if {\n  x := input.xs[0]\n  not x == 2\n}\n';
    expect(parse(text)).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      rules: [{
        head: { name: 's', ref: [T.v('s')], key: T.v('x') },
        body: [
          { index: 0, terms: [T.op('assign'), T.v('x'), T.ref(T.v('input'), T.s('xs'), T.n(0))] },
          { index: 1, negated: true, terms: [T.op('equal'), T.v('x'), T.n(2)] },
        ],
      }],
    });
  });

  it('gives a function\'s args and a nested call term', () => {
    expect(parse('package a\nf(x) := y if { y := x + 1 }\n')).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      rules: [{
        head: { name: 'f', ref: [T.v('f')], args: [T.v('x')], value: T.v('y'), assign: true },
        body: [{ index: 0, terms: [T.op('assign'), T.v('y'), { type: 'call', value: [T.op('plus'), T.v('x'), T.n(1)] }] }],
      }],
    });
  });

  it('gives a function without body its args, value and generated body (parser_ext.go ParseRuleFromCallEqExpr)', () => {
    expect(parse('package a\nf(x) := 1\ng(y) = y\n')).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      rules: [
        { head: { name: 'f', ref: [T.v('f')], args: [T.v('x')], value: T.n(1), assign: true }, body: TRUE_BODY },
        { head: { name: 'g', ref: [T.v('g')], args: [T.v('y')], value: T.v('y') }, body: TRUE_BODY },
      ],
    });
  });

  it('gives comprehensions, arrays, a one-entry object, `some` declarations and scalars', () => {
    const text = 'package a\nc := [x | some x; x = input.a[1]]\no := {"k": null}\nr := ["s", 2.5]\n';
    expect(parse(text)).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      rules: [
        {
          head: {
            name: 'c', ref: [T.v('c')], assign: true,
            value: {
              type: 'arraycomprehension',
              value: {
                term: T.v('x'),
                body: [
                  { index: 0, terms: { symbols: [T.v('x')] } },
                  { index: 1, terms: [T.op('eq'), T.v('x'), T.ref(T.v('input'), T.s('a'), T.n(1))] },
                ],
              },
            },
          },
          body: TRUE_BODY,
        },
        { head: { name: 'o', ref: [T.v('o')], assign: true, value: { type: 'object', value: [[T.s('k'), { type: 'null', value: {} }]] } }, body: TRUE_BODY },
        { head: { name: 'r', ref: [T.v('r')], assign: true, value: { type: 'array', value: [T.s('s'), T.n(2.5)] } }, body: TRUE_BODY },
      ],
    });
  });

  it('gives each chained body a rule with a copy of the head, wildcard arguments renamed after the body is read (parseRules)', () => {
    const eq = (a: object, b: object) => [T.op('eq'), a, b];
    expect(parse('package a\nf(_) := 1 if { _ = input.x } { input.y[_] }\np if { true } { false }\n')).to.deep.equal({
      package: { path: [T.v('data'), T.s('a')] },
      rules: [
        { head: { name: 'f', ref: [T.v('f')], args: [T.v('$0')], value: T.n(1), assign: true }, body: [{ index: 0, terms: eq(T.v('$1'), T.ref(T.v('input'), T.s('x'))) }] },
        { head: { name: 'f', ref: [T.v('f')], args: [T.v('$3')], value: T.n(1), assign: true }, body: [{ index: 0, terms: T.ref(T.v('input'), T.s('y'), T.v('$2')) }] },
        { head: { name: 'p', ref: [T.v('p')], value: T.b(true) }, body: [{ index: 0, terms: T.b(true) }] },
        { head: { name: 'p', ref: [T.v('p')], value: T.b(true) }, body: [{ index: 0, terms: T.b(false) }] },
      ],
    });
  });

  it('stops on a chained body whose head holds a wildcard other than an argument (its number is the first rule\'s)', () => {
    expect(() => direct('package a\nq contains _ if { true } { true }\n')).to.throw(/not supported by this engine/);
  });

  it('keeps a number\'s text exactly (OPA\'s ast.Number is a json.Number)', () => {
    const json = callHostBuiltinJson('rego.parse_module', 'x.rego', 'package a\np := 12345678901234567890\n');
    expect(json).to.include('{"type":"number","value":12345678901234567890}');
  });

  it('fails with OPA\'s parse error text (ast.Errors: "1 error occurred: file:row: code: message")', () => {
    expect(() => direct('package foo.')).to.throw(BuiltinError, '1 error occurred: x.rego:1: rego_parse_error: unexpected eof token: expected ident');
  });

  it('answers the same in the compiled module and the TypeScript evaluator', async function () {
    this.timeout(180_000);
    const text = 'package t\nm := rego.parse_module("x.rego", input.text)\n';
    const { module, prepared } = await loadInBoth(text, ['t/m'], {});
    const input = { text: 'package foo.bar\np := 1\n' };
    const want = parse(input.text);
    const fromModule = (module.evaluate(input, 't/m') as { result: unknown }[])[0]?.result;
    // The evaluator answers a result set like the SDK's: [{result}].
    const fromTs = toJs(prepared.interpreter.evaluate('t/m', parseJson(JSON.stringify(input)), parseJson('{}'), {})) as { result: unknown }[];
    expect(fromModule).to.deep.equal(want);
    expect(JSON.parse(JSON.stringify(fromTs[0]?.result))).to.deep.equal(want);
    // A construct it does not map ends the evaluation in both engines (fail closed), never undefined.
    const unordered = { text: 'package foo\np := {10.0, 1}\n' };
    expect(() => module.evaluate(unordered, 't/m')).to.throw(/not supported by this engine/);
    expect(() => prepared.interpreter.evaluate('t/m', parseJson(JSON.stringify(unordered)), parseJson('{}'), {})).to.throw(/not supported by this engine/);
    // A parse error is the built-in's error: outside strict mode the expression is undefined in both.
    const broken = { text: 'package foo.' };
    expect(module.evaluate(broken, 't/m')).to.deep.equal([]);
    expect(toJs(prepared.interpreter.evaluate('t/m', parseJson(JSON.stringify(broken)), parseJson('{}'), {}))).to.deep.equal([]);
  });
});
