// Helpers the generated code calls for IR statements (iteration, lookups, conflicts, with).
import { fail } from "./mem";
import {
  T_BOOL, T_ARR, T_OBJ, T_SET, tagOf, lenOf, boolVal, mkInt, arrGet, objKey, objVal, dot,
  objIndexBytes, objKeyIsBytes,
  equal, objPut, objGet, mkObj, mkSet, setAdd, elems, arrPush, mkArr, mkFloatText,
} from "./value";
import { numberFromText } from "./json";

export function iterLen(v: u32): u32 {
  if (v == 0) return 0;
  const t = tagOf(v);
  return t == T_ARR || t == T_OBJ || t == T_SET ? lenOf(v) : 0;
}

export function iterKey(v: u32, i: u32): u32 {
  const t = tagOf(v);
  if (t == T_ARR) return mkInt(<i64>i);
  if (t == T_OBJ) return objKey(v, i);
  return arrGet(v, i);
}

export function iterVal(v: u32, i: u32): u32 {
  if (tagOf(v) == T_OBJ) return objVal(v, i);
  return arrGet(v, i);
}

/**
 * Lookup with a constant string key at one lookup site of the generated code: raw byte comparison
 * for objects, generic otherwise. The position where the key was last found at this site (kept in
 * the site's word of static memory at `hint`) is tried first. The objects one site looks into
 * usually share their keys (every grant has the same fields), so the guess mostly hits and skips
 * the binary search. The guess is always checked, so a wrong one only costs the search it would
 * have saved.
 */
export function dotStrAt(v: u32, p: u32, n: u32, key: u32, hint: u32): u32 {
  if (v == 0) return 0;
  if (tagOf(v) != T_OBJ) return dot(v, key);
  const guess = load<u32>(hint);
  if (guess < lenOf(v) && objKeyIsBytes(v, guess, p, n)) return objVal(v, guess);
  const i = objIndexBytes(v, p, n);
  if (i < 0) return 0;
  store<u32>(hint, <u32>i);
  return objVal(v, <u32>i);
}

export function truthy(v: u32): bool {
  if (v == 0) return false;
  return !(tagOf(v) == T_BOOL && !boolVal(v));
}

export function isType(v: u32, tag: u32, len: i32): bool {
  if (v == 0 || tagOf(v) != tag) return false;
  return len < 0 || lenOf(v) == <u32>len;
}

export function objInsertOnce(o: u32, k: u32, v: u32): void {
  const old = objGet(o, k);
  if (old != 0 && !equal(old, v)) fail(memory.data<u8>([111, 98, 106, 101, 99, 116, 32, 105, 110, 115, 101, 114, 116, 32, 99, 111, 110, 102, 108, 105, 99, 116, 0]));
  if (old == 0) objPut(o, k, v);
}

function copyObj(o: u32): u32 {
  const n = lenOf(o);
  const c = mkObj(n);
  for (let i: u32 = 0; i < n; i++) objPut(c, objKey(o, i), objVal(o, i));
  return c;
}

/** A copy of `doc` with path[from..] set to v, creating objects on the way (for `with`). */
export function upsert(doc: u32, path: u32, from: u32, v: u32): u32 {
  if (from >= lenOf(path)) return v;
  const key = arrGet(path, from);
  const base = doc != 0 && tagOf(doc) == T_OBJ ? copyObj(doc) : mkObj(4);
  const child = doc != 0 && tagOf(doc) == T_OBJ ? objGet(doc, key) : 0;
  objPut(base, key, upsert(child, path, from + 1, v));
  return base;
}

/** Host built-ins return sets as JSON arrays; turn them back into sets. */
export function arrayToSet(v: u32): u32 {
  if (v == 0 || tagOf(v) != T_ARR) return v;
  const n = lenOf(v);
  const s = mkSet(n);
  for (let i: u32 = 0; i < n; i++) setAdd(s, arrGet(v, i));
  return s;
}

export function numberConst(p: u32, n: u32): u32 {
  return numberFromText(p, n);
}

export { elems, arrPush, mkArr, mkFloatText };
