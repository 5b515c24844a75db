/**
 * regex.find_n, find_all_string_submatch_n, split, replace and template_match with Go's regexp.go
 * rules for successive matches (allMatches, replaceAll, Split, Expand). Rows marked "Go doc" are
 * the examples of Go's regexp documentation; the others are derived from the rules cited.
 */
import { expect } from 'chai';
import { callHostBuiltin as call } from '../../../src/policy/builtins/index.js';
import { regexBuiltins } from '../../../src/policy/builtins/impl/regex.js';
import { BuiltinError, NotExactError } from '../../../src/policy/builtins/value.js';

/** The raw built-in, to see its error (the SDK wrapper turns errors into undefined). */
const template = regexBuiltins['regex.template_match']!;

describe('regex successive matches (Go allMatches)', () => {
  it('finds at most n matches, all for n < 0, none for n = 0 (Go doc: a. in paranormal)', () => {
    expect(call('regex.find_n', 'a.', 'paranormal', -1)).to.deep.equal(['ar', 'an', 'al']);
    expect(call('regex.find_n', 'a.', 'paranormal', 2)).to.deep.equal(['ar', 'an']);
    expect(call('regex.find_n', 'a.', 'graal', -1)).to.deep.equal(['aa']);
    expect(call('regex.find_n', 'a.', 'paranormal', 0)).to.deep.equal([]);
  });

  it('skips an empty match that abuts the previous match', () => {
    // a* on baaac: "" at 0, "aaa", the "" at 4 touches "aaa" and is dropped, "" at 5.
    expect(call('regex.find_n', 'a*', 'baaac', -1)).to.deep.equal(['', 'aaa', '']);
  });

  it('steps over an empty match by a whole astral code point, as Go steps by a UTF-8 rune', () => {
    expect(call('regex.find_n', 'x*', '😀😀', -1)).to.deep.equal(['', '', '']);
    expect(call('regex.find_n', '', '😀a', -1)).to.deep.equal(['', '', '']);
  });

  it('never matches between the halves of a surrogate pair, where Go has no position', () => {
    // Go: \B holds at byte 1 (x|x) and at the end (after 😀, both sides non-word): ["x", "x😀"].
    expect(call('regex.split', '\\B', 'xx😀')).to.deep.equal(['x', 'x😀']);
    expect(call('regex.find_n', '\\B', '😀😀', -1)).to.deep.equal(['', '', '']);
    expect(call('regex.find_n', '[^a]', 'a😀', -1)).to.deep.equal(['😀']);
  });

  it('chooses leftmost-first among alternatives, as a backtracking engine does', () => {
    expect(call('regex.find_n', 'a|ab', 'ab', -1)).to.deep.equal(['a']);
    expect(call('regex.find_n', 'ab|a', 'ab', -1)).to.deep.equal(['ab']);
  });

  it('swaps greedy and lazy under (?U)', () => {
    expect(call('regex.find_n', '(?U)a+', 'aaa', -1)).to.deep.equal(['a', 'a', 'a']);
    expect(call('regex.find_n', '(?U)a+?', 'aaa', -1)).to.deep.equal(['aaa']);
  });

  it('reports groups, an unmatched group as "" (Go doc: a(x*)b)', () => {
    const f = (s: string) => call('regex.find_all_string_submatch_n', 'a(x*)b', s, -1);
    expect(f('-ab-')).to.deep.equal([['ab', '']]);
    expect(f('-axxb-')).to.deep.equal([['axxb', 'xx']]);
    expect(f('-ab-axb-')).to.deep.equal([['ab', ''], ['axb', 'x']]);
    expect(f('-axxb-ab-')).to.deep.equal([['axxb', 'xx'], ['ab', '']]);
    expect(call('regex.find_all_string_submatch_n', '(a)|b', 'b', -1)).to.deep.equal([['b', '']]);
  });
});

describe('regex.split (Go Regexp.Split)', () => {
  it('splits around matches, empty ones included (Go doc: a* on abaabaccadaaae, z+ on pizza)', () => {
    expect(call('regex.split', 'a*', 'abaabaccadaaae')).to.deep.equal(['', 'b', 'b', 'c', 'c', 'd', 'e']);
    expect(call('regex.split', 'z+', 'pizza')).to.deep.equal(['pi', 'a']);
    expect(call('regex.split', '', 'abc')).to.deep.equal(['a', 'b', 'c']);
  });

  it('gives [""] for an empty string, but [] when the pattern is empty too', () => {
    expect(call('regex.split', 'x', '')).to.deep.equal(['']);
    expect(call('regex.split', '', '')).to.deep.equal([]);
  });
});

describe('regex.replace (Go ReplaceAllString and Expand, checked against OPA\'s later loop)', () => {
  it('expands $1, ${1}, and reads $1W as the group named 1W (Go doc: a(x*)b)', () => {
    expect(call('regex.replace', '-ab-axxb-', 'a(x*)b', 'T')).to.equal('-T-T-');
    expect(call('regex.replace', '-ab-axxb-', 'a(x*)b', '$1')).to.equal('--xx-');
    expect(call('regex.replace', '-ab-axxb-', 'a(x*)b', '$1W')).to.equal('---');
    expect(call('regex.replace', '-ab-axxb-', 'a(x*)b', '${1}W')).to.equal('-W-xxW-');
  });

  it('expands named groups, $$ and leaves a malformed $ as text', () => {
    expect(call('regex.replace', 'k=v', '(?P<key>\\w+)=(?P<val>\\w+)', '${val}=$key $$ ${x')).to.equal('v=k $ ${x');
  });

  it('answers a pattern with ^ or \\b when both of OPA\'s replace loops give the same text', () => {
    expect(call('regex.replace', '  a b  ', '^\\s+|\\s+$', '')).to.equal('a b');
    expect(call('regex.replace', 'cat catalog', '\\bcat\\b', 'dog')).to.equal('dog catalog');
  });

  it('stops where the two loops differ: ^ seen again at the rest of the text, or an empty match', () => {
    // ReplaceAllString gives "baa"; searching the rest after each match gives "bbb".
    expect(() => call('regex.replace', 'aaa', '^a', 'b')).to.throw(NotExactError);
    // ReplaceAllString gives "-a-b-c-"; the later loop never advances past the empty match at 0.
    expect(() => call('regex.replace', 'abc', 'x*', '-')).to.throw(NotExactError);
  });
});

describe('regex.template_match (OPA compileRegexTemplate)', () => {
  it('matches literal text around delimited regular expressions, anchored', () => {
    expect(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}')).to.equal(true);
    expect(call('regex.template_match', 'urn:foo.bar:{[0-9]+}', 'urn:fooxbar:1', '{', '}')).to.equal(false);
    expect(call('regex.template_match', 'x<\\d{2}>y', 'x12y', '<', '>')).to.equal(true);
  });

  it('errors on unbalanced delimiters and on delimiters longer than one byte', () => {
    expect(() => template('a}b{', 'a', '{', '}')).to.throw(BuiltinError, 'unbalanced braces');
    expect(() => template('a{b', 'a', '{', '}')).to.throw(BuiltinError, 'unbalanced braces');
    expect(() => template('a', 'a', '{{', '}')).to.throw(BuiltinError, 'start delimiter');
    expect(() => template('a', 'a', 'é', '}')).to.throw(BuiltinError, 'start delimiter');
  });

  it('errors when a delimited part is not a valid pattern', () => {
    expect(() => template('a{(}', 'a', '{', '}')).to.throw(BuiltinError, 'missing closing )');
  });
});
