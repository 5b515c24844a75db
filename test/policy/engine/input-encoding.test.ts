import { expect } from 'chai';
import { jsonTextBuffer } from '../../../src/policy/engine/input-encoding.js';

function text(buffer: ArrayBuffer): string {
  return new TextDecoder().decode(new Uint8Array(buffer));
}

describe('policy engine: input encoding for the SDK', () => {
  it('gives an ASCII text as a buffer of exactly its length', () => {
    const buffer = jsonTextBuffer('{"a":1}');
    expect(buffer.byteLength).to.equal(7);
    expect(text(buffer)).to.equal('{"a":1}');
  });

  it('encodes non-ASCII text as UTF-8 of its full byte length', () => {
    const value = '{"name":"Zoë 😀"}';
    const buffer = jsonTextBuffer(value);
    expect(buffer.byteLength).to.equal(Buffer.byteLength(value));
    expect(text(buffer)).to.equal(value);
  });

  it('gives each call the bytes of its own text when lengths repeat', () => {
    const first = text(jsonTextBuffer('{"a":"x"}'));
    const second = text(jsonTextBuffer('{"a":"y"}'));
    expect([first, second]).to.deep.equal(['{"a":"x"}', '{"a":"y"}']);
  });

  it('encodes texts longer than the pooled sizes', () => {
    const value = JSON.stringify({ a: 'x'.repeat(100_000) });
    expect(text(jsonTextBuffer(value))).to.equal(value);
  });
});
