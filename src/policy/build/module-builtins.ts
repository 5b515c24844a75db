/** The slice of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The built-ins a module leaves to its host: the keys of the map its `builtins()` export returns
 * (OPA's Wasm ABI). Used to fill the manifest of builds made by an `opa` binary.
 */
export async function moduleHostBuiltins(wasm: Uint8Array): Promise<string[]> {
  const memory = new wasmApi.Memory({ initial: 5 });
  const refuse = (): never => {
    throw new Error('built-in called while listing built-ins');
  };
  const env = { memory, opa_abort: refuse, opa_println: () => undefined, opa_builtin0: refuse, opa_builtin1: refuse, opa_builtin2: refuse, opa_builtin3: refuse, opa_builtin4: refuse };
  const { instance } = await wasmApi.instantiate(wasm, { env });
  const exports = instance.exports as unknown as { builtins: () => number; opa_json_dump: (addr: number) => number };
  const textAddr = exports.opa_json_dump(exports.builtins());
  const bytes = new Uint8Array(memory.buffer);
  let end = textAddr;
  while (bytes[end] !== 0) end++;
  const map = JSON.parse(new TextDecoder().decode(bytes.subarray(textAddr, end))) as Record<string, number>;
  return Object.keys(map).sort();
}
