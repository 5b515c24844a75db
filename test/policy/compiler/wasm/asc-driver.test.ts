import { expect } from 'chai';
import { BackendError, compileAssemblyScript } from '../../../../src/policy/compiler/wasm/asc-driver.js';

describe('asc driver (AssemblyScript in a child process)', function () {
  // The first compilation starts the asc process and loads the toolchain.
  this.timeout(300_000);

  it('reports an AssemblyScript error as a BackendError carrying asc\'s message', async () => {
    let caught: unknown;
    try {
      await compileAssemblyScript('export function f(): u32 { return notDeclaredAnywhere; }\n', false);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(BackendError);
    expect((caught as Error).message).to.contain('assemblyscript compilation failed').and.to.contain('notDeclaredAnywhere');
  });

  it('keeps compiling after a failed compilation, and compiles concurrent requests one by one', async () => {
    const source = (n: number): string => `export function f(): u32 { return ${n}; }\n`;
    const results = await Promise.allSettled([
      compileAssemblyScript('export function broken(): u32 { return nope; }\n', false),
      compileAssemblyScript(source(1), false),
      compileAssemblyScript(source(2), true),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'fulfilled', 'fulfilled']);
    for (const r of results.slice(1)) {
      const wasm = (r as PromiseFulfilledResult<Uint8Array>).value;
      expect([...wasm.slice(0, 4)]).to.deep.equal([0, 0x61, 0x73, 0x6d]);
    }
  });
});
