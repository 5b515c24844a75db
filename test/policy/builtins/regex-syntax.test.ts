/**
 * regex.* pattern syntax: what Go's regexp/syntax (Perl flags, as regexp.Compile uses) accepts and
 * rejects, with Go's error text. Expected values are read from Go's parse.go rules, cited per row.
 */
import { expect } from 'chai';
import { callHostBuiltin as call } from '../../../src/policy/builtins/index.js';
import { regexBuiltins } from '../../../src/policy/builtins/impl/regex.js';
import { BuiltinError } from '../../../src/policy/builtins/value.js';

/** The built-in's error (the SDK wrapper turns it into undefined, as OPA does outside strict mode). */
function goError(pattern: string): string {
  try {
    regexBuiltins['regex.match']!(pattern, '');
  } catch (err) {
    expect(err).to.be.instanceOf(BuiltinError);
    return (err as Error).message;
  }
  throw new Error(`pattern ${pattern} compiled`);
}

describe('regex pattern syntax (Go regexp/syntax)', () => {
  // [pattern, Go's error code, the expression Go quotes, why]
  const invalid: [string, string, string, string][] = [
    ['(?=a)', 'invalid or unsupported Perl syntax', '(?=', 'RE2 has no lookahead; = is not a flag'],
    ['(?!a)', 'invalid or unsupported Perl syntax', '(?!', 'no negative lookahead'],
    ['(?<!x)', 'invalid named capture', '(?<!x)', '(?< starts a named group; there is no > so Go quotes the rest'],
    ['(?<=x)y>', 'invalid named capture', '(?<=x)y>', 'the name "=x)y" is not [A-Za-z0-9_]+'],
    ['(a)\\1', 'invalid escape sequence', '\\1', 'a single digit is a backreference, not supported'],
    ['\\8', 'invalid escape sequence', '\\8', '8 is not octal and not an escape'],
    ['\\C', 'invalid escape sequence', '\\C', 'any-byte \\C is rejected explicitly'],
    ['\\Z', 'invalid escape sequence', '\\Z', 'only \\z is an end-of-text escape'],
    ['\\xZ', 'invalid escape sequence', '\\xZ', 'two hex digits needed; Go quotes what it consumed'],
    ['\\x{110000}', 'invalid escape sequence', '\\x{110000', 'over U+10FFFF: stops at the digit that overflows'],
    ['a**', 'invalid nested repetition operator', '**', 'Perl mode forbids stacked repetition'],
    ['a*+', 'invalid nested repetition operator', '*+', 'possessive ++ is not supported'],
    ['a{2}*', 'invalid nested repetition operator', '{2}*', 'counted then starred'],
    ['a{1001}', 'invalid repeat count', '{1001}', 'counts are limited to 1000'],
    ['(a{10}){101}', 'invalid repeat count', '{101}', 'nested counts multiply past 1000'],
    ['a{2,1}', 'invalid repeat count', '{2,1}', 'min over max'],
    ['*a', 'missing argument to repetition operator', '*', 'nothing to repeat'],
    ['a|*', 'missing argument to repetition operator', '*', 'after | there is nothing to repeat'],
    ['(*)', 'missing argument to repetition operator', '*', 'after ( there is nothing to repeat'],
    ['[z-a]', 'invalid character class range', 'z-a', 'reversed range'],
    ['[[:foo:]]', 'invalid character class range', '[:foo:]', 'unknown POSIX class'],
    ['\\p{Foo}', 'invalid character class range', '\\p{Foo}', 'unknown Unicode class'],
    ['[a', 'missing closing ]', '[a', 'class never closed; Go quotes from ['],
    ['(a', 'missing closing )', '(a', 'group never closed; Go quotes the whole pattern'],
    ['a)', 'unexpected )', 'a)', 'no group open'],
    ['x\\', 'trailing backslash at end of expression', '', 'Go quotes an empty expression here'],
    ['(?P<n!>a)', 'invalid named capture', '(?P<n!>', 'name must be [A-Za-z0-9_]+'],
    ['(?i-)', 'invalid or unsupported Perl syntax', '(?i-)', 'a - must be followed by a flag'],
  ];
  for (const [pattern, code, expr, why] of invalid) {
    it(`rejects ${JSON.stringify(pattern)} with Go's message (${why})`, () => {
      expect(goError(pattern)).to.equal(`error parsing regexp: ${code}: \`${expr}\``);
      expect(call('regex.is_valid', pattern)).to.equal(false);
    });
  }

  // Valid in Go, though JavaScript reads some differently or rejects them.
  const valid: [string, string][] = [
    ['(?P<name>x)', 'Python-style named group'],
    ['(?<name>x)', '.NET-style named group (Go 1.22+)'],
    ['\\Q*+?\\E', '\\Q..\\E quotes metacharacters'],
    ['(?i)a(?-i)b', 'flags switched off again'],
    ['[]a]', '] first in a class is a literal'],
    ['a{,2}', '{,n} is not a repeat, so { is a literal'],
    ['x{2}{', 'an unfinished repeat is literal text'],
    ['()', 'an empty group'],
    ['(?)', 'an empty flag group'],
    ['\\pN\\p{Greek}\\PL[[:^alpha:]]', 'Unicode and POSIX classes'],
    ['(?s:.)(?m:^$)(?U:a+)', 'scoped flags'],
  ];
  for (const [pattern, why] of valid) {
    it(`accepts ${JSON.stringify(pattern)} (${why})`, () => {
      expect(call('regex.is_valid', pattern)).to.equal(true);
    });
  }

  it('answers false for a non-string pattern in regex.is_valid and undefined in regex.match', () => {
    expect(call('regex.is_valid', 10)).to.equal(false);
    expect(call('regex.match', 10, 'x')).to.equal(undefined);
    expect(call('regex.match', '(', 'x')).to.equal(undefined);
  });
});
