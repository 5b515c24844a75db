import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../paths.js';

/** The AssemblyScript runtime sources, read once per process (dist/ does not contain them). */
const RUNTIME_DIR = join(PACKAGE_ROOT, 'src', 'policy', 'compiler', 'wasm', 'assembly');
let runtimeSources: Map<string, string> | undefined;

function runtime(): Map<string, string> {
  if (runtimeSources) return runtimeSources;
  const files = new Map<string, string>();
  for (const name of readdirSync(RUNTIME_DIR)) {
    if (name.endsWith('.ts')) files.set(name, readFileSync(join(RUNTIME_DIR, name), 'utf8'));
  }
  runtimeSources = files;
  return files;
}

type AscModule = typeof import('assemblyscript/asc');
let ascModule: Promise<AscModule> | undefined;

function loadAsc(): Promise<AscModule> {
  ascModule ??= import('assemblyscript/asc');
  return ascModule;
}

export class BackendError extends Error {}

const ENTRY = 'policy_entry.ts';

// asc keeps compiler state in module globals (binaryen), so runs in one process are serialised.
let queue: Promise<unknown> = Promise.resolve();

/** Compiles the generated entry file together with the runtime, in memory, in this process. */
export function compileAssemblyScript(entrySource: string, optimize: boolean): Promise<Uint8Array> {
  const run = queue.then(() => compileNow(entrySource, optimize));
  queue = run.catch(() => undefined);
  return run;
}

async function compileNow(entrySource: string, optimize: boolean): Promise<Uint8Array> {
  const asc = await loadAsc();
  const files = runtime();
  let wasm: Uint8Array | undefined;
  const stderr: string[] = [];
  const args = [
    ENTRY, '-o', 'policy.wasm', '--importMemory', '--noExportMemory', '--runtime', 'stub', '--noAssert',
    '--use', 'abort=', ...(optimize ? ['-O3'] : ['-O0']),
  ];
  const result = await asc.default.main(args, {
    readFile: (name: string) => (name === ENTRY ? entrySource : files.get(name) ?? null),
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    stdout: { write: () => true } as never,
    stderr: { write: (s: string | Uint8Array) => { stderr.push(String(s)); return true; } } as never,
  });
  if (result.error || !wasm) {
    throw new BackendError('assemblyscript compilation failed: ' + (result.error?.message ?? '') + '\n' + stderr.join(''));
  }
  return wasm;
}
