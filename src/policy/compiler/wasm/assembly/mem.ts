// Bump allocator over the imported linear memory. The SDK resets the heap pointer before every
// evaluation, so nothing is ever freed: memory stays bounded by the largest single call.

@external("env", "opa_abort")
declare function host_abort(addr: u32): void;

let heapPtr: u32 = 0;

function heapStart(): u32 {
  if (heapPtr == 0) heapPtr = (<u32>__heap_base + 7) & ~7;
  return heapPtr;
}

export function heapGet(): u32 {
  return heapStart();
}

export function heapSet(p: u32): void {
  heapPtr = p;
}

// Memory only grows (the SDK may grow it too), so a cached size is a safe lower bound.
let knownEnd: u32 = 0;

// @ts-ignore: decorator
@inline function ensure(end: u32): void {
  if (end <= knownEnd) return;
  growTo(end);
}

function growTo(end: u32): void {
  const have = <u32>memory.size() << 16;
  knownEnd = have;
  if (end <= have) return;
  const pages = ((end - have) + 0xffff) >> 16;
  if (memory.grow(<i32>pages) < 0) fail(memory.data<u8>([111, 117, 116, 32, 111, 102, 32, 109, 101, 109, 111, 114, 121, 0]));
  knownEnd = <u32>memory.size() << 16;
}

// Inlined: called for every value made, and the fast path is a few instructions.
// @ts-ignore: decorator
@inline export function alloc(n: u32): u32 {
  const p = (heapStart() + 7) & ~7;
  const end = p + n;
  ensure(end);
  heapPtr = end;
  return p;
}

/**
 * memory.copy for ranges that do not overlap. V8 runs memory.copy as a call into the runtime, which
 * costs more than copying the few bytes of a typical string, so short copies take a loop.
 */
export function copyBytes(dst: u32, src: u32, n: u32): void {
  if (n > 64) { memory.copy(dst, src, n); return; }
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) store<u32>(dst + i, load<u32>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Makes room for n bytes at the heap top and returns their address; the heap top stays put. */
export function reserve(n: u32): u32 {
  const p = heapStart();
  ensure(p + n);
  return p;
}

/** Appends one byte at the heap top (used by the JSON dumper, which builds its output in place). */
export function pushByte(b: u32): void {
  const p = heapStart();
  ensure(p + 1);
  store<u8>(p, <u8>b);
  heapPtr = p + 1;
}

/** Aborts evaluation with a NUL-terminated ASCII message; the SDK throws it as a string. */
export function fail(msg: usize): void {
  host_abort(<u32>msg);
  unreachable();
}

/** Aborts with a message built from a static prefix and a value's text (e.g. a rule path). */
export function failWith(prefix: usize, textPtr: u32, textLen: u32): void {
  const plen = <u32>cstrLen(prefix);
  const buf = alloc(plen + textLen + 1);
  memory.copy(buf, prefix, plen);
  memory.copy(buf + plen, textPtr, textLen);
  store<u8>(buf + plen + textLen, 0);
  fail(buf);
}

function cstrLen(p: usize): usize {
  let n: usize = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}
