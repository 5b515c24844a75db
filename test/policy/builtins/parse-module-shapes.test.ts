import { expect } from 'chai';
import { callHostBuiltinJson } from '../../../src/policy/builtins/index.js';
import { parseModuleBuiltins } from '../../../src/policy/builtins/impl/parse-module.js';
import { NotExactError } from '../../../src/policy/builtins/value.js';

/**
 * rego.parse_module on the shapes beyond plain rules: every expectation is written by hand from
 * OPA's sources (v1/ast/parser.go for what the parser builds, parser_ext.go for rules without
 * body, policy.go / term.go MarshalJSON for the JSON, compare.go for set and object order); the
 * comment above each names the Go code that gives it.
 */
const T = {
  v: (value: string) => ({ type: 'var', value }),
  s: (value: string) => ({ type: 'string', value }),
  n: (value: number) => ({ type: 'number', value }),
  b: (value: boolean) => ({ type: 'boolean', value }),
  // ast.Null is struct{} without MarshalJSON: encoding/json writes {}.
  nul: { type: 'null', value: {} },
  ref: (...value: object[]) => ({ type: 'ref', value }),
  arr: (...value: object[]) => ({ type: 'array', value }),
  call: (...value: object[]) => ({ type: 'call', value }),
  op: (name: string) => ({ type: 'ref', value: [{ type: 'var', value: name }] }),
  member: (n: 2 | 3) => ({ type: 'ref', value: [{ type: 'var', value: 'internal' }, { type: 'string', value: `member_${n}` }] }),
  input: { type: 'ref', value: [{ type: 'var', value: 'input' }] },
};
const TRUE_BODY = [{ index: 0, terms: T.b(true) }];
const PKG = { path: [T.v('data'), T.s('a')] };

function parse(text: string): { rules?: unknown[]; comments?: unknown[] } {
  const json = callHostBuiltinJson('rego.parse_module', 'x.rego', text);
  return JSON.parse(json!) as { rules?: unknown[]; comments?: unknown[] };
}

function rules(text: string): unknown[] {
  return parse(`package a\n${text}`).rules!;
}

describe('rego.parse_module shapes', () => {
  it('gives comments as encoding/json writes *ast.Comment: Location {file,row,col} and Text in base64, null for a bare #', () => {
    // Comment has no MarshalJSON and no tags: fields "Location" (Location.MarshalJSON, no text by
    // default) and "Text" ([]byte, base64; doScan leaves it nil for `#`). Columns count runes.
    expect(parse('package a\n# a comment\np := 1 # trailing\n#\ns := "é😀" # c\n').comments).to.deep.equal([
      { Location: { file: 'x.rego', row: 2, col: 1 }, Text: 'IGEgY29tbWVudA==' },
      { Location: { file: 'x.rego', row: 3, col: 8 }, Text: 'IHRyYWlsaW5n' },
      { Location: { file: 'x.rego', row: 4, col: 1 }, Text: null },
      { Location: { file: 'x.rego', row: 5, col: 11 }, Text: 'IGM=' },
    ]);
  });

  it('numbers wildcards $0, $1, ... across the module in parse order, renaming else head args anew', () => {
    // parseVar -> genwildcard (one counter per parse); parseElse renames wildcard args before the
    // else value and body are read.
    expect(rules('p if { input.x[_] = _ }\nf(_) := 1 if { [_ | true] } else := 2\n')).to.deep.equal([
      {
        head: { name: 'p', ref: [T.v('p')], value: T.b(true) },
        body: [{ index: 0, terms: [T.op('eq'), T.ref(T.v('input'), T.s('x'), T.v('$0')), T.v('$1')] }],
      },
      {
        head: { name: 'f', ref: [T.v('f')], args: [T.v('$2')], value: T.n(1), assign: true },
        body: [{ index: 0, terms: { type: 'arraycomprehension', value: { term: T.v('$3'), body: TRUE_BODY } } }],
        else: { head: { name: 'f', ref: [T.v('f')], args: [T.v('$4')], value: T.n(2), assign: true }, body: TRUE_BODY },
      },
    ]);
  });

  it('gives `some x in xs` as a SomeDecl of internal.member_2/3 calls, `x in xs` as a call and every as Every', () => {
    // parseSome: SomeDecl{Symbols: [member call]}; parseTermIn: Member/MemberWithKey refs;
    // Every.MarshalJSON: key (null when absent), value, domain, body.
    expect(rules('p if {\n  some x in input.xs\n  some k, v in input.o\n  1 in input.ys\n  every y in input.zs { y > 0 }\n  every i, z in input.zs { z }\n}\n')).to.deep.equal([{
      head: { name: 'p', ref: [T.v('p')], value: T.b(true) },
      body: [
        { index: 0, terms: { symbols: [T.call(T.member(2), T.v('x'), T.ref(T.v('input'), T.s('xs')))] } },
        { index: 1, terms: { symbols: [T.call(T.member(3), T.v('k'), T.v('v'), T.ref(T.v('input'), T.s('o')))] } },
        { index: 2, terms: [T.member(2), T.n(1), T.ref(T.v('input'), T.s('ys'))] },
        { index: 3, terms: { key: null, value: T.v('y'), domain: T.ref(T.v('input'), T.s('zs')), body: [{ index: 0, terms: [T.op('gt'), T.v('y'), T.n(0)] }] } },
        { index: 4, terms: { key: T.v('i'), value: T.v('z'), domain: T.ref(T.v('input'), T.s('zs')), body: [{ index: 0, terms: T.v('z') }] } },
      ],
    }]);
  });

  it('gives with modifiers as {target, value}: bare input a one-term ref, a function name a var', () => {
    // parseWith: target = parseTerm (parseTermFinish makes bare `input`/`data` refs); With.MarshalJSON.
    expect(rules('p if { x := input with input as {"a": 1} with data.q as 2 with count as f }\n')).to.deep.equal([{
      head: { name: 'p', ref: [T.v('p')], value: T.b(true) },
      body: [{
        index: 0,
        terms: [T.op('assign'), T.v('x'), T.input],
        with: [
          { target: T.input, value: { type: 'object', value: [[T.s('a'), T.n(1)]] } },
          { target: T.ref(T.v('data'), T.s('q')), value: T.n(2) },
          { target: T.v('count'), value: T.v('f') },
        ],
      }],
    }]);
  });

  it('gives else chains with the first head copied: `else :=` sets assign, `else =` clears it, no value keeps it', () => {
    // parseElse: head.Copy(); Assign from the else operator when a value is written; value `true` otherwise.
    expect(rules('p := 1 if { input.a } else = 2 if { input.b } else if { input.c } else := 4\n')).to.deep.equal([{
      head: { name: 'p', ref: [T.v('p')], value: T.n(1), assign: true },
      body: [{ index: 0, terms: T.ref(T.v('input'), T.s('a')) }],
      else: {
        head: { name: 'p', ref: [T.v('p')], value: T.n(2) },
        body: [{ index: 0, terms: T.ref(T.v('input'), T.s('b')) }],
        else: {
          head: { name: 'p', ref: [T.v('p')], value: T.b(true), assign: true },
          body: [{ index: 0, terms: T.ref(T.v('input'), T.s('c')) }],
          else: { head: { name: 'p', ref: [T.v('p')], value: T.n(4), assign: true }, body: TRUE_BODY },
        },
      },
    }]);
  });

  it('gives ref heads with a body as parseRules builds them (key for a non-ground second term, name when a value is written)', () => {
    expect(rules('a.b.c := 1 if { true }\np[x] := y if { x := 1; y := 2 }\nq[x] if { x := 1 }\nr["k"] if { true }\ns.t contains 1 if { true }\n')).to.deep.equal([
      // RefHead: no name; value written.
      { head: { ref: [T.v('a'), T.s('b'), T.s('c')], value: T.n(1), assign: true }, body: TRUE_BODY },
      // Two terms, `if`, value written: Key = ref[1], Name = ref[0].
      {
        head: { name: 'p', ref: [T.v('p'), T.v('x')], key: T.v('x'), value: T.v('y'), assign: true },
        body: [
          { index: 0, terms: [T.op('assign'), T.v('x'), T.n(1)] },
          { index: 1, terms: [T.op('assign'), T.v('y'), T.n(2)] },
        ],
      },
      // No value: Key = ref[1], Value = true, no name.
      { head: { ref: [T.v('q'), T.v('x')], key: T.v('x'), value: T.b(true) }, body: [{ index: 0, terms: [T.op('assign'), T.v('x'), T.n(1)] }] },
      // Ground second term: no key.
      { head: { ref: [T.v('r'), T.s('k')], value: T.b(true) }, body: TRUE_BODY },
      // contains: the key, no value, no name for a two-term ref.
      { head: { ref: [T.v('s'), T.s('t')], key: T.n(1) }, body: TRUE_BODY },
    ]);
  });

  it('gives ref heads without body as parser_ext.go builds them (two-term refs get name and key)', () => {
    // ParsePartialObjectDocRuleFromEqExpr (refs) and ParseRuleFromCallEqExpr (calls), generated body.
    expect(rules('a.b := 1\np[x] := 2\na.b.c = 3\nx.f(y) := 4\n')).to.deep.equal([
      { head: { name: 'a', ref: [T.v('a'), T.s('b')], key: T.s('b'), value: T.n(1), assign: true }, body: TRUE_BODY },
      { head: { name: 'p', ref: [T.v('p'), T.v('x')], key: T.v('x'), value: T.n(2), assign: true }, body: TRUE_BODY },
      { head: { ref: [T.v('a'), T.s('b'), T.s('c')], value: T.n(3) }, body: TRUE_BODY },
      { head: { ref: [T.v('x'), T.s('f')], args: [T.v('y')], value: T.n(4), assign: true }, body: TRUE_BODY },
    ]);
  });

  it('gives sets and objects in OPA\'s term order (null < boolean < number < string < var < ref < array)', () => {
    // set/object MarshalJSON write sortedKeys(); compare.go: type order, numbers by value, strings by bytes.
    expect(rules('s := {[1], input.x, y, "b", "a", 10, 9, true, null}\no := {"é": 1, "z": 2, 3: 0, false: 1}\n')).to.deep.equal([
      {
        head: {
          name: 's', ref: [T.v('s')], assign: true,
          value: { type: 'set', value: [T.nul, T.b(true), T.n(9), T.n(10), T.s('a'), T.s('b'), T.v('y'), T.ref(T.v('input'), T.s('x')), T.arr(T.n(1))] },
        },
        body: TRUE_BODY,
      },
      {
        head: {
          name: 'o', ref: [T.v('o')], assign: true,
          value: { type: 'object', value: [[T.b(false), T.n(1)], [T.n(3), T.n(0)], [T.s('z'), T.n(2)], [T.s('é'), T.n(1)]] },
        },
        body: TRUE_BODY,
      },
    ]);
  });

  it('gives template strings as {parts, multi_line}: literal and scalar parts as terms, other parts as expressions', () => {
    // parseTemplateString: non-empty literals as string terms, a scalar expression as its term, other
    // expressions as *Expr (index 0); TemplateString JSON {"parts", "multi_line"}; no parts: null.
    expect(rules('p := $"a{input.x}b{1}{null}\\{"\nq := $`{[_ | true]}`\nr := $""\n')).to.deep.equal([
      {
        head: {
          name: 'p', ref: [T.v('p')], assign: true,
          value: {
            type: 'templatestring',
            value: {
              parts: [T.s('a'), { index: 0, terms: T.ref(T.v('input'), T.s('x')) }, T.s('b'), T.n(1), T.nul, T.s('{')],
              multi_line: false,
            },
          },
        },
        body: TRUE_BODY,
      },
      {
        head: {
          name: 'q', ref: [T.v('q')], assign: true,
          value: {
            type: 'templatestring',
            value: { parts: [{ index: 0, terms: { type: 'arraycomprehension', value: { term: T.v('$0'), body: TRUE_BODY } } }], multi_line: true },
          },
        },
        body: TRUE_BODY,
      },
      { head: { name: 'r', ref: [T.v('r')], assign: true, value: { type: 'templatestring', value: { parts: null, multi_line: false } } }, body: TRUE_BODY },
    ]);
  });

  it('orders numbers by exact value and nested sets and objects by their sorted elements and pairs', () => {
    // NumberCompare (int64 or big.Rat), set.Compare (termSliceCompare of sortedKeys), object.Compare
    // (sorted pairs: key, then value, then length).
    const set = (rules('s := {{2}, {1, 3}, {1}, {"a": 1}, {"a": 0, "b": 1}, 1.5, 1.25, 1e2, 99, 10.0, -3.25e1}\n')[0] as { head: { value: unknown } }).head.value;
    expect(set).to.deep.equal({
      type: 'set',
      value: [
        T.n(-32.5), T.n(1.25), T.n(1.5), T.n(10), T.n(99), T.n(100),
        { type: 'object', value: [[T.s('a'), T.n(0)], [T.s('b'), T.n(1)]] },
        { type: 'object', value: [[T.s('a'), T.n(1)]] },
        { type: 'set', value: [T.n(1)] },
        { type: 'set', value: [T.n(1), T.n(3)] },
        { type: 'set', value: [T.n(2)] },
      ],
    });
  });

  it('stops (NotExactError) on shapes whose JSON is still not reproduced', () => {
    const cases = [
      'package a\ns := {10.0, 1}\n', // NumberCompare's TrimRight(".0") shortcut calls 10.0 and 1 equal
      'package a\ns := {1, 1}\n', // equal elements merge in OPA's set
      'package a\no := {"a": 1, "a": 2}\n', // equal keys: last value wins in OPA's object
      'package a\ns := {[x | x = 1], [y | y = 1]}\n', // comprehensions compare by Body.Compare, not reproduced
      'package a\ns := $"x{ # c\n input.y}"\n', // a comment inside a template expression (Module.Comments, part kind)
      'package a\ns := "\\ud800"\n', // a lone surrogate: U+FFFD in Go's json.Unmarshal
      'package a\n# \ud800\np := 1\n', // a module text that is not UTF-8 in Go
      'package a\n# METADATA\n# title: t\np := 1\n', // annotations, if annotation processing were on
      'package a\nimport future.keywords.not\np if { not input.x }\n', // experimental: `not` becomes a Not node
      'package a\np[_] := 1 if { true }\n', // wildcard in a head ref
      'package a\np if { every input in [1] { true } }\n', // OPA reads `input` as a ref there and rejects it
    ];
    for (const text of cases) expect(() => parseModuleBuiltins['rego.parse_module']!('x.rego', text), text).to.throw(NotExactError);
  });
});
