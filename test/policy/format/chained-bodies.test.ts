import { expect } from 'chai';
import { formatRego } from '../../../src/policy/format/index.js';
import { CompileError } from '../../../src/policy/compiler/parser/index.js';

function formatTwice(source: string): string {
  const once = formatRego(source, 'x.rego');
  expect(formatRego(once, 'x.rego'), `not idempotent:\n${once}`).to.equal(once);
  return once;
}

/**
 * opa fmt prints each chained body (`p if { a } { b }`) as a rule of its own: the parser gave it a
 * copy of the head located at its `{`, so the head prints on one line, a `true` value is dropped,
 * and the body is one line when its expression starts on the line of the closing `}`.
 */
describe('policy fmt: chained rule bodies', () => {
  it('writes each chained body as a separate rule with the shared head', () => {
    expect(formatTwice('package x\n\np if { input.a } { input.b }\n')).to.equal('package x\n\np if input.a\n\np if input.b\n');
    expect(formatTwice('package x\n\nq contains x if {\n\tx := 1\n} {\n\tx := 2\n}\n'))
      .to.equal('package x\n\nq contains x if {\n\tx := 1\n}\n\nq contains x if {\n\tx := 2\n}\n');
    expect(formatTwice('package x\n\nf(x) := "s" if x > 1 { x < -1 }\n')).to.equal('package x\n\nf(x) := "s" if x > 1\n\nf(x) := "s" if x < -1\n');
  });

  it('keeps a body on the next line next to the rule, as adjacent one-line rules are', () => {
    expect(formatTwice('package x\n\np if input.a\n{ input.b }\n')).to.equal('package x\n\np if input.a\np if input.b\n');
  });

  it('prints the copied head on one line, without a `true` value, and the body on one line only when it starts on the line of its `}`', () => {
    // The first rule's head keeps its split bracket (how it splits is the formatter's general layout).
    expect(formatTwice('package x\n\nf(x, [a,\n\tb]) := `s` if { x } { a }\n')).to.match(/\) := `s` if x\n\nf\(x, \[a, b\]\) := "s" if a\n$/);
    expect(formatTwice('package x\n\nr := true if { input.a } {\n\tinput.b }\n')).to.equal('package x\n\nr := true if input.a\n\nr if input.b\n');
    expect(formatTwice('package x\n\nr if { input.a } { input.b\n}\n')).to.equal('package x\n\nr if input.a\n\nr if {\n\tinput.b\n}\n');
  });

  it('keeps the comments around and inside chained bodies', () => {
    const out = formatTwice('package x\n\np if {\n\tinput.a\n} # end a\n# about b\n{\n\tinput.b # tb\n}\n\nr if { input.a } {\n\t# inside\n\tinput.b }\n');
    expect(out).to.equal('package x\n\np if {\n\tinput.a\n} # end a\n\n# about b\np if {\n\tinput.b # tb\n}\n\nr if input.a\n\nr if {\n\t# inside\n\tinput.b\n}\n');
  });

  it('refuses a chained body whose head holds a template string (printed from source it does not have)', () => {
    expect(() => formatRego('package x\n\np := $"{input.a}" if { input.a } { input.b }\n', 'x.rego')).to.throw(CompileError, 'x.rego:3:34: rego_unsupported_error');
  });
});
