// Built-ins implemented inside the module. Each takes and returns value addresses; 0 means
// undefined, which is also how a type or domain error shows outside strict mode (as in OPA).
import { alloc, copyBytes } from "./mem";
import {
  T_NULL, T_BOOL, T_NUM, T_STR, T_ARR, T_OBJ, T_SET, N_INT,
  tagOf, lenOf, mkBool, mkInt, mkStr, strPtr, mkArr, arrPush, arrGet, mkObj, objPut, objGet,
  mkSet, setAdd, setHas, objKey, objVal, numKind, intVal, isIntegral, isOpaInt, asI64, compare, equal,
  boolVal, dot, mkNull, isWideInteger, numTextPtr, numTextLen,
} from "./value";
import { fail } from "./mem";
import { hasIntegerDigits, wideAdd, wideMul, wideRem } from "./wide";
import { dumpJSON, textLen, numberFromText } from "./json";
import { floatArith, floatAbs, floatRound, floatCeil, floatFloor, floatFold, OP_ADD, OP_SUB, OP_MUL, OP_DIV } from "./floatops";

// ---- comparison ----
export function b_equal(a: u32, b: u32): u32 { return mkBool(equal(a, b)); }
export function b_neq(a: u32, b: u32): u32 { return mkBool(!equal(a, b)); }
export function b_lt(a: u32, b: u32): u32 { return mkBool(compare(a, b) < 0); }
export function b_lte(a: u32, b: u32): u32 { return mkBool(compare(a, b) <= 0); }
export function b_gt(a: u32, b: u32): u32 { return mkBool(compare(a, b) > 0); }
export function b_gte(a: u32, b: u32): u32 { return mkBool(compare(a, b) >= 0); }

// ---- arithmetic ----
function bothInts(a: u32, b: u32): bool {
  return tagOf(a) == T_NUM && tagOf(b) == T_NUM && numKind(a) == N_INT && numKind(b) == N_INT;
}
function bothNums(a: u32, b: u32): bool { return tagOf(a) == T_NUM && tagOf(b) == T_NUM; }

const WIDE_MSG = memory.data<u8>([
  // "integer arithmetic beyond 64 bits is not supported by this engine"
  105, 110, 116, 101, 103, 101, 114, 32, 97, 114, 105, 116, 104, 109, 101, 116, 105, 99, 32, 98, 101, 121, 111, 110, 100, 32,
  54, 52, 32, 98, 105, 116, 115, 32, 105, 115, 32, 110, 111, 116, 32, 115, 117, 112, 112, 111, 114, 116, 101, 100, 32, 98,
  121, 32, 116, 104, 105, 115, 32, 101, 110, 103, 105, 110, 101, 0]);

/**
 * OPA computes with integers of any width. +, -, * and % of integers are exact here too (wide.ts),
 * and non-integers go through OPA's 64-bit big.Float (floatops.ts). % of an integral float past 2^53
 * (a float without digits) has no exact form here: the evaluation stops with an error (the engine
 * fails closed) instead of answering differently.
 */
function refuseWide(a: u32, b: u32): void {
  if (isWideInteger(a) || (b != 0 && isWideInteger(b))) fail(<usize>WIDE_MSG);
}
function bothIntegerDigits(a: u32, b: u32): bool { return hasIntegerDigits(a) && hasIntegerDigits(b); }

export function b_plus(a: u32, b: u32): u32 {
  if (!bothNums(a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intVal(a), y = intVal(b), r = x + y;
    if (((x ^ r) & (y ^ r)) >= 0) return mkInt(r);
  }
  if (bothIntegerDigits(a, b)) return wideAdd(a, b, false);
  return floatArith(a, b, OP_ADD);
}

export function b_minus(a: u32, b: u32): u32 {
  if (tagOf(a) == T_SET && tagOf(b) == T_SET) return setDiff(a, b);
  if (!bothNums(a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intVal(a), y = intVal(b), r = x - y;
    if (((x ^ y) & (x ^ r)) >= 0) return mkInt(r);
  }
  if (bothIntegerDigits(a, b)) return wideAdd(a, b, true);
  return floatArith(a, b, OP_SUB);
}

export function b_mul(a: u32, b: u32): u32 {
  if (!bothNums(a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intVal(a), y = intVal(b);
    const ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
    if (ax < 3037000499 && ay < 3037000499) return mkInt(x * y);
    const r = x * y;
    if (x != 0 && !(x == -1 && y == i64.MIN_VALUE) && r / x == y) return mkInt(r);
  }
  if (bothIntegerDigits(a, b)) return wideMul(a, b);
  return floatArith(a, b, OP_MUL);
}

/**
 * OPA: an int quotient only when both are ints, the dividend is not zero and the divisor divides it
 * (its int32 window gives the same ints); anything else is a float quotient, so 0 / -2 is -0.
 */
export function b_div(a: u32, b: u32): u32 {
  if (!bothNums(a, b)) return 0;
  if (bothInts(a, b)) {
    const x = intVal(a), y = intVal(b);
    if (y == 0) return 0;
    if (x != 0 && !(x == i64.MIN_VALUE && y == -1) && x % y == 0) return mkInt(x / y);
  }
  return floatArith(a, b, OP_DIV);
}

/** Integers only: exact at any width (OPA's opRem); a zero divisor or a non-integer is undefined. */
export function b_rem(a: u32, b: u32): u32 {
  if (!bothNums(a, b)) return 0;
  if (bothIntegerDigits(a, b) && (numKind(a) != N_INT || numKind(b) != N_INT)) return wideRem(a, b);
  refuseWide(a, b);
  if (!isIntegral(a) || !isIntegral(b)) return 0;
  const y = asI64(b);
  if (y == 0) return 0;
  return mkInt(asI64(a) % y);
}

/** Ints as they are (abs negates: every i64 but the least is exact either way); the rest via floats, as OPA. */
export function b_abs(a: u32): u32 {
  if (tagOf(a) != T_NUM) return 0;
  if (numKind(a) == N_INT && intVal(a) != i64.MIN_VALUE) return mkInt(intVal(a) < 0 ? -intVal(a) : intVal(a));
  return floatAbs(a);
}
// round, ceil and floor keep every i64 (OPA's float path gives the same integer for them).
export function b_round(a: u32): u32 { return tagOf(a) != T_NUM ? 0 : (numKind(a) == N_INT ? a : floatRound(a)); }
export function b_ceil(a: u32): u32 { return tagOf(a) != T_NUM ? 0 : (numKind(a) == N_INT ? a : floatCeil(a)); }
export function b_floor(a: u32): u32 { return tagOf(a) != T_NUM ? 0 : (numKind(a) == N_INT ? a : floatFloor(a)); }

// ---- sets ----
function setDiff(a: u32, b: u32): u32 {
  const s = mkSet(lenOf(a));
  for (let i: u32 = 0; i < lenOf(a); i++) { const x = arrGet(a, i); if (!setHas(b, x)) setAdd(s, x); }
  return s;
}
export function b_or(a: u32, b: u32): u32 {
  if (tagOf(a) != T_SET || tagOf(b) != T_SET) return 0;
  const s = mkSet(lenOf(a) + lenOf(b));
  for (let i: u32 = 0; i < lenOf(a); i++) setAdd(s, arrGet(a, i));
  for (let i: u32 = 0; i < lenOf(b); i++) setAdd(s, arrGet(b, i));
  return s;
}
export function b_and(a: u32, b: u32): u32 {
  if (tagOf(a) != T_SET || tagOf(b) != T_SET) return 0;
  const s = mkSet(lenOf(a));
  for (let i: u32 = 0; i < lenOf(a); i++) { const x = arrGet(a, i); if (setHas(b, x)) setAdd(s, x); }
  return s;
}
export function b_union(a: u32): u32 {
  if (tagOf(a) != T_SET) return 0;
  const s = mkSet(4);
  for (let i: u32 = 0; i < lenOf(a); i++) {
    const x = arrGet(a, i);
    if (tagOf(x) != T_SET) return 0;
    for (let j: u32 = 0; j < lenOf(x); j++) setAdd(s, arrGet(x, j));
  }
  return s;
}
export function b_intersection(a: u32): u32 {
  if (tagOf(a) != T_SET) return 0;
  if (lenOf(a) == 0) return mkSet(0);
  let acc = arrGet(a, 0);
  if (tagOf(acc) != T_SET) return 0;
  for (let i: u32 = 1; i < lenOf(a); i++) {
    const x = arrGet(a, i);
    if (tagOf(x) != T_SET) return 0;
    acc = b_and(acc, x);
  }
  return acc;
}

// ---- aggregates ----
function runeCount(s: u32): u32 {
  const p = strPtr(s), n = lenOf(s);
  let c: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) c++;
  return c;
}
export function b_count(a: u32): u32 {
  const t = tagOf(a);
  if (t == T_STR) return mkInt(runeCount(a));
  if (t == T_ARR || t == T_OBJ || t == T_SET) return mkInt(lenOf(a));
  return 0;
}
function isColl(a: u32): bool { const t = tagOf(a); return t == T_ARR || t == T_SET; }
/** Whether every element is a number and an integer: then sum and product are exact. */
function allIntegers(a: u32): bool {
  for (let i: u32 = 0; i < lenOf(a); i++) { const x = arrGet(a, i); if (tagOf(x) != T_NUM || !hasIntegerDigits(x)) return false; }
  return true;
}
export function b_sum(a: u32): u32 {
  if (!isColl(a)) return 0;
  if (!allIntegers(a)) return floatFold(a, false);
  let acc = mkInt(0);
  for (let i: u32 = 0; i < lenOf(a); i++) { acc = b_plus(acc, arrGet(a, i)); if (acc == 0) return 0; }
  return acc;
}
export function b_product(a: u32): u32 {
  if (!isColl(a)) return 0;
  if (!allIntegers(a)) return floatFold(a, true);
  let acc = mkInt(1);
  for (let i: u32 = 0; i < lenOf(a); i++) { acc = b_mul(acc, arrGet(a, i)); if (acc == 0) return 0; }
  return acc;
}
export function b_max(a: u32): u32 {
  if (!isColl(a) || lenOf(a) == 0) return 0;
  let m = arrGet(a, 0);
  for (let i: u32 = 1; i < lenOf(a); i++) if (compare(arrGet(a, i), m) > 0) m = arrGet(a, i);
  return m;
}
export function b_min(a: u32): u32 {
  if (!isColl(a) || lenOf(a) == 0) return 0;
  let m = arrGet(a, 0);
  for (let i: u32 = 1; i < lenOf(a); i++) if (compare(arrGet(a, i), m) < 0) m = arrGet(a, i);
  return m;
}
export function b_sort(a: u32): u32 {
  if (!isColl(a)) return 0;
  const n = lenOf(a);
  const r = mkArr(n);
  if (tagOf(a) == T_SET) { for (let i: u32 = 0; i < n; i++) arrPush(r, arrGet(a, i)); return r; }
  for (let i: u32 = 0; i < n; i++) arrPush(r, arrGet(a, i));
  const e = load<u32>(r, 12);
  // insertion sort with binary search: stable, in place
  for (let i: u32 = 1; i < n; i++) {
    const x = load<u32>(e + (i << 2));
    let lo: u32 = 0, hi: u32 = i;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (compare(load<u32>(e + (mid << 2)), x) <= 0) lo = mid + 1; else hi = mid; }
    if (lo < i) { memory.copy(e + ((lo + 1) << 2), e + (lo << 2), (i - lo) << 2); store<u32>(e + (lo << 2), x); }
  }
  return r;
}
export function b_all(a: u32): u32 {
  if (!isColl(a)) return 0;
  for (let i: u32 = 0; i < lenOf(a); i++) { const x = arrGet(a, i); if (!(tagOf(x) == T_BOOL && boolVal(x))) return mkBool(false); }
  return mkBool(true);
}
export function b_any(a: u32): u32 {
  if (!isColl(a)) return 0;
  for (let i: u32 = 0; i < lenOf(a); i++) { const x = arrGet(a, i); if (tagOf(x) == T_BOOL && boolVal(x)) return mkBool(true); }
  return mkBool(false);
}

// ---- membership ----
export function b_internal_member_2(x: u32, c: u32): u32 {
  const t = tagOf(c);
  if (t == T_SET) return mkBool(setHas(c, x));
  if (t == T_ARR) { for (let i: u32 = 0; i < lenOf(c); i++) if (equal(arrGet(c, i), x)) return mkBool(true); return mkBool(false); }
  if (t == T_OBJ) { for (let i: u32 = 0; i < lenOf(c); i++) if (equal(objVal(c, i), x)) return mkBool(true); return mkBool(false); }
  return mkBool(false);
}
export function b_internal_member_3(k: u32, v: u32, c: u32): u32 {
  const t = tagOf(c);
  if (t == T_ARR || t == T_OBJ) { const x = dot(c, k); return mkBool(x != 0 && equal(x, v)); }
  if (t == T_SET) return mkBool(equal(k, v) && setHas(c, k));
  return mkBool(false);
}

// ---- types ----
export function b_is_string(a: u32): u32 { return mkBool(tagOf(a) == T_STR); }
export function b_is_number(a: u32): u32 { return mkBool(tagOf(a) == T_NUM); }
export function b_is_boolean(a: u32): u32 { return mkBool(tagOf(a) == T_BOOL); }
export function b_is_array(a: u32): u32 { return mkBool(tagOf(a) == T_ARR); }
export function b_is_object(a: u32): u32 { return mkBool(tagOf(a) == T_OBJ); }
export function b_is_set(a: u32): u32 { return mkBool(tagOf(a) == T_SET); }
export function b_is_null(a: u32): u32 { return mkBool(tagOf(a) == T_NULL); }

function lit(s: string): u32 {
  // Only called with short ASCII names below; copies from the static UTF-16 literal.
  const n = <u32>s.length;
  const p = alloc(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(p + i, <u8>s.charCodeAt(<i32>i));
  return mkStr(p, n);
}
export function b_type_name(a: u32): u32 {
  switch (tagOf(a)) {
    case T_NULL: return lit("null");
    case T_BOOL: return lit("boolean");
    case T_NUM: return lit("number");
    case T_STR: return lit("string");
    case T_ARR: return lit("array");
    case T_OBJ: return lit("object");
    default: return lit("set");
  }
}

export function b_to_number(a: u32): u32 {
  const t = tagOf(a);
  if (t == T_NUM) return a;
  if (t == T_NULL) return mkInt(0);
  if (t == T_BOOL) return mkInt(boolVal(a) ? 1 : 0);
  if (t != T_STR || lenOf(a) == 0) return 0;
  if (!validNumber(strPtr(a), lenOf(a))) return 0;
  return numberFromText(strPtr(a), lenOf(a));
}

function isDigit(c: u32): bool { return c >= 48 && c <= 57; }
function validNumber(p: u32, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 45 || load<u8>(p) == 43)) i++;
  let d = 0;
  while (i < n && isDigit(load<u8>(p + i))) { i++; d++; }
  if (i < n && load<u8>(p + i) == 46) { i++; while (i < n && isDigit(load<u8>(p + i))) { i++; d++; } }
  if (d == 0) return false;
  if (i < n && (load<u8>(p + i) == 101 || load<u8>(p + i) == 69)) {
    i++;
    if (i < n && (load<u8>(p + i) == 45 || load<u8>(p + i) == 43)) i++;
    let e = 0;
    while (i < n && isDigit(load<u8>(p + i))) { i++; e++; }
    if (e == 0) return false;
  }
  return i == n && load<u8>(p) != 43;
}

// ---- strings ----
function isStr(a: u32): bool { return tagOf(a) == T_STR; }
function findBytes(hp: u32, hn: u32, np: u32, nn: u32, from: u32): i32 {
  if (nn == 0) return <i32>from;
  if (nn > hn) return -1;
  for (let i = from; i + nn <= hn; i++) if (memory.compare(hp + i, np, nn) == 0) return <i32>i;
  return -1;
}
export function b_contains(a: u32, b: u32): u32 {
  if (!isStr(a) || !isStr(b)) return 0;
  return mkBool(findBytes(strPtr(a), lenOf(a), strPtr(b), lenOf(b), 0) >= 0);
}
export function b_startswith(a: u32, b: u32): u32 {
  if (!isStr(a) || !isStr(b)) return 0;
  return mkBool(lenOf(b) <= lenOf(a) && memory.compare(strPtr(a), strPtr(b), lenOf(b)) == 0);
}
export function b_endswith(a: u32, b: u32): u32 {
  if (!isStr(a) || !isStr(b)) return 0;
  return mkBool(lenOf(b) <= lenOf(a) && memory.compare(strPtr(a) + lenOf(a) - lenOf(b), strPtr(b), lenOf(b)) == 0);
}
function concatBytes(ap: u32, an: u32, bp: u32, bn: u32): u32 {
  const p = alloc(an + bn);
  copyBytes(p, ap, an);
  copyBytes(p + an, bp, bn);
  return mkStr(p, an + bn);
}

export function b_concat(d: u32, c: u32): u32 {
  if (!isStr(d) || !isColl(c)) return 0;
  let total: u32 = 0;
  const n = lenOf(c);
  for (let i: u32 = 0; i < n; i++) { const x = arrGet(c, i); if (!isStr(x)) return 0; total += lenOf(x); }
  if (n > 0) total += lenOf(d) * (n - 1);
  const p = alloc(total);
  let o: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) { copyBytes(p + o, strPtr(d), lenOf(d)); o += lenOf(d); }
    const x = arrGet(c, i);
    copyBytes(p + o, strPtr(x), lenOf(x));
    o += lenOf(x);
  }
  return mkStr(p, total);
}

/** Byte offset of rune index r (clamped to the end). */
function runeOffset(p: u32, n: u32, r: i64): u32 {
  let i: u32 = 0;
  let k: i64 = 0;
  while (i < n && k < r) { i++; while (i < n && (load<u8>(p + i) & 0xc0) == 0x80) i++; k++; }
  return i;
}
export function b_substring(s: u32, start: u32, len: u32): u32 {
  if (!isStr(s) || tagOf(start) != T_NUM || tagOf(len) != T_NUM || !isOpaInt(start) || !isOpaInt(len)) return 0;
  const st = asI64(start), ln = asI64(len);
  if (st < 0) return 0;
  const p = strPtr(s), n = lenOf(s);
  const b0 = runeOffset(p, n, st);
  const b1 = ln < 0 ? n : b0 + runeOffset(p + b0, n - b0, ln);
  return mkStr(p + b0, b1 - b0);
}
export function b_indexof(s: u32, sub: u32): u32 {
  if (!isStr(s) || !isStr(sub)) return 0;
  const i = findBytes(strPtr(s), lenOf(s), strPtr(sub), lenOf(sub), 0);
  if (i < 0) return mkInt(-1);
  let r: i64 = 0;
  for (let j: u32 = 0; j < <u32>i; j++) if ((load<u8>(strPtr(s) + j) & 0xc0) != 0x80) r++;
  return mkInt(r);
}
function inCutset(c: u32, cut: u32): bool {
  const p = strPtr(cut);
  for (let i: u32 = 0; i < lenOf(cut); i++) if (load<u8>(p + i) == c) return true;
  return false;
}
function trimImpl(s: u32, cut: u32, left: bool, right: bool): u32 {
  if (!isStr(s) || !isStr(cut)) return 0;
  const p = strPtr(s);
  let a: u32 = 0, b = lenOf(s);
  if (left) while (a < b && inCutset(load<u8>(p + a), cut)) a++;
  if (right) while (b > a && inCutset(load<u8>(p + b - 1), cut)) b--;
  return mkStr(p + a, b - a);
}
export function b_trim(s: u32, c: u32): u32 { return trimImpl(s, c, true, true); }
export function b_trim_left(s: u32, c: u32): u32 { return trimImpl(s, c, true, false); }
export function b_trim_right(s: u32, c: u32): u32 { return trimImpl(s, c, false, true); }
export function b_trim_space(s: u32): u32 {
  if (!isStr(s)) return 0;
  return trimImpl(s, mkStr(<u32>memory.data<u8>([32, 9, 10, 13, 11, 12]), 6), true, true);
}
export function b_trim_prefix(s: u32, pre: u32): u32 {
  if (!isStr(s) || !isStr(pre)) return 0;
  if (lenOf(pre) <= lenOf(s) && memory.compare(strPtr(s), strPtr(pre), lenOf(pre)) == 0) return mkStr(strPtr(s) + lenOf(pre), lenOf(s) - lenOf(pre));
  return s;
}
export function b_trim_suffix(s: u32, suf: u32): u32 {
  if (!isStr(s) || !isStr(suf)) return 0;
  const n = lenOf(s), m = lenOf(suf);
  if (m <= n && memory.compare(strPtr(s) + n - m, strPtr(suf), m) == 0) return mkStr(strPtr(s), n - m);
  return s;
}
export function b_split(s: u32, d: u32): u32 {
  if (!isStr(s) || !isStr(d)) return 0;
  const r = mkArr(4);
  const p = strPtr(s), n = lenOf(s), dn = lenOf(d);
  if (dn == 0) {
    // Go's strings.Split with an empty separator splits after each UTF-8 sequence.
    let i: u32 = 0;
    while (i < n) { let j = i + 1; while (j < n && (load<u8>(p + j) & 0xc0) == 0x80) j++; arrPush(r, mkStr(p + i, j - i)); i = j; }
    return r;
  }
  let start: u32 = 0;
  for (;;) {
    const i = findBytes(p, n, strPtr(d), dn, start);
    if (i < 0) break;
    arrPush(r, mkStr(p + start, <u32>i - start));
    start = <u32>i + dn;
  }
  arrPush(r, mkStr(p + start, n - start));
  return r;
}
// ---- objects and arrays ----
export function b_object_get(o: u32, k: u32, d: u32): u32 {
  if (tagOf(o) != T_OBJ) return 0;
  if (tagOf(k) == T_ARR) {
    let cur = o;
    for (let i: u32 = 0; i < lenOf(k); i++) {
      const t = tagOf(cur);
      if (t != T_OBJ && t != T_ARR && t != T_SET) return d;
      cur = dot(cur, arrGet(k, i));
      if (cur == 0) return d;
    }
    return cur;
  }
  const v = objGet(o, k);
  return v == 0 ? d : v;
}
export function b_array_concat(a: u32, b: u32): u32 {
  if (tagOf(a) != T_ARR || tagOf(b) != T_ARR) return 0;
  const r = mkArr(lenOf(a) + lenOf(b));
  for (let i: u32 = 0; i < lenOf(a); i++) arrPush(r, arrGet(a, i));
  for (let i: u32 = 0; i < lenOf(b); i++) arrPush(r, arrGet(b, i));
  return r;
}
export function b_array_slice(a: u32, s: u32, e: u32): u32 {
  if (tagOf(a) != T_ARR || tagOf(s) != T_NUM || tagOf(e) != T_NUM || !isOpaInt(s) || !isOpaInt(e)) return 0;
  const n = <i64>lenOf(a);
  let x = asI64(s), y = asI64(e);
  if (x < 0) x = 0;
  if (y > n) y = n;
  const r = mkArr(4);
  for (let i = x; i < y; i++) arrPush(r, arrGet(a, <u32>i));
  return r;
}
export function b_array_reverse(a: u32): u32 {
  if (tagOf(a) != T_ARR) return 0;
  const n = lenOf(a);
  const r = mkArr(n);
  for (let i: u32 = 0; i < n; i++) arrPush(r, arrGet(a, n - 1 - i));
  return r;
}
export function b_json_marshal(a: u32): u32 {
  const t = dumpJSON(a);
  return mkStr(t, textLen(t));
}
export function b_object_keys(o: u32): u32 {
  if (tagOf(o) != T_OBJ) return 0;
  const s = mkSet(lenOf(o));
  for (let i: u32 = 0; i < lenOf(o); i++) setAdd(s, objKey(o, i));
  return s;
}
export function b_print(): u32 { return mkBool(true); }

export { mkNull, mkObj, objPut, concatBytes };

// ---- compiler-internal helpers (not Rego built-ins) ----

/** The object under key k of o, inserting an empty one when missing (nested partial-object heads). */
export function b_regoc_object_child(o: u32, k: u32): u32 {
  const cur = objGet(o, k);
  if (cur != 0) return tagOf(cur) == T_OBJ ? cur : 0;
  const c = mkObj(4);
  objPut(o, k, c);
  return c;
}

const LEAF_CONFLICT_MSG = memory.data<u8>([
  // "multi-value rule with variables in its ref: a key holds both a set and an object"
  109, 117, 108, 116, 105, 45, 118, 97, 108, 117, 101, 32, 114, 117, 108, 101, 32, 119, 105, 116, 104, 32, 118, 97, 114, 105, 97, 98, 108, 101, 115, 32, 105, 110, 32, 105, 116, 115, 32, 114, 101, 102, 58, 32, 97, 32, 107, 101, 121, 32, 104, 111, 108, 100, 115, 32, 98, 111, 116, 104, 32, 97, 32, 115, 101, 116, 32, 97, 110, 100, 32, 97, 110, 32, 111, 98, 106, 101, 99, 116, 0]);

/**
 * Multi-value rules with variables in their ref (`p[x][y] contains z`): the object, or at the
 * last key the set, under key k of o, inserted when missing. A key that already holds the other
 * kind stops the evaluation rather than drop the element.
 */
export function b_regoc_multi_object_child(o: u32, k: u32): u32 {
  const cur = objGet(o, k);
  if (cur != 0) {
    if (tagOf(cur) != T_OBJ) fail(<usize>LEAF_CONFLICT_MSG);
    return cur;
  }
  const c = mkObj(4);
  objPut(o, k, c);
  return c;
}
export function b_regoc_multi_set_child(o: u32, k: u32): u32 {
  const cur = objGet(o, k);
  if (cur != 0) {
    if (tagOf(cur) != T_SET) fail(<usize>LEAF_CONFLICT_MSG);
    return cur;
  }
  const c = mkSet(4);
  objPut(o, k, c);
  return c;
}

/** A shallow copy of an object (a fresh empty object for anything else), to merge rule values into. */
export function b_regoc_object_copy(o: u32): u32 {
  if (tagOf(o) != T_OBJ) return mkObj(4);
  const n = lenOf(o);
  const c = mkObj(n);
  for (let i: u32 = 0; i < n; i++) objPut(c, objKey(o, i), objVal(o, i));
  return c;
}

/**
 * A lookup in base data. OPA's store finds paths by their text, so a number key into a stored
 * object names the key of the same digits (`data[2]` finds `{"2": ...}`); everything else is dot.
 */
export function b_regoc_data_dot(v: u32, k: u32): u32 {
  if (v == 0 || k == 0 || tagOf(v) != T_OBJ || tagOf(k) != T_NUM) return dot(v, k);
  if (numTextLen(k) > 0) return objGet(v, mkStr(numTextPtr(k), numTextLen(k)));
  if (numKind(k) != N_INT) return 0;
  const x = intVal(k);
  let u: u64 = x < 0 ? <u64>(-x) : <u64>x;
  const buf = alloc(21);
  let n: u32 = 0;
  do { store<u8>(buf + 20 - n, <u8>(48 + <u32>(u % 10))); u /= 10; n++; } while (u > 0);
  if (x < 0) { store<u8>(buf + 20 - n, 45); n++; }
  return objGet(v, mkStr(buf + 21 - n, n));
}

/** The value itself when it is an array, object or set; undefined otherwise (`every` domains). */
export function b_regoc_iterable(v: u32): u32 {
  const t = tagOf(v);
  return t == T_ARR || t == T_OBJ || t == T_SET ? v : 0;
}
