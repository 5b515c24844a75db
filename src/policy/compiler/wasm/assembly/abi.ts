// The generic half of OPA's Wasm ABI; the generated entry file adds builtins(), entrypoints(),
// opa_eval and eval, which need the compiled plans.
import { alloc, heapGet, heapSet } from "./mem";
import { parseJSON, dumpJSON, setHostMode } from "./json";
import { mkObj, mkSet, objPut, setAdd, mkStr } from "./value";

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;

export function opa_malloc(n: u32): u32 { return alloc(n); }
export function opa_heap_ptr_get(): u32 { return heapGet(); }
export function opa_heap_ptr_set(p: u32): void { heapSet(p); }
export function opa_json_parse(p: u32, n: u32): u32 { return parseJSON(p, n); }
/** A value in the host-mode JSON of json.ts (sets as {"\u0000set": [...]}), for harnesses that need sets in input. */
export function opa_value_parse(p: u32, n: u32): u32 {
  setHostMode(true);
  const v = parseJSON(p, n);
  setHostMode(false);
  return v;
}
export function opa_json_dump(v: u32): u32 { return dumpJSON(v); }
export function opa_value_dump(v: u32): u32 { return dumpJSON(v); }

// Old-path evaluation context: [input][data][entrypoint][result]
export function opa_eval_ctx_new(): u32 {
  const c = alloc(16);
  store<u32>(c, 0);
  store<u32>(c, 0, 4);
  store<u32>(c, 0, 8);
  store<u32>(c, 0, 12);
  return c;
}
export function opa_eval_ctx_set_input(c: u32, v: u32): void { store<u32>(c, v); }
export function opa_eval_ctx_set_data(c: u32, v: u32): void { store<u32>(c, v, 4); }
export function opa_eval_ctx_set_entrypoint(c: u32, e: i32): void { store<i32>(c, e, 8); }
export function opa_eval_ctx_get_result(c: u32): u32 { return load<u32>(c, 12); }

/** Wraps one entrypoint value into the result set `[{"result": v}]` (empty when undefined). */
export function resultSetOf(v: u32): u32 {
  const rs = mkSet(1);
  if (v == 0) return rs;
  const row = mkObj(1);
  objPut(row, mkStr(<u32>RESULT_KEY, 6), v);
  setAdd(rs, row);
  return rs;
}

const RESULT_KEY = memory.data<u8>([114, 101, 115, 117, 108, 116]);

/** Fast-path evaluation prologue: align the heap above the copied input and parse it. */
export function evalPrologue(inputAddr: u32, inputLen: u32, heapPtr: u32): u32 {
  heapSet((heapPtr + 7) & ~7);
  // A host built-in that threw left the previous evaluation in host mode.
  setHostMode(false);
  if (inputLen == 0) return 0;
  return parseJSON(inputAddr, inputLen);
}
