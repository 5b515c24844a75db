// JSON text <-> values, byte-compatible with OPA's dumps: objects with sorted keys, sets as
// sorted arrays, numbers as their source digits when parsed, shortest round-trip text otherwise.
import { alloc, pushByte, heapGet, heapSet, reserve, copyBytes } from "./mem";
import {
  T_NULL, T_BOOL, T_NUM, T_STR, T_ARR, T_OBJ, T_SET, N_INT,
  tagOf, lenOf, mkNull, mkBool, mkInt, mkFloatText, mkStr, strPtr, mkArr, arrPush, mkObj, objPut,
  mkSet, setAdd, elems, objKey, objVal, numKind, intVal, floatVal, numTextPtr, numTextLen, boolVal, objPutStrKey, plainInteger,
} from "./value";
import { formatF64 } from "./numfmt";
import { parseDecimal } from "./numparse";

let pos: u32 = 0;
let end: u32 = 0;
let bad: bool = false;

// While a host built-in runs, values cross the SDK as JSON, which has no sets. In host mode a set
// is written as {"\u0000set": [...]} and a string key that starts with NUL gets one more NUL in
// front, so no object can pass for a set; parsing (of the host's result) undoes both. The generated
// code switches the mode on around each host call; evalPrologue switches it off.
let hostMode: bool = false;
export function setHostMode(on: bool): void { hostMode = on; }
const SET_KEY = memory.data<u8>([0, 115, 101, 116]);

// The cursor is a global, but hot loops work on a local copy: V8 keeps locals in registers and
// reloads globals on every access.
function ws(): void {
  let p = pos;
  const e = end;
  while (p < e) {
    const c = load<u8>(p);
    if (c != 32 && c != 9 && c != 10 && c != 13) break;
    p++;
  }
  pos = p;
}

function expectWord(p: usize, n: u32): bool {
  if (pos + n > end || memory.compare(pos, p, n) != 0) { bad = true; return false; }
  pos += n;
  return true;
}

function hexVal(c: u32): i32 {
  if (c >= 48 && c <= 57) return <i32>c - 48;
  if (c >= 97 && c <= 102) return <i32>c - 87;
  if (c >= 65 && c <= 70) return <i32>c - 55;
  return -1;
}

function hex4(): i32 {
  if (pos + 4 > end) return -1;
  let v: i32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const h = hexVal(load<u8>(pos + i));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  pos += 4;
  return v;
}

function putUtf8(out: u32, cp: u32): u32 {
  if (cp < 0x80) { store<u8>(out, <u8>cp); return 1; }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 63)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 63)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 63)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 63)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 63)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 63)));
  return 4;
}

function parseString(): u32 {
  const start = pos + 1; // after the opening quote
  const e = end;
  let p = start;
  let escaped = false;
  while (p < e) {
    const c = load<u8>(p);
    if (c == 34) break;
    if (c == 92) { escaped = true; p += 2; continue; }
    if (c < 32) { bad = true; return 0; }
    p++;
  }
  if (p >= e) { bad = true; return 0; }
  const rawEnd = p;
  pos = p + 1;
  if (!escaped) return mkStr(start, rawEnd - start);
  // Unescape into fresh memory; escapes never grow the text.
  const out = alloc(rawEnd - start);
  let o: u32 = 0;
  let i = start;
  while (i < rawEnd) {
    const c = load<u8>(i);
    if (c != 92) { store<u8>(out + o, c); o++; i++; continue; }
    const e = load<u8>(i + 1);
    i += 2;
    let ch: i32 = -1;
    switch (e) {
      case 34: ch = 34; break;
      case 92: ch = 92; break;
      case 47: ch = 47; break;
      case 98: ch = 8; break;
      case 102: ch = 12; break;
      case 110: ch = 10; break;
      case 114: ch = 13; break;
      case 116: ch = 9; break;
      case 117: {
        const save = pos;
        pos = i;
        let cp = hex4();
        if (cp < 0) { bad = true; return 0; }
        if (cp >= 0xd800 && cp < 0xdc00 && pos + 6 <= rawEnd && load<u8>(pos) == 92 && load<u8>(pos + 1) == 117) {
          pos += 2;
          const lo = hex4();
          if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          else { bad = true; return 0; }
        }
        i = pos;
        pos = save;
        o += putUtf8(out + o, <u32>cp);
        continue;
      }
      default: bad = true; return 0;
    }
    store<u8>(out + o, <u8>ch);
    o++;
  }
  return mkStr(out, o);
}

/** Parses decimal text [p, p+n) as the nearest f64 (see numparse.ts). */
export function parseF64(p: u32, n: u32): f64 {
  return parseDecimal(p, n);
}

function smallInt(start: u32, stop: u32): u32 {
  const neg = load<u8>(start) == 45;
  let v: i64 = 0;
  for (let i: u32 = neg ? start + 1 : start; i < stop; i++) v = v * 10 + <i64>(load<u8>(i) - 48);
  return mkInt(neg ? -v : v);
}

/** Number text to a value: ints that fit i64 stay exact; everything else is a float keeping its text. */
export function numberFromText(start: u32, n: u32): u32 {
  let isInt = true;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(start + i);
    if (c == 46 || c == 101 || c == 69) { isInt = false; break; }
  }
  const neg = load<u8>(start) == 45;
  const digitCount = neg ? n - 1 : n;
  if (isInt && digitCount <= 18) {
    let v: i64 = 0;
    for (let i: u32 = neg ? 1 : 0; i < n; i++) v = v * 10 + <i64>(load<u8>(start + i) - 48);
    return mkInt(neg ? -v : v);
  }
  // 19 digits may still fit i64 (nanosecond timestamps do): keep those exact ints too.
  if (isInt && digitCount == 19 && load<u8>(start + (neg ? 1 : 0)) != 48) {
    let u: u64 = 0;
    for (let i: u32 = neg ? 1 : 0; i < n; i++) u = u * 10 + <u64>(load<u8>(start + i) - 48);
    if (u <= 9223372036854775807) return mkInt(neg ? -<i64>u : <i64>u);
    if (neg && u == 9223372036854775808) return mkInt(i64.MIN_VALUE);
  }
  return mkFloatText(parseF64(start, n), start, n);
}

function parseNumber(): u32 {
  const start = pos;
  if (load<u8>(pos) == 45) pos++;
  let digits = 0;
  while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) { pos++; digits++; }
  if (digits == 0) { bad = true; return 0; }
  // The common case, a small integer: no fraction or exponent follows.
  if (digits <= 18 && (pos >= end || (load<u8>(pos) != 46 && (load<u8>(pos) | 32) != 101))) {
    return smallInt(start, pos);
  }
  if (pos < end && load<u8>(pos) == 46) {
    pos++;
    let fd = 0;
    while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) { pos++; fd++; }
    if (fd == 0) { bad = true; return 0; }
  }
  if (pos < end && (load<u8>(pos) == 101 || load<u8>(pos) == 69)) {
    pos++;
    if (pos < end && (load<u8>(pos) == 43 || load<u8>(pos) == 45)) pos++;
    let ed = 0;
    while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) { pos++; ed++; }
    if (ed == 0) { bad = true; return 0; }
  }
  return numberFromText(start, pos - start);
}

function parseValue(depth: i32): u32 {
  ws();
  if (pos >= end || depth > 10000) { bad = true; return 0; }
  const c = load<u8>(pos);
  if (c == 123) {
    pos++;
    // Room for 8 keys up front: inputs are mostly objects of 4-8 keys, and memory is reset per call.
    const o = mkObj(8);
    ws();
    if (pos < end && load<u8>(pos) == 125) { pos++; return o; }
    // Once a key that is not a string is in, keys go in by value order (objPutStrKey assumes strings).
    let mixed = false;
    while (!bad) {
      ws();
      if (pos >= end || load<u8>(pos) != 34) { bad = true; return 0; }
      let k = parseString();
      if (bad) return 0;
      ws();
      if (pos >= end || load<u8>(pos) != 58) { bad = true; return 0; }
      pos++;
      const v = parseValue(depth + 1);
      if (bad) return 0;
      if (hostMode && lenOf(k) > 0 && load<u8>(strPtr(k)) == 0) {
        const r = hostKey(o, k, v);
        if (r != 0) return r;
        if (lenOf(k) > 1 && load<u8>(strPtr(k) + 1) == 107) {
          k = nonStringKey(k, depth);
          if (bad) return 0;
          mixed = true;
        } else k = mkStr(strPtr(k) + 1, lenOf(k) - 1);
      }
      if (mixed) objPut(o, k, v);
      else objPutStrKey(o, k, v);
      ws();
      if (pos < end && load<u8>(pos) == 44) { pos++; continue; }
      if (pos < end && load<u8>(pos) == 125) { pos++; return o; }
      bad = true;
    }
    return 0;
  }
  if (c == 91) {
    pos++;
    const a = mkArr(4);
    ws();
    if (pos < end && load<u8>(pos) == 93) { pos++; return a; }
    while (!bad) {
      const v = parseValue(depth + 1);
      if (bad) return 0;
      arrPush(a, v);
      ws();
      if (pos < end && load<u8>(pos) == 44) { pos++; continue; }
      if (pos < end && load<u8>(pos) == 93) { pos++; return a; }
      bad = true;
    }
    return 0;
  }
  if (c == 34) return parseString();
  if (c == 116) return expectWord(memory.data<u8>([116, 114, 117, 101]), 4) ? mkBool(true) : 0;
  if (c == 102) return expectWord(memory.data<u8>([102, 97, 108, 115, 101]), 5) ? mkBool(false) : 0;
  if (c == 110) return expectWord(memory.data<u8>([110, 117, 108, 108]), 4) ? mkNull() : 0;
  return parseNumber();
}

/**
 * Host mode: "\u0000k" and JSON text is a key that is not a string (the module writes such keys so,
 * see dumpValue, and the host hands them back as they came): the key's value, parsed from that text.
 */
function nonStringKey(k: u32, depth: i32): u32 {
  const savePos = pos, saveEnd = end;
  pos = strPtr(k) + 2;
  end = strPtr(k) + lenOf(k);
  const key = parseValue(depth + 1);
  ws();
  if (pos != end) bad = true;
  pos = savePos;
  end = saveEnd;
  return key;
}

/** A host-mode set marker as the object's only key: the set; else 0 (the key is an escaped one). */
function hostKey(o: u32, k: u32, v: u32): u32 {
  if (lenOf(k) != 4 || memory.compare(strPtr(k), SET_KEY, 4) != 0) return 0;
  if (lenOf(o) != 0 || tagOf(v) != T_ARR) return 0;
  ws();
  if (pos >= end || load<u8>(pos) != 125) { bad = true; return 0; }
  pos++;
  const n = lenOf(v);
  const set = mkSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(set, load<u32>(elems(v) + (i << 2)));
  return set;
}

/** Parses JSON text [p, p+n); returns 0 on any syntax error. */
export function parseJSON(p: u32, n: u32): u32 {
  pos = p;
  end = p + n;
  bad = false;
  const v = parseValue(0);
  if (bad) return 0;
  ws();
  if (pos != end) return 0;
  return v;
}

// ---- dumping: the output is built in place at the heap top ----

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

// Inside a non-string object key the key's JSON text is itself written as a JSON string,
// so every byte then passes through one more level of escaping.
let inKey: bool = false;

function emit(c: u32): void {
  if (inKey) {
    if (c == 34 || c == 92) { pushByte(92); pushByte(c); return; }
  }
  pushByte(c);
}

function emitBytes(p: u32, n: u32): void {
  if (inKey) {
    for (let i: u32 = 0; i < n; i++) emit(load<u8>(p + i));
    return;
  }
  const o = reserve(n);
  copyBytes(o, p, n);
  heapSet(o + n);
}

/** Writes a JSON string straight into reserved memory (at most 6 bytes per input byte). */
function dumpString(p: u32, n: u32): void {
  if (inKey) { dumpStringInKey(p, n); return; }
  let o = reserve(n * 6 + 2);
  store<u8>(o++, 34);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c >= 32 && c != 34 && c != 92) { store<u8>(o++, <u8>c); continue; }
    store<u8>(o++, 92);
    if (c == 34 || c == 92) { store<u8>(o++, <u8>c); continue; }
    if (c == 10) { store<u8>(o++, 110); continue; }
    if (c == 13) { store<u8>(o++, 114); continue; }
    if (c == 9) { store<u8>(o++, 116); continue; }
    store<u8>(o, 117); store<u8>(o + 1, 48); store<u8>(o + 2, 48);
    store<u8>(o + 3, load<u8>(HEX + (c >> 4)));
    store<u8>(o + 4, load<u8>(HEX + (c & 15)));
    o += 5;
  }
  store<u8>(o++, 34);
  heapSet(o);
}

/** The same inside a non-string key's text, where every byte passes through emit's escaping. */
function dumpStringInKey(p: u32, n: u32): void {
  emit(34);
  dumpStringChars(p, n);
  emit(34);
}

const NUL_ESC = memory.data<u8>([92, 117, 48, 48, 48, 48]);

/** Host mode: a string key starting with NUL gets one more NUL in front (see hostMode). */
function dumpNulKey(p: u32, n: u32): void {
  emit(34);
  emitBytes(<u32>NUL_ESC, 6);
  dumpStringChars(p, n);
  emit(34);
}

function dumpStringChars(p: u32, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 34 || c == 92) { emit(92); emit(c); continue; }
    if (c >= 32) { emit(c); continue; }
    emit(92);
    if (c == 10) { emit(110); continue; }
    if (c == 13) { emit(114); continue; }
    if (c == 9) { emit(116); continue; }
    emit(117); emit(48); emit(48);
    emit(load<u8>(HEX + (c >> 4)));
    emit(load<u8>(HEX + (c & 15)));
  }
}

const SCRATCH = memory.data(64, 8);
// A computed float's text: an integral one up to 1.8e308 is written out in full (see numfmt.ts).
const FLOAT_TEXT = memory.data(336, 8);

function dumpInt(v: i64): void {
  if (v == 0) { emit(48); return; }
  let u: u64 = v < 0 ? <u64>(-v) : <u64>v;
  if (v < 0) emit(45);
  let n: u32 = 0;
  while (u > 0) { store<u8>(SCRATCH + n, <u8>(48 + <u32>(u % 10))); u /= 10; n++; }
  while (n > 0) { n--; emit(load<u8>(SCRATCH + n)); }
}

// Host mode: {"\u0000num":"
const NUM_OPEN = memory.data<u8>([123, 34, 92, 117, 48, 48, 48, 48, 110, 117, 109, 34, 58, 34]);

/**
 * Host mode: an integer beyond 2^53 (or a number past float64's range) would lose its value in the
 * SDK's JSON.parse, so it crosses as {"\u0000num": "<digits>"} and the host reads it exactly; so does
 * any number with a text that is not a plain integer, whose text sprintf needs.
 */
function dumpHostNumber(v: u32): bool {
  if (numKind(v) == N_INT) {
    const i = intVal(v);
    if (i <= 9007199254740992 && i >= -9007199254740992) return false;
    emitBytes(<u32>NUM_OPEN, 14);
    dumpInt(i);
    emit(34); emit(125);
    return true;
  }
  const f = floatVal(v);
  if (numTextLen(v) == 0) return false;
  // A number written otherwise than as a plain integer ("1.0", "1e3", "1.50") keeps its text too:
  // OPA prints a number by its text (sprintf of [1.50] is "[1.50]") and its sprintf takes only plain
  // integer text for an integer (%d of 1.0 is "%!d(float64=1)").
  const inRange = Math.abs(f) < 9007199254740992.0 && isFinite(f);
  if (inRange && plainInteger(numTextPtr(v), numTextLen(v))) return false;
  emitBytes(<u32>NUM_OPEN, 14);
  emitBytes(numTextPtr(v), numTextLen(v));
  emit(34); emit(125);
  return true;
}

function dumpNumber(v: u32): void {
  if (hostMode && dumpHostNumber(v)) return;
  if (numKind(v) == N_INT) { dumpInt(intVal(v)); return; }
  if (numTextLen(v) > 0) { emitBytes(numTextPtr(v), numTextLen(v)); return; }
  const n = formatF64(floatVal(v), <u32>FLOAT_TEXT);
  emitBytes(<u32>FLOAT_TEXT, n);
}

function dumpValue(v: u32): void {
  switch (tagOf(v)) {
    case T_NULL: emitBytes(<u32>memory.data<u8>([110, 117, 108, 108]), 4); return;
    case T_BOOL:
      if (boolVal(v)) emitBytes(<u32>memory.data<u8>([116, 114, 117, 101]), 4);
      else emitBytes(<u32>memory.data<u8>([102, 97, 108, 115, 101]), 5);
      return;
    case T_NUM: dumpNumber(v); return;
    case T_STR: dumpString(strPtr(v), lenOf(v)); return;
    case T_OBJ: {
      emit(123);
      const n = lenOf(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) emit(44);
        const k = objKey(v, i);
        if (tagOf(k) == T_STR && hostMode && lenOf(k) > 0 && load<u8>(strPtr(k)) == 0) dumpNulKey(strPtr(k), lenOf(k));
        else if (tagOf(k) == T_STR) dumpValue(k);
        else if (inKey) {
          emit(34);
          dumpValue(k);
          emit(34);
        } else {
          pushByte(34);
          // Host mode: "\u0000k" in front tells the host this key is not a string (see sets.ts).
          if (hostMode) emitBytes(<u32>memory.data<u8>([92, 117, 48, 48, 48, 48, 107]), 7);
          inKey = true;
          dumpValue(k);
          inKey = false;
          pushByte(34);
        }
        emit(58);
        dumpValue(objVal(v, i));
      }
      emit(125);
      return;
    }
    default: {
      const marked = hostMode && tagOf(v) == T_SET;
      // {"\u0000set":
      if (marked) emitBytes(<u32>memory.data<u8>([123, 34, 92, 117, 48, 48, 48, 48, 115, 101, 116, 34, 58]), 13);
      emit(91);
      const n = lenOf(v);
      const e = elems(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) emit(44);
        dumpValue(load<u32>(e + (i << 2)));
      }
      emit(93);
      if (marked) emit(125);
    }
  }
}

/** Dumps a value as NUL-terminated JSON; returns the text's address. */
export function dumpJSON(v: u32): u32 {
  const start = alloc(0);
  inKey = false;
  if (v == 0) emitBytes(<u32>memory.data<u8>([110, 117, 108, 108]), 4);
  else dumpValue(v);
  pushByte(0);
  return start;
}

export function textLen(p: u32): u32 {
  let n: u32 = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

export { heapGet };
