import { expect } from 'chai';
import { readDerOr } from '../../../src/policy/builtins/impl/x509/asn1.js';
import { BuiltinError, NotExactError } from '../../../src/policy/builtins/value.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('readDerOr: the outer DER element of an x509 structure, failing with Go\'s message for it', () => {
  it('reads the first element and leaves what follows it to the caller', () => {
    const el = readDerOr(bytes(0x30, 0x01, 0x05, 0xff), 'test', 'x509: malformed certificate');
    expect([el.tag, [...el.content], el.end]).to.deep.equal([0x30, [5], 3]);
  });

  it('answers a malformed element with the structure\'s message, not the DER reader\'s', () => {
    expect(() => readDerOr(bytes(0x30, 0x05, 0x02), 'test', 'x509: malformed certificate')).to.throw(BuiltinError, /^x509: malformed certificate$/);
    expect(() => readDerOr(bytes(), 'test', 'asn1: structure error: truncated or malformed request')).to.throw(BuiltinError, /^asn1: structure error: truncated or malformed request$/);
  });

  it('still stops (NotExactError) on a high-tag-number element instead of failing', () => {
    expect(() => readDerOr(bytes(0x1f, 0x81, 0x00), 'test', 'x509: malformed certificate')).to.throw(NotExactError);
  });
});
