/**
 * The SDK takes an input either as a value, which it stringifies and encodes with a new TextEncoder
 * on every call, or as an ArrayBuffer holding JSON text, which it copies into the module's memory
 * before evaluating. Encoding here into reused buffers spares a TextEncoder and a fresh
 * ArrayBuffer per decision: an ASCII text (every decision input we build) is written straight into
 * a buffer of exactly its length, the size the SDK copies. Reuse is safe because the SDK copies the
 * bytes before it returns, and evaluation is synchronous.
 */
const encoder = new TextEncoder();

/** Texts longer than this get a fresh buffer: the pool is for the per-decision inputs. */
const MAX_POOLED_LENGTH = 16 * 1024;
/** Distinct lengths kept; past it the pool starts over, which bounds it to about a megabyte. */
const MAX_POOLED_BUFFERS = 64;

const pool = new Map<number, Uint8Array>();

function pooledBuffer(length: number): Uint8Array {
  let buffer = pool.get(length);
  if (buffer !== undefined) return buffer;
  if (pool.size >= MAX_POOLED_BUFFERS) pool.clear();
  buffer = new Uint8Array(length);
  pool.set(length, buffer);
  return buffer;
}

function freshBuffer(text: string): ArrayBuffer {
  const bytes = encoder.encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The JSON text as an ArrayBuffer of exactly its UTF-8 length, valid until the next call. */
export function jsonTextBuffer(text: string): ArrayBuffer {
  if (text.length > MAX_POOLED_LENGTH) return freshBuffer(text);
  const buffer = pooledBuffer(text.length);
  const { read, written } = encoder.encodeInto(text, buffer);
  // Fewer bytes than characters cannot happen; more means non-ASCII text that did not fit.
  if (read === text.length && written === text.length) return buffer.buffer as ArrayBuffer;
  return freshBuffer(text);
}
