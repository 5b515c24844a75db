import { fail, notExact } from '../value.js';

/** One DER element: its tag, its content, its whole encoding (`raw`), and where the next element starts. */
export interface Der {
  tag: number;
  content: Buffer;
  raw: Buffer;
  end: number;
}

/**
 * One DER element at `pos`, read as strictly as Go's encoding/asn1 reads DER: truncated input,
 * an indefinite or over-long length, or a length not in its shortest form is an error (undefined in
 * OPA, as Go's parse error). Go reads high-tag-number elements, which this reader does not, so those
 * stop the evaluation of `builtin` instead of being misread.
 */
export function readDer(buf: Buffer, pos: number, builtin: string): Der {
  if (pos + 2 > buf.length) fail('asn1: syntax error: truncated');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) notExact(builtin, 'a high-tag-number ASN.1 element');
  const first = buf[pos + 1]!;
  if ((first & 0x80) === 0) return element(buf, pos, tag, pos + 2, first);
  const n = first & 0x7f;
  if (n === 0 || n > 4) fail('asn1: syntax error: bad length');
  if (pos + 2 + n > buf.length) fail('asn1: syntax error: truncated');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
  if (len < 0x80 || buf[pos + 2] === 0) fail('asn1: structure error: non-minimal length');
  return element(buf, pos, tag, pos + 2 + n, len);
}

function element(buf: Buffer, pos: number, tag: number, start: number, len: number): Der {
  if (start + len > buf.length) fail('asn1: syntax error: truncated');
  return { tag, content: buf.subarray(start, start + len), raw: buf.subarray(pos, start + len), end: start + len };
}

/** The elements of a constructed element's content, in order. */
export function derChildren(content: Buffer, builtin: string): Der[] {
  const out: Der[] = [];
  for (let pos = 0; pos < content.length; ) {
    const child = readDer(content, pos, builtin);
    out.push(child);
    pos = child.end;
  }
  return out;
}
