import { expect } from 'chai';
import { hashesEqual, newAgentToken, newFlowSecret, sha256, tokenPrefix } from '../../src/identity/index.js';
import { normaliseCode, newCode, CODE_ALPHABET } from '../../src/pairing/index.js';

describe('identity: token and code formats', () => {
  it('makes opaque agw_ tokens whose lookup prefix is stored and whose SHA-256 is what is kept', () => {
    const token = newAgentToken();
    expect(token.plaintext).to.match(/^agw_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(tokenPrefix(token.plaintext)).to.equal(token.prefix);
    expect(token.hash).to.equal(sha256(token.plaintext));
    expect(token.hash).not.to.contain(token.plaintext.slice(17));
    expect(newAgentToken().plaintext).not.to.equal(token.plaintext);
  });

  it('finds no prefix in anything that is not a well-formed token', () => {
    for (const bad of ['', 'agw_', 'agw_short_x', `Bearer agw_${'a'.repeat(12)}_${'b'.repeat(43)}`, `agw_${'a'.repeat(12)}_${'b'.repeat(42)}!`]) expect(tokenPrefix(bad)).to.equal(undefined);
  });

  it('compares hashes only when both are SHA-256 digests', () => {
    const h = sha256('x');
    expect(hashesEqual(h, sha256('x'))).to.equal(true);
    expect(hashesEqual(h, sha256('y'))).to.equal(false);
    expect(hashesEqual(h, 'abc')).to.equal(false);
  });

  it('makes flow secrets and pairing codes from their alphabets', () => {
    expect(newFlowSecret().plaintext).to.match(/^agwf_[0-9A-Za-z]{43}$/);
    const code = newCode();
    expect(code).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    for (const ch of code.replace('-', '')) expect(CODE_ALPHABET).to.contain(ch);
    expect(CODE_ALPHABET).not.to.match(/[ILOU]/);
  });

  it('normalises typed codes the Crockford way and rejects what cannot be a code', () => {
    expect(normaliseCode('ab1c-d0ef')).to.equal('AB1CD0EF');
    expect(normaliseCode('abic dOef')).to.equal('AB1CD0EF');
    expect(normaliseCode('ABLC-DOEF')).to.equal('AB1CD0EF');
    expect(normaliseCode('ABCD-EFG')).to.equal(undefined);
    expect(normaliseCode('ABCD-EFGU')).to.equal(undefined);
    expect(normaliseCode('ABCD-EFG!')).to.equal(undefined);
  });
});
