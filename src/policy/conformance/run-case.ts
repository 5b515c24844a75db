import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { parseTerm } from '../compiler/parser/index.js';
import { isRegoSet, termToValue, toJSON, type Value } from '../compiler/ast/index.js';
import { compilePolicy } from '../compiler/index.js';
import { hostBuiltins } from '../builtins/index.js';
import { describeThrown } from '../engine/errors.js';
import { inputProjection, projectInput } from '../engine/index.js';
import type { RawCase } from './cases.js';
import { diffResults } from './compare.js';
import { exactJsonText, jsonBuffer } from './exact-json.js';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

/**
 * How a case failed. `wrong`: the policy compiled, ran and answered differently from OPA (the one
 * kind a policy engine must never show). `refused`: the compiler rejected the policy with a located
 * error (the clean refusal). `error`: it compiled but evaluation stopped with an error (the engine
 * fails closed on those; not a wrong answer, but not a clean refusal either).
 */
export type FailureKind = 'wrong' | 'refused' | 'error';

export interface CaseOutcome {
  status: CaseStatus;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Set on failed outcomes. */
  failure?: FailureKind;
}

const QUERY = 'conformance/query';
const CONFLICT = /var assignment conflict|object insert conflict|eval_conflict_error/i;

/**
 * The case's input cut down to what the module reads, as the engine does in production: every case
 * thereby also checks that the compiler's list of input paths misses nothing the policy looks at.
 */
function inputBuffer(c: RawCase, inputPaths: string[][]): ArrayBuffer | undefined {
  const projection = inputProjection(inputPaths);
  const keep = (value: unknown): unknown => (projection === undefined ? value : projectInput(value, projection));
  if (typeof c.input_term === 'string') return jsonBuffer(JSON.stringify(keep(toJSON(termToValue(parseTerm(c.input_term))))));
  if (c.input === undefined) return undefined;
  return jsonBuffer(exactJsonText(keep(c.input)));
}

/** What the case expects, following the README's rules for OPA's wasm target. */
type Expectation =
  | { kind: 'rows'; rows: Array<Record<string, unknown>> }
  | { kind: 'empty'; lenient?: Array<Record<string, unknown>> }
  | { kind: 'conflict' }
  | { kind: 'invalid' };

/**
 * A strict-error case that also states `want_result` gives the answer without strict built-in
 * errors (the mode the module always runs in): that answer passes as well as the empty result.
 */
function expectation(c: RawCase): Expectation {
  const wantsError = c.want_error_code !== undefined || c.want_error !== undefined;
  if (wantsError) return c.strict_error ? { kind: 'empty', lenient: c.want_result ?? undefined } : { kind: 'conflict' };
  if (c.want_result !== undefined) return { kind: 'rows', rows: c.want_result ?? [] };
  return { kind: 'invalid' };
}

/** JSON with sets written as the module's host mode writes them (see wasm/assembly/json.ts). */
function setJson(v: Value): unknown {
  if (isRegoSet(v)) return { '\u0000set': v.items.map(setJson) };
  if (Array.isArray(v)) return v.map(setJson);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('\u0000') ? `\u0000${k}` : k, setJson(x as Value)]));
  }
  return v;
}

function holdsSet(v: Value): boolean {
  if (isRegoSet(v)) return true;
  if (Array.isArray(v)) return v.some(holdsSet);
  return v !== null && typeof v === 'object' && Object.values(v).some((x) => holdsSet(x as Value));
}

interface Exports {
  opa_heap_ptr_set(p: number): void;
  opa_malloc(n: number): number;
  opa_value_parse(p: number, n: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(c: number, v: number): void;
  opa_eval_ctx_set_data(c: number, v: number): void;
  opa_eval_ctx_set_entrypoint(c: number, e: number): void;
  opa_eval_ctx_get_result(c: number): number;
  opa_json_dump(v: number): number;
  eval(c: number): number;
}

/**
 * An `input_term` holding a set cannot cross the SDK (JSON has no sets); such an input is parsed
 * with the module's `opa_value_parse` (host-mode JSON, sets kept) and evaluated on the ABI's
 * context path, which takes a parsed input value.
 */
function evaluateWithSetInput(policy: Awaited<ReturnType<typeof loadPolicy>>, input: Value): unknown {
  const internals = policy as unknown as { wasmInstance: { exports: Exports }; mem: { buffer: ArrayBuffer }; dataAddr: number; dataHeapPtr: number; entrypoints: Record<string, number> };
  const ex = internals.wasmInstance.exports;
  ex.opa_heap_ptr_set(internals.dataHeapPtr);
  const bytes = new TextEncoder().encode(JSON.stringify(setJson(input)));
  const addr = ex.opa_malloc(bytes.length);
  new Uint8Array(internals.mem.buffer).set(bytes, addr);
  const value = ex.opa_value_parse(addr, bytes.length);
  if (value === 0) throw new Error('input_term could not be parsed by the module');
  const ctx = ex.opa_eval_ctx_new();
  ex.opa_eval_ctx_set_input(ctx, value);
  ex.opa_eval_ctx_set_data(ctx, internals.dataAddr);
  ex.opa_eval_ctx_set_entrypoint(ctx, internals.entrypoints[QUERY]!);
  ex.eval(ctx);
  const out = ex.opa_json_dump(ex.opa_eval_ctx_get_result(ctx));
  const mem = new Uint8Array(internals.mem.buffer);
  let end = out;
  while (mem[end] !== 0) end++;
  return JSON.parse(new TextDecoder().decode(mem.subarray(out, end)));
}

async function evaluate(c: RawCase): Promise<unknown[]> {
  const sources = (c.modules ?? []).map((text, i) => ({ path: `module${i}.rego`, text }));
  const compiled = await compilePolicy(sources, { queries: [{ name: QUERY, query: c.query }], optimize: false });
  const policy = await loadPolicy(compiled.wasm, undefined, { ...hostBuiltins });
  if (c.data !== undefined) policy.setData(jsonBuffer(exactJsonText(c.data)));
  const termInput = typeof c.input_term === 'string' ? termToValue(parseTerm(c.input_term)) : undefined;
  const rows = termInput !== undefined && holdsSet(termInput)
    ? evaluateWithSetInput(policy, termInput)
    : policy.evaluate(inputBuffer(c, compiled.manifest.input_paths), QUERY) as unknown;
  if (!Array.isArray(rows)) throw new Error('evaluation returned no result set');
  return rows;
}

function stage(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  return name === 'CompileError' ? 'compile error' : name === 'BackendError' ? 'backend error' : 'error';
}

function failed(failure: FailureKind, reason: string): CaseOutcome {
  return { status: 'failed', failure, reason };
}

/** Compiles, loads and evaluates one case and judges the result. Never throws. */
export async function runCase(c: RawCase): Promise<CaseOutcome> {
  const want = expectation(c);
  if (want.kind === 'invalid') return failed('error', 'case states no expected result');
  let rows: unknown[];
  try {
    rows = await evaluate(c);
  } catch (err) {
    const text = describeThrown(err);
    const where = stage(err);
    if (want.kind === 'conflict' && CONFLICT.test(text) && where === 'error') return { status: 'passed' };
    return failed(where === 'error' ? 'error' : 'refused', `${where}: ${oneLine(text)}`);
  }
  if (want.kind === 'conflict') return failed('wrong', `wrong result: expected a conflict error, got ${oneLine(JSON.stringify(rows))}`);
  if (want.kind === 'empty') {
    if (want.lenient && diffResults(rows as Array<Record<string, unknown>>, want.lenient, compareOptions(c)) === undefined) return { status: 'passed' };
    return rows.length === 0 ? { status: 'passed' } : failed('wrong', `wrong result: expected an empty result (strict error), got ${oneLine(JSON.stringify(rows))}`);
  }
  const diff = diffResults(rows as Array<Record<string, unknown>>, want.rows, compareOptions(c));
  return diff === undefined ? { status: 'passed' } : failed('wrong', `wrong result: ${diff}`);
}

function compareOptions(c: RawCase) {
  return { sortBindings: c.sort_bindings === true, ignoreGeneratedVars: c.ignore_generated_vars === true };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 400)}...` : flat;
}
