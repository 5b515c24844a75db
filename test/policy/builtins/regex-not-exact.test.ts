/**
 * regex.* stops (NotExactError) where JavaScript's engine could answer differently from Go's and
 * answers where the difference cannot show in the built-in's result.
 */
import { expect } from 'chai';
import { callHostBuiltin as call } from '../../../src/policy/builtins/index.js';
import { NotExactError } from '../../../src/policy/builtins/value.js';

describe('regex built-ins stop where JavaScript would answer differently', () => {
  it('stops on a loop whose body matches empty before non-empty, when match positions are reported', () => {
    // Go: (|a)* matches "" (the empty iteration ends the loop); JavaScript rejects it and matches "aa".
    expect(() => call('regex.find_n', '(|a)*', 'aa', -1)).to.throw(NotExactError);
    expect(() => call('regex.find_n', '(a*?)*', 'aa', -1)).to.throw(NotExactError);
    expect(() => call('regex.split', '(?:|a)+', 'aa')).to.throw(NotExactError);
    expect(call('regex.match', '(|a)*', 'aa')).to.equal(true);
  });

  it('answers loops whose empty ways come last, where the engines agree', () => {
    expect(call('regex.find_n', '(a*)*', 'aab', -1)).to.deep.equal(['aa', '']);
    expect(call('regex.find_all_string_submatch_n', '(a|)*', 'aa', 1)).to.deep.equal([['aa', 'a']]);
  });

  it('stops on a group a repeated part may skip, only for the built-ins that report groups', () => {
    // Go keeps "a" from the first iteration of (?:(a)|b)* on "ab"; JavaScript clears it in the second.
    expect(() => call('regex.find_all_string_submatch_n', '(?:(a)|b)*', 'ab', -1)).to.throw(NotExactError);
    expect(() => call('regex.replace', 'ab', '(?:(a)|b)+', '[$1]')).to.throw(NotExactError);
    expect(call('regex.find_n', '(?:(a)|b)*', 'ab', -1)).to.deep.equal(['ab']);
    expect(call('regex.replace', 'ab', '(?:(a)|b)+', 'x')).to.equal('x');
  });

  it('stops on Unicode class names whose meaning changed in Go 1.25', () => {
    for (const p of ['\\p{greek}', '\\p{Letter}', '\\p{ASCII}', '\\p{Old_Italic}', '\\p{Cn}']) {
      expect(() => call('regex.is_valid', p), p).to.throw(NotExactError);
    }
  });

  it('folds a Unicode class under (?i) that covers only part of the pattern, and stops on a negated one beside other items', () => {
    expect(call('regex.match', '^(?i:\\p{Lu})x$', 'ax')).to.equal(true);
    expect(call('regex.match', '^(?i:\\p{Lu})x$', 'aX')).to.equal(false);
    expect(call('regex.match', '^(?i:\\P{Lu})x$', 'ax')).to.equal(false);
    // The micro sign is script Common but folds to Greek mu: Go's FoldScript["Greek"] has it.
    expect(call('regex.match', '^(?i:\\p{Greek})x$', '\u00b5x')).to.equal(true);
    expect(call('regex.match', '^\\p{Greek}x$', '\u00b5x')).to.equal(false);
    expect(() => call('regex.match', '(?i:[\\PLx])y', 'ay')).to.throw(NotExactError);
  });

  it('stops on a pattern whose compiled size is near Go\'s limit', () => {
    expect(() => call('regex.match', `(?:${'a'.repeat(3400)}){1000}`, 'a')).to.throw(NotExactError);
  });

  it('stops on a string with an unpaired surrogate, which no Go string holds', () => {
    expect(() => call('regex.match', 'a', '\ud800')).to.throw(NotExactError);
    expect(() => call('regex.is_valid', '\udc00')).to.throw(NotExactError);
  });
});
