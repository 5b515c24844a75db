// Values in linear memory, without managed objects. Address 0 means "undefined".
// Layouts (u32 fields, 8-byte aligned):
//   null   [tag]                  boolean [tag][0|1]
//   number [tag][kind][i64|f64][textPtr][textLen]   kind: 0 int, 1 float (text keeps the source digits)
//   string [tag][len][bytesPtr]   array [tag][len][cap][elems]
//   object [tag][len][cap][keys][vals]  (sorted by key)   set [tag][len][cap][elems] (sorted)
// Tag numbers follow OPA's sort order across types.
import { alloc } from "./mem";
import { numText, ntPtr, ntLen } from "./floatops";
import { cmpDecimalTexts } from "./bigfloat";

export const T_NULL: u32 = 1;
export const T_BOOL: u32 = 2;
export const T_NUM: u32 = 3;
export const T_STR: u32 = 4;
export const T_ARR: u32 = 5;
export const T_OBJ: u32 = 6;
export const T_SET: u32 = 7;

export const N_INT: u32 = 0;
export const N_FLOAT: u32 = 1;

const NULL_V = memory.data(8, 8);
const TRUE_V = memory.data(8, 8);
const FALSE_V = memory.data(8, 8);

// @ts-ignore: decorator
@inline export function tagOf(v: u32): u32 { return load<u32>(v); }
// @ts-ignore: decorator
@inline export function lenOf(v: u32): u32 { return load<u32>(v, 4); }

export function mkNull(): u32 {
  store<u32>(NULL_V, T_NULL);
  return <u32>NULL_V;
}

export function mkBool(b: bool): u32 {
  const p = b ? TRUE_V : FALSE_V;
  store<u32>(p, T_BOOL);
  store<u32>(p, b ? 1 : 0, 4);
  return <u32>p;
}

export function boolVal(v: u32): bool { return load<u32>(v, 4) != 0; }

export function mkInt(n: i64): u32 {
  const p = alloc(24);
  store<u32>(p, T_NUM);
  store<u32>(p, N_INT, 4);
  store<i64>(p, n, 8);
  store<u32>(p, 0, 16);
  store<u32>(p, 0, 20);
  return p;
}

/** A float; integral values that fit 2^53 become ints, as OPA prints them without a fraction. */
export function mkFloat(f: f64): u32 {
  if (f == Math.floor(f) && Math.abs(f) < 9007199254740992.0) return mkInt(<i64>f);
  return mkFloatText(f, 0, 0);
}

export function mkFloatText(f: f64, textPtr: u32, textLen: u32): u32 {
  const p = alloc(24);
  store<u32>(p, T_NUM);
  store<u32>(p, N_FLOAT, 4);
  store<f64>(p, f, 8);
  store<u32>(p, textPtr, 16);
  store<u32>(p, textLen, 20);
  return p;
}

export function numKind(v: u32): u32 { return load<u32>(v, 4); }
export function intVal(v: u32): i64 { return load<i64>(v, 8); }
export function floatVal(v: u32): f64 { return load<f64>(v, 8); }
export function numTextPtr(v: u32): u32 { return load<u32>(v, 16); }
export function numTextLen(v: u32): u32 { return load<u32>(v, 20); }
export function numAsF64(v: u32): f64 {
  return numKind(v) == N_INT ? <f64>intVal(v) : floatVal(v);
}
/**
 * An integer outside i64 (a literal or input keeping its digits, or an integral float past 2^53):
 * arithmetic on f64 would not give OPA's exact big-integer result.
 */
export function isWideInteger(v: u32): bool {
  if (numKind(v) == N_INT) return false;
  if (numTextLen(v) > 0) return plainInteger(numTextPtr(v), numTextLen(v));
  const f = floatVal(v);
  return f == Math.floor(f) && Math.abs(f) >= 9007199254740992.0;
}

/** True when the number is an integer value (an int, or a float with no fraction). */
export function isIntegral(v: u32): bool {
  if (numKind(v) == N_INT) return true;
  const f = floatVal(v);
  return f == Math.floor(f) && Math.abs(f) < 9.2e18;
}
/**
 * True when OPA reads the number as an int (Number.Int: strconv.ParseInt of its text): an int, or a
 * computed integral float without text (OPA prints those as plain integers). A number that keeps
 * its text ("1.0", "1e0", or digits past int64) is not one, whatever its value: an array index or
 * an int operand of a built-in given one is undefined, as in OPA.
 */
export function isOpaInt(v: u32): bool {
  if (numKind(v) == N_INT) return true;
  const n = numTextLen(v);
  // A computed -0 keeps the text "-0", which ParseInt reads as 0.
  if (n == 2) return load<u8>(numTextPtr(v)) == 45 && load<u8>(numTextPtr(v) + 1) == 48;
  return n == 0 && isIntegral(v);
}
export function asI64(v: u32): i64 {
  return numKind(v) == N_INT ? intVal(v) : <i64>floatVal(v);
}

export function mkStr(ptr: u32, len: u32): u32 {
  const p = alloc(12);
  store<u32>(p, T_STR);
  store<u32>(p, len, 4);
  store<u32>(p, ptr, 8);
  return p;
}
export function strPtr(v: u32): u32 { return load<u32>(v, 8); }

/** A string copied from static memory (generated constants). */
export function mkStatic(ptr: usize, len: u32): u32 { return mkStr(<u32>ptr, len); }

export function mkArr(cap: u32): u32 {
  if (cap < 4) cap = 4;
  const p = alloc(16);
  store<u32>(p, T_ARR);
  store<u32>(p, 0, 4);
  store<u32>(p, cap, 8);
  store<u32>(p, alloc(cap << 2), 12);
  return p;
}
export function elems(v: u32): u32 { return load<u32>(v, 12); }
export function arrGet(v: u32, i: u32): u32 { return load<u32>(load<u32>(v, 12) + (i << 2)); }

function growSeq(v: u32, dataOff: u32): void {
  const len = lenOf(v);
  const cap = load<u32>(v, 8);
  if (len < cap) return;
  const ncap = cap << 1;
  const nd = alloc(ncap << 2);
  memory.copy(nd, load<u32>(v + dataOff), len << 2);
  store<u32>(v + dataOff, nd);
  store<u32>(v, ncap, 8);
}

export function arrPush(a: u32, x: u32): void {
  growSeq(a, 12);
  const len = lenOf(a);
  store<u32>(elems(a) + (len << 2), x);
  store<u32>(a, len + 1, 4);
}

export function mkSet(cap: u32): u32 {
  const p = mkArr(cap);
  store<u32>(p, T_SET);
  return p;
}

export function mkObj(cap: u32): u32 {
  if (cap < 4) cap = 4;
  const p = alloc(20);
  store<u32>(p, T_OBJ);
  store<u32>(p, 0, 4);
  store<u32>(p, cap, 8);
  store<u32>(p, alloc(cap << 2), 12);
  store<u32>(p, alloc(cap << 2), 16);
  return p;
}
export function objKey(o: u32, i: u32): u32 { return load<u32>(load<u32>(o, 12) + (i << 2)); }
export function objVal(o: u32, i: u32): u32 { return load<u32>(load<u32>(o, 16) + (i << 2)); }

// ---- total order (OPA's ast.Compare) ----

/**
 * OPA compares numbers as the exact rationals their texts denote (0.30000000000000001 > 0.3,
 * 1.0 == 1). Different f64 values order as the numbers do (rounding keeps order); equal ones (and
 * infinite ones, past float64) are told apart by their texts.
 */
function cmpNum(a: u32, b: u32): i32 {
  if (numKind(a) == N_INT && numKind(b) == N_INT) {
    const x = intVal(a), y = intVal(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const x = numAsF64(a), y = numAsF64(b);
  if (x != y) return x < y ? -1 : 1;
  return cmpTexts(a, b);
}

function cmpTexts(a: u32, b: u32): i32 {
  numText(a);
  const pa = ntPtr, la = ntLen;
  numText(b);
  return cmpDecimalTexts(pa, la, ntPtr, ntLen);
}

export function plainInteger(p: u32, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (!(c >= 48 && c <= 57) && !(i == 0 && c == 45)) return false;
  }
  return n > 0 && load<u8>(p + (load<u8>(p) == 45 ? 1 : 0)) != 48;
}

/**
 * Byte order of two byte strings. A plain loop: keys and most strings compared here are short and
 * differ early, where a call to memory.compare costs more than the comparison itself.
 */
export function cmpBytes(pa: u32, la: u32, pb: u32, lb: u32): i32 {
  const n = la < lb ? la : lb;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(pa + i), y = load<u8>(pb + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

function cmpStr(a: u32, b: u32): i32 {
  return cmpBytes(strPtr(a), lenOf(a), strPtr(b), lenOf(b));
}

function cmpSeq(a: u32, b: u32): i32 {
  const la = lenOf(a), lb = lenOf(b);
  const n = la < lb ? la : lb;
  const ea = elems(a), eb = elems(b);
  for (let i: u32 = 0; i < n; i++) {
    const c = compare(load<u32>(ea + (i << 2)), load<u32>(eb + (i << 2)));
    if (c != 0) return c;
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

function cmpObj(a: u32, b: u32): i32 {
  const la = lenOf(a), lb = lenOf(b);
  const n = la < lb ? la : lb;
  for (let i: u32 = 0; i < n; i++) {
    let c = compare(objKey(a, i), objKey(b, i));
    if (c != 0) return c;
    c = compare(objVal(a, i), objVal(b, i));
    if (c != 0) return c;
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

export function compare(a: u32, b: u32): i32 {
  if (a == b) return 0;
  const ta = tagOf(a), tb = tagOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case T_NULL: return 0;
    case T_BOOL: return <i32>load<u32>(a, 4) - <i32>load<u32>(b, 4);
    case T_NUM: return cmpNum(a, b);
    case T_STR: return cmpStr(a, b);
    case T_OBJ: return cmpObj(a, b);
    default: return cmpSeq(a, b);
  }
}

export function equal(a: u32, b: u32): bool {
  if (a == b) return true;
  if (tagOf(a) != tagOf(b)) return false;
  if (tagOf(a) == T_STR) {
    const l = lenOf(a);
    return l == lenOf(b) && cmpBytes(strPtr(a), l, strPtr(b), l) == 0;
  }
  return compare(a, b) == 0;
}

/** Equality of a string value with raw bytes (used for key lookups with constant keys). */
export function strEqBytes(v: u32, p: u32, n: u32): bool {
  return tagOf(v) == T_STR && lenOf(v) == n && memory.compare(strPtr(v), p, n) == 0;
}

// ---- sorted collections ----

/** Index of x in a sorted u32 array of value addresses, or -(insertion point)-1. */
function search(data: u32, len: u32, x: u32): i32 {
  let lo: i32 = 0, hi: i32 = <i32>len - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(load<u32>(data + (<u32>mid << 2)), x);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -(lo + 1);
}

function insertAt(data: u32, len: u32, at: u32, x: u32): void {
  const p = data + (at << 2);
  const n = len - at;
  // V8 runs memory.copy as a call into the runtime: a short shift is cheaper as a loop.
  if (n > 16) memory.copy(p + 4, p, n << 2);
  else for (let i = n; i > 0; i--) store<u32>(p + (i << 2), load<u32>(p + ((i - 1) << 2)));
  store<u32>(p, x);
}

export function setAdd(s: u32, x: u32): void {
  const len = lenOf(s);
  if (len > 0 && compare(load<u32>(elems(s) + ((len - 1) << 2)), x) < 0) {
    arrPush(s, x);
    return;
  }
  const i = search(elems(s), len, x);
  if (i >= 0) return;
  growSeq(s, 12);
  insertAt(elems(s), len, <u32>(-i - 1), x);
  store<u32>(s, len + 1, 4);
}

export function setHas(s: u32, x: u32): bool {
  return search(elems(s), lenOf(s), x) >= 0;
}

function growObj(o: u32): void {
  const len = lenOf(o);
  const cap = load<u32>(o, 8);
  if (len < cap) return;
  const ncap = cap << 1;
  const nk = alloc(ncap << 2);
  const nv = alloc(ncap << 2);
  memory.copy(nk, load<u32>(o, 12), len << 2);
  memory.copy(nv, load<u32>(o, 16), len << 2);
  store<u32>(o, nk, 12);
  store<u32>(o, nv, 16);
  store<u32>(o, ncap, 8);
}

/** Inserts or replaces; returns the previous value address or 0. */
export function objPut(o: u32, k: u32, v: u32): u32 {
  const len = lenOf(o);
  const keys = load<u32>(o, 12);
  if (len == 0 || compare(load<u32>(keys + ((len - 1) << 2)), k) < 0) {
    growObj(o);
    store<u32>(load<u32>(o, 12) + (len << 2), k);
    store<u32>(load<u32>(o, 16) + (len << 2), v);
    store<u32>(o, len + 1, 4);
    return 0;
  }
  const i = search(keys, len, k);
  if (i >= 0) {
    const slot = load<u32>(o, 16) + (<u32>i << 2);
    const old = load<u32>(slot);
    store<u32>(slot, v);
    return old;
  }
  growObj(o);
  const at = <u32>(-i - 1);
  insertAt(load<u32>(o, 12), len, at, k);
  insertAt(load<u32>(o, 16), len, at, v);
  store<u32>(o, len + 1, 4);
  return 0;
}

export function objGet(o: u32, k: u32): u32 {
  const len = lenOf(o);
  if (len == 0) return 0;
  const keys = load<u32>(o, 12);
  if (tagOf(k) == T_STR) return objGetBytes(o, strPtr(k), lenOf(k));
  const i = search(keys, len, k);
  return i < 0 ? 0 : load<u32>(load<u32>(o, 16) + (<u32>i << 2));
}

/** Position of the string key with bytes [p, p+n) in an object, or a negative number when absent. */
export function objIndexBytes(o: u32, p: u32, n: u32): i32 {
  return searchStrKey(load<u32>(o, 12), lenOf(o), p, n);
}

/** Whether key i of an object is the string with bytes [p, p+n). */
export function objKeyIsBytes(o: u32, i: u32, p: u32, n: u32): bool {
  const k = objKey(o, i);
  if (tagOf(k) != T_STR || lenOf(k) != n) return false;
  const q = strPtr(k);
  let j: u32 = 0;
  for (; j + 4 <= n; j += 4) if (load<u32>(q + j) != load<u32>(p + j)) return false;
  for (; j < n; j++) if (load<u8>(q + j) != load<u8>(p + j)) return false;
  return true;
}

/** Lookup by raw string bytes: binary search comparing bytes directly. */
export function objGetBytes(o: u32, p: u32, n: u32): u32 {
  const i = objIndexBytes(o, p, n);
  return i < 0 ? 0 : load<u32>(load<u32>(o, 16) + (<u32>i << 2));
}

/** Index of the string key with bytes [p, p+n) among sorted keys, or -(insertion point)-1. */
function searchStrKey(keys: u32, len: u32, p: u32, n: u32): i32 {
  let lo: i32 = 0, hi: i32 = <i32>len - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = load<u32>(keys + (<u32>mid << 2));
    const tk = tagOf(k);
    const c: i32 = tk != T_STR ? (tk < T_STR ? -1 : 1) : cmpBytes(strPtr(k), lenOf(k), p, n);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -(lo + 1);
}

/** objPut for a string key (the JSON parser's case): compares key bytes directly. */
export function objPutStrKey(o: u32, k: u32, v: u32): void {
  const len = lenOf(o);
  const keys = load<u32>(o, 12);
  // Keys in key order (common in JSON written from sorted data) append without a search.
  if (len == 0 || cmpBytes(strPtr(load<u32>(keys + ((len - 1) << 2))), lenOf(load<u32>(keys + ((len - 1) << 2))), strPtr(k), lenOf(k)) < 0) {
    if (len == load<u32>(o, 8)) growObj(o);
    store<u32>(load<u32>(o, 12) + (len << 2), k);
    store<u32>(load<u32>(o, 16) + (len << 2), v);
    store<u32>(o, len + 1, 4);
    return;
  }
  const i = searchStrKey(keys, len, strPtr(k), lenOf(k));
  if (i >= 0) {
    store<u32>(load<u32>(o, 16) + (<u32>i << 2), v);
    return;
  }
  if (len == load<u32>(o, 8)) growObj(o);
  const at = <u32>(-i - 1);
  insertAt(load<u32>(o, 12), len, at, k);
  insertAt(load<u32>(o, 16), len, at, v);
  store<u32>(o, len + 1, 4);
}

/** Generic lookup: object key, array index, set membership (returns the element). */
export function dot(v: u32, k: u32): u32 {
  if (v == 0 || k == 0) return 0;
  const t = tagOf(v);
  if (t == T_OBJ) return objGet(v, k);
  if (t == T_ARR) {
    if (tagOf(k) != T_NUM || !isOpaInt(k)) return 0;
    const i = asI64(k);
    if (i < 0 || i >= <i64>lenOf(v)) return 0;
    return arrGet(v, <u32>i);
  }
  if (t == T_SET) return setHas(v, k) ? k : 0;
  return 0;
}
