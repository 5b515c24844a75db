import { expect } from 'chai';
import { checkPolicies } from '../../../src/policy/check/index.js';

function check(text: string, strict = false): Array<[number, number, string, string]> {
  return checkPolicies([{ path: 'p.rego', text }], { strict }).map((d) => [d.loc.line, d.loc.col, d.code, d.message]);
}

describe('policy check: chained rule bodies (p if { a } { b })', () => {
  it('accepts them and checks each body as a definition of its own', () => {
    expect(check('package p\n\nallow if { input.a } { input.b }\n\nq contains x if { x := 1 }\n\t{ x := 2 }\n', true)).to.deep.equal([]);
    expect(check('package p\n\nallow if { input.a } {\n\tx > 1\n}\n')).to.deep.equal([[4, 2, 'rego_unsafe_var_error', 'var x is unsafe']]);
  });

  it('reports what concerns the copied head at the chained body\'s `{`, where OPA locates it', () => {
    expect(check('package p\n\nf(x) := 1 if { x } { true }\n', true)).to.deep.equal([[3, 20, 'rego_compile_error', 'unused argument x. (hint: use _ (wildcard variable) instead)']]);
  });

  it('reports a parse error for a body chained after an else branch', () => {
    expect(check('package p\n\np := 1 if { input.a } else := 2 if { input.b } { input.c }\n')).to.deep.equal([[3, 48, 'rego_parse_error', 'expected else keyword']]);
  });
});
