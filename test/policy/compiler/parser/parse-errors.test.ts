import { expect } from 'chai';
import { CompileError, parseModule, parseQuery } from '../../../../src/policy/compiler/parser/index.js';

function parseError(src: string): string {
  try {
    parseModule(src, 'bad.rego');
  } catch (err) {
    expect(err).to.be.instanceOf(CompileError);
    const e = err as CompileError;
    expect(e.diagnostics[0]!.code).to.equal('rego_parse_error');
    return e.message;
  }
  throw new Error('expected a parse error');
}

describe('Rego parser: syntax errors with exact locations', () => {
  it('requires a package first', () => {
    expect(parseError('p := 1')).to.equal('bad.rego:1:1: rego_parse_error: package expected');
  });

  it('reports an unterminated string where it starts', () => {
    expect(parseError('package x\np := "abc\n')).to.equal('bad.rego:2:6: rego_parse_error: non-terminated string');
  });

  it('reports illegal characters', () => {
    expect(parseError('package x\np := 1 ^ 2')).to.equal('bad.rego:2:8: rego_parse_error: illegal token "^"');
  });

  it('requires `if` before a rule body (Rego v1)', () => {
    expect(parseError('package x\np {\n  true\n}')).to.equal('bad.rego:2:3: rego_parse_error: `if` keyword is required before rule body');
  });

  it('rejects a bare rule head', () => {
    expect(parseError('package x\n\np\n')).to.equal('bad.rego:3:1: rego_parse_error: rule must have a value assignment or a body');
  });

  it('rejects two literals on one line without a separator', () => {
    expect(parseError('package x\np if {\n  a := 1 b := 2\n}')).to.equal('bad.rego:3:10: rego_parse_error: unexpected ident token: expected \\n or ; or }');
  });

  it('rejects an unclosed body at end of file', () => {
    expect(parseError('package x\np if {\n  true\n')).to.equal('bad.rego:4:1: rego_parse_error: unexpected eof token: expected \\n or ; or }');
  });

  it('rejects an empty body', () => {
    expect(parseError('package x\np if {}')).to.equal('bad.rego:2:7: rego_parse_error: found empty body');
  });

  it('rejects keywords used as variables', () => {
    expect(parseError('package x\np if { x := if }')).to.equal('bad.rego:2:13: rego_parse_error: unexpected if keyword');
  });

  it('rejects imports after rules and bad import roots', () => {
    expect(parseError('package x\np := 1\nimport data.y')).to.equal('bad.rego:3:1: rego_parse_error: unexpected import keyword: imports must come before rules');
    expect(parseError('package x\nimport foo.bar')).to.equal('bad.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, input, future, rego}');
  });

  it('rejects else on multi-value rules and bodies on default rules', () => {
    expect(parseError('package x\np contains 1 if false else := 2')).to.equal('bad.rego:2:23: rego_parse_error: else keyword cannot be used on multi-value rules or rules with variables in the head');
    expect(parseError('package x\ndefault p := 1 if true')).to.equal('bad.rego:2:16: rego_parse_error: default rules must not have a body');
  });

  it('refuses a body chained after an else branch, an else after chained bodies and an empty chained body, as OPA', () => {
    expect(parseError('package x\np := 1 if { input.a } else := 2 if { input.b } { input.c }')).to.equal('bad.rego:2:48: rego_parse_error: expected else keyword');
    expect(parseError('package x\np if { input.a } else if { input.b }\n{ input.c }')).to.equal('bad.rego:3:1: rego_parse_error: expected else keyword');
    expect(parseError('package x\np := 1 if { input.a } { input.b } else := 2')).to.equal('bad.rego:2:35: rego_parse_error: unexpected else keyword');
    expect(parseError('package x\np if { input.a } {}')).to.equal('bad.rego:2:19: rego_parse_error: found empty body');
  });

  it('treats and/or as plain names unless their experimental keywords are imported', () => {
    expect(parseError('package x\np if true or false')).to.equal('bad.rego:2:11: rego_parse_error: rule must have a value assignment or a body');
  });

  it('reports errors inside template expressions at their position in the file', () => {
    expect(parseError('package x\np := $"a {1 +} b"')).to.equal('bad.rego:2:14: rego_parse_error: unexpected eof token');
  });

  it('reports errors in queries', () => {
    expect(() => parseQuery('x = ')).to.throw(CompileError, '<query>:1:5: rego_parse_error: unexpected eof token');
  });
});
