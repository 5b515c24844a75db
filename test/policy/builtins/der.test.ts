import { expect } from 'chai';
import { derChildren, readDer } from '../../../src/policy/builtins/impl/der.js';
import { BuiltinError, NotExactError } from '../../../src/policy/builtins/value.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('DER reading for the x509 and private-key built-ins (as strict as Go encoding/asn1)', () => {
  it('reads short and long lengths and the elements of a sequence in order', () => {
    const seq = readDer(bytes(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xff), 0, 'test');
    expect(seq.tag).to.equal(0x30);
    expect(seq.end).to.equal(8);
    const [int, octets] = derChildren(seq.content, 'test');
    expect([int!.tag, [...int!.content]]).to.deep.equal([0x02, [5]]);
    expect([octets!.tag, [...octets!.content]]).to.deep.equal([0x04, [0xff]]);
    const long = readDer(Buffer.concat([bytes(0x04, 0x81, 0x80), Buffer.alloc(0x80, 7)]), 0, 'test');
    expect(long.content.length).to.equal(0x80);
  });

  it('refuses truncated input and lengths Go rejects (indefinite, not in shortest form) as errors', () => {
    expect(() => readDer(bytes(0x30), 0, 'test')).to.throw(BuiltinError, /truncated/);
    expect(() => readDer(bytes(0x30, 0x05, 0x02), 0, 'test')).to.throw(BuiltinError, /truncated/);
    expect(() => readDer(bytes(0x30, 0x82, 0x01), 0, 'test')).to.throw(BuiltinError, /truncated/);
    expect(() => readDer(bytes(0x30, 0x80), 0, 'test')).to.throw(BuiltinError, /bad length/);
    expect(() => readDer(bytes(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0, 'test')).to.throw(BuiltinError, /non-minimal/);
    expect(() => readDer(bytes(0x04, 0x82, 0x00, 0x90), 0, 'test')).to.throw(BuiltinError, /non-minimal/);
  });

  it('stops (NotExactError) on a high-tag-number element, which Go reads and this reader does not', () => {
    expect(() => readDer(bytes(0x1f, 0x81, 0x00), 0, 'test')).to.throw(NotExactError);
  });
});
