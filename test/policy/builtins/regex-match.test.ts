/**
 * regex.match against Go's documented semantics (regexp/syntax doc.go): ASCII Perl classes, flags
 * and their scope, anchors, `.`, case folding, Unicode classes, UTF-8 code points. Each row says
 * why Go answers as it does; many are rows where JavaScript's own reading would differ.
 */
import { expect } from 'chai';
import { callHostBuiltin as call } from '../../../src/policy/builtins/index.js';

// [pattern, input, Go's answer, why]
const table: [string, string, boolean, string][] = [
  ['\\s', '\u00a0', false, 'Go \\s is [\\t\\n\\f\\r ]: no Unicode spaces'],
  ['\\s', '\v', false, 'Go \\s has no \\v'],
  ['\\s', '\f', true, '\\f is in \\s'],
  ['[[:space:]]', '\v', true, 'POSIX space includes \\v'],
  ['\\d', '\u0663', false, '\\d is ASCII 0-9 only'],
  ['\\w', 'é', false, '\\w is ASCII only'],
  ['^\\w$', '\u017f', false, 'long s is not an ASCII word character'],
  ['(?i)^\\w$', '\u017f', true, 'under (?i) \\w is folded: long s folds to s'],
  ['(?i)\\W', '\u212a', false, 'under (?i) \\W is the complement of folded \\w, which has the Kelvin sign'],
  ['(?i)k', '\u212a', true, 'k, K and the Kelvin sign are one fold orbit'],
  ['k', '\u212a', false, 'no folding without (?i)'],
  ['(?i)[^k]', 'K', false, 'a negated class is folded before it is negated'],
  ['(?i)σ', 'ς', true, 'σ, ς, Σ fold together'],
  ['(?i)ß', '\u1e9e', true, 'capital sharp s simple-folds to ß'],
  ['(?i:K)x', 'kx', true, '(?i:...) folds inside the group'],
  ['(?i:K)x', 'kX', false, '... and not after it'],
  ['a(?i)b', 'aB', true, '(?i) applies from where it appears'],
  ['a(?i)b', 'AB', false, '... not before'],
  ['(?i)\\bk', '\u212a', false, '\\b is ASCII: the Kelvin sign is not a word character'],
  ['.', '\n', false, '. excludes \\n'],
  ['.', '\r', true, '. excludes only \\n (JavaScript also excludes \\r)'],
  ['.', '\u2028', true, '. matches the line separator'],
  ['(?s).', '\n', true, '(?s) lets . match \\n'],
  ['^b', 'a\nb', false, 'without (?m) ^ is the start of the text'],
  ['(?m)^b', 'a\nb', true, 'with (?m) ^ is after \\n'],
  ['(?m)^b', 'a\rb', false, 'lines split only at \\n'],
  ['a$', 'a\n', false, 'without (?m) $ is the end of the text, like \\z'],
  ['(?m)a$', 'a\n', true, 'with (?m) $ is before \\n'],
  ['(?m)a$', 'a\u2028', false, 'lines end only at \\n'],
  ['a\\z', 'a\n', false, '\\z is the end of the text'],
  ['\\Aa', 'ba', false, '\\A is the start of the text'],
  ['(?m)\\Ab', 'a\nb', false, '\\A ignores (?m)'],
  ['\\Qa.b\\E', 'axb', false, '\\Q..\\E is literal'],
  ['\\Qa.b\\E', 'a.b', true, '\\Q..\\E is literal'],
  ['\\pN', '\u0663', true, '\\pN is Unicode numbers'],
  ['\\p{Greek}', 'λ', true, 'script Greek'],
  ['\\p{Greek}', 'l', false, 'script Greek'],
  ['\\PL', '1', true, 'not a letter'],
  ['\\p{^L}', 'a', false, '\\p{^L} is \\PL'],
  ['(?i)\\p{Lu}', 'a', true, 'folded Lu includes lowercase letters'],
  ['\\pC', '\u0378', false, "Go's C is Cc|Cf|Co|Cs: unassigned code points are not in it"],
  ['[[:^alpha:]]', 'é', true, 'negated ASCII class'],
  ['\\x{1F600}', '😀', true, '\\x{...} is a code point'],
  ['^.$', '😀', true, '. is one code point (a UTF-8 rune), not one UTF-16 unit'],
  ['^[^a]$', '😀', true, 'a negated class matches a whole astral code point'],
  ['\\141', 'a', true, 'octal escape'],
  ['\\x41', 'A', true, 'two-digit hex escape'],
  ['a{,2}', 'a{,2}', true, '{,2} is literal text'],
  ['[]a]', ']', true, '] first in a class is literal'],
  ['[a-]', '-', true, '- last in a class is literal'],
  ['(|a)*', 'aa', true, 'a match test does not depend on which empty iteration wins'],
];

describe('regex.match with Go semantics', () => {
  for (const [pattern, input, want, why] of table) {
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(input)} is ${want}: ${why}`, () => {
      expect(call('regex.match', pattern, input)).to.equal(want);
    });
  }

  it('re_match is the same built-in under its old name', () => {
    expect(call('re_match', '\\s', '\u00a0')).to.equal(false);
  });
});
