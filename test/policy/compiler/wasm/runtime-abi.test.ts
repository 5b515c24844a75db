import { expect } from 'chai';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { Program } from '../../../../src/policy/compiler/ir/types.js';
import { generateAssemblyScript } from '../../../../src/policy/compiler/wasm/backend.js';
import { compileAssemblyScript } from '../../../../src/policy/compiler/wasm/asc-driver.js';

const L = (local: number) => ({ kind: 'local' as const, local });

/** The slice of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmModuleApi {
  compile(bytes: Uint8Array): Promise<object>;
  Module: {
    imports(m: object): { module: string; name: string }[];
    exports(m: object): { name: string }[];
  };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmModuleApi }).WebAssembly;
type WithMemory = { mem: { buffer: ArrayBuffer } };

/** A hand-written IR program: entrypoint `echo` returns input.x (the runtime's JSON round trip). */
const echo: Program = {
  hostBuiltins: [],
  funcs: [],
  plans: [{
    name: 'echo',
    func: {
      name: 'plan', params: [0, 1], locals: 5, result: 2,
      body: {
        stmts: [
          { op: 'dot', source: L(0), key: { kind: 'const', value: { type: 'string', value: 'x' } }, target: 2 },
          { op: 'makeObject', target: 3 },
          { op: 'objectInsert', object: 3, key: { kind: 'const', value: { type: 'string', value: 'result' } }, value: L(2), once: false },
          { op: 'resultSetAdd', value: 3 },
        ],
      },
    },
  }],
};

describe('wasm runtime and ABI', () => {
  let wasm: Uint8Array;
  before(async function () {
    // The first compilation loads the AssemblyScript compiler (several seconds on a busy machine).
    this.timeout(300_000);
    wasm = await compileAssemblyScript(generateAssemblyScript(echo), false);
  });

  it('imports only what the SDK provides and exports ABI 1.2', async () => {
    const mod = await wasmApi.compile(wasm);
    const imports = wasmApi.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
    for (const name of imports) expect(name).to.match(/^env\.(memory|opa_abort|opa_println|opa_builtin[0-4])$/);
    const exports = wasmApi.Module.exports(mod).map((e) => e.name);
    expect(exports).to.include.members(['opa_eval', 'builtins', 'entrypoints', 'opa_json_dump', 'opa_json_parse', 'opa_malloc', 'opa_heap_ptr_get', 'opa_heap_ptr_set']);
    const policy = await loadPolicy(wasm);
    expect(policy.entrypoints).to.deep.equal({ echo: 0 });
  });

  it('round-trips JSON values exactly through the fast path', async () => {
    const policy = await loadPolicy(wasm);
    const value = { b: [1, 2.5, 'é"\n\u0001', null, true, { z: 1, a: -2 }], big: 12345678901234567, e: 1e-9, s: '' };
    expect(policy.evaluate({ x: value }, 'echo')).to.deep.equal([{ result: value }]);
  });

  it('sorts object keys however they arrive, keeps the last of duplicate keys, and copies long strings', async () => {
    const policy = await loadPolicy(wasm);
    // 40 keys in reverse order: every insert shifts the keys before it (short and long shifts).
    const reversed = Array.from({ length: 40 }, (_, i) => `"k${String(39 - i).padStart(2, '0')}":${i}`).join(',');
    const long = 'x'.repeat(200);
    const text = `{"x":{${reversed},"dup":1,"dup":2,"long":"${long}","\u00e9":"é","":0}}`;
    const rows = policy.evaluate(new TextEncoder().encode(text).buffer, 'echo') as { result: Record<string, unknown> }[];
    const keys = Object.keys(rows[0]!.result);
    expect(keys).to.deep.equal([...keys].sort());
    expect(keys).to.have.length(44);
    expect(rows[0]!.result.k00).to.equal(39);
    expect(rows[0]!.result.dup).to.equal(2);
    expect(rows[0]!.result.long).to.equal(long);
    expect(rows[0]!.result['é']).to.equal('é');
  });

  it('returns an empty result set when the entrypoint is undefined', async () => {
    const policy = await loadPolicy(wasm);
    expect(policy.evaluate({ y: 1 }, 'echo')).to.deep.equal([]);
  });

  it('keeps the heap bounded across many evaluations', async () => {
    const policy = await loadPolicy(wasm);
    const input = { x: { list: Array.from({ length: 200 }, (_, i) => ({ i, name: `n${i}` })) } };
    policy.evaluate(input, 'echo');
    const pages = (policy as unknown as WithMemory).mem.buffer.byteLength;
    for (let i = 0; i < 300; i++) policy.evaluate(input, 'echo');
    expect((policy as unknown as WithMemory).mem.buffer.byteLength).to.equal(pages);
  });

  it('survives setData and evaluates with the old path (ABI minor < 2)', async () => {
    const policy = await loadPolicy(wasm);
    policy.setData({ a: 1 });
    expect(policy.evaluate({ x: 'after data' }, 'echo')).to.deep.equal([{ result: 'after data' }]);
    (policy as unknown as { minorVersion: number }).minorVersion = 1;
    expect(policy.evaluate({ x: [1, { k: 'v' }] }, 'echo')).to.deep.equal([{ result: [1, { k: 'v' }] }]);
  });
});
