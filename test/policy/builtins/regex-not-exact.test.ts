/**
 * regex.* where a backtracking engine would answer differently from Go (answered here with Go's
 * algorithm, values checked against Go's regexp), and the few places this engine stops.
 */
import { expect } from 'chai';
import { callHostBuiltin as call } from '../../../src/policy/builtins/index.js';
import { NotExactError } from '../../../src/policy/builtins/value.js';

describe('regex built-ins follow Go where backtracking engines differ', () => {
  it('ends a loop at an iteration that matches empty, as Go does (a backtracking engine goes on)', () => {
    // Go: (|a)* matches "" at each position; JavaScript's /(|a)*/ matches "aa".
    expect(call('regex.find_n', '(|a)*', 'aa', -1)).to.deep.equal(['', '', '']);
    expect(call('regex.find_n', '(a*?)*', 'aa', -1)).to.deep.equal(['', '', '']);
    expect(call('regex.split', '(?:|a)+', 'aa')).to.deep.equal(['a', 'a']);
    expect(call('regex.find_n', '(a*)*', 'aab', -1)).to.deep.equal(['aa', '']);
  });

  it('keeps a group from an earlier iteration when the last one skipped it, as Go does', () => {
    // Go: (?:(a)|b)* on "ab" reports group 1 = "a"; JavaScript clears it in the second iteration.
    expect(call('regex.find_all_string_submatch_n', '(?:(a)|b)*', 'ab', -1)).to.deep.equal([['ab', 'a']]);
    expect(call('regex.replace', 'ab', '(?:(a)|b)+', '[$1]')).to.equal('[a]');
    expect(call('regex.find_all_string_submatch_n', '(a|)*', 'aa', 1)).to.deep.equal([['aa', 'a']]);
  });

  it('takes time linear in the input on patterns that make backtracking engines explode', () => {
    const started = Date.now();
    expect(call('regex.match', '^(a+)+$', `${'a'.repeat(5000)}b`)).to.equal(false);
    expect(call('regex.match', '^(?:[a-z0-9]+[-.]?)*[a-z0-9]+$', `${'a'.repeat(5000)}!`)).to.equal(false);
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it('folds a Unicode class under (?i) scoped to part of a pattern, negated ones included', () => {
    expect(call('regex.match', '^(?i:\\p{Lu})x$', 'ax')).to.equal(true);
    expect(call('regex.match', '^(?i:\\p{Lu})x$', 'aX')).to.equal(false);
    expect(call('regex.match', '^(?i:\\P{Lu})x$', 'ax')).to.equal(false);
    // The micro sign is script Common but folds to Greek mu: Go's FoldScript["Greek"] has it.
    expect(call('regex.match', '^(?i:\\p{Greek})x$', '\u00b5x')).to.equal(true);
    expect(call('regex.match', '^\\p{Greek}x$', '\u00b5x')).to.equal(false);
    expect(call('regex.match', '(?i:[\\PLx])y', 'ay')).to.equal(false);
    expect(call('regex.match', '(?i:[\\PLx])y', '1y')).to.equal(true);
  });
});

describe('regex built-ins stop where they cannot answer exactly', () => {
  it('stops on alternatives holding one letter with and without (?i), which Go factors into one', () => {
    // Go answers [] for K|(?i:k)y on "ky": its parser gives the second branch the first one's K.
    expect(() => call('regex.find_n', 'K|(?i:k)y', 'ky', -1)).to.throw(NotExactError);
    expect(call('regex.find_n', 'K|(?i:q)y', 'qy', -1)).to.deep.equal(['qy']);
  });

  it("stops where a Unicode class or (?i) meets a character newer than Go's Unicode 15.0 tables", () => {
    // U+2EBF0 (CJK Extension I, Unicode 15.1); U+A7CB is the capital of ɤ since Unicode 16.0.
    expect(() => call('regex.match', '^\\pL+$', 'abc\u{2EBF0}')).to.throw(NotExactError);
    expect(() => call('regex.match', '(?i)\u0264', '\uA7CB')).to.throw(NotExactError);
    expect(call('regex.match', '(?i)\u0264', '\u0264')).to.equal(true);
    expect(call('regex.match', '^.+$', 'abc\u{2EBF0}')).to.equal(true);
    expect(call('regex.match', '^[\\x{2EBF0}-\\x{2EE5D}]$', '\u{2EBF0}')).to.equal(true);
  });

  it('stops on Unicode class names whose meaning changed in Go 1.25', () => {
    for (const p of ['\\p{greek}', '\\p{Letter}', '\\p{ASCII}', '\\p{Old_Italic}', '\\p{Cn}']) {
      expect(() => call('regex.is_valid', p), p).to.throw(NotExactError);
    }
  });

  it("stops on a pattern whose compiled size is near Go's limit", () => {
    expect(() => call('regex.match', `(?:${'a'.repeat(3400)}){1000}`, 'a')).to.throw(NotExactError);
  });

  it('answers regex.is_valid for a large valid pattern but stops matching with a program over 200,000 instructions', () => {
    const large = `(?:${'a'.repeat(300)}){1000}`;
    expect(call('regex.is_valid', large)).to.equal(true);
    expect(() => call('regex.match', large, 'a')).to.throw(NotExactError);
  });

  it('stops on a string with an unpaired surrogate, which no Go string holds', () => {
    expect(() => call('regex.match', 'a', '\ud800')).to.throw(NotExactError);
    expect(() => call('regex.is_valid', '\udc00')).to.throw(NotExactError);
  });
});
