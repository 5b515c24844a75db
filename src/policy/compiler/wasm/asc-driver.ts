import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../../paths.js';
import { ASC_CHILD_SOURCE } from './asc-child-source.js';

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

export class BackendError extends Error {}

const ENTRY = 'policy_entry.ts';

interface AscReply {
  id: number;
  wasm?: Uint8Array;
  error?: string;
  stderr: string;
}

/**
 * Where asc's ESM entry is, as a file URL for the child's import(). Resolved through the package's
 * "./*" export with require.resolve, which works whether this file runs as ESM or, under tsx in
 * mocha, as CommonJS (where import.meta.resolve is missing).
 */
function ascModuleUrl(): string {
  return pathToFileURL(createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('assemblyscript/dist/asc.js')).href;
}

/** How long an idle asc process is kept for the next compile. */
const IDLE_MS = 30_000;

/** The flags of the asc process: V8's baseline compiler only (see asc-child-source.ts). */
const ASC_NODE_FLAGS = ['--liftoff-only'];

/**
 * The one asc child process of this process (see asc-child-source.ts for why asc runs apart).
 * Its handles are unref'd while it is idle, so it never keeps a finished parent alive.
 */
class AscProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private exitHook = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, { resolve: (r: AscReply) => void; reject: (e: Error) => void }>();

  /** Starts the child (it begins loading asc at once) so that a build can overlap that with its front end. */
  prepare(): void {
    this.start();
  }

  run(job: { args: string[]; entry: string; files: Record<string, string> }): Promise<AscReply> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise<AscReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold(child, true);
      child.send({ id, entryName: ENTRY, ...job }, (err) => {
        if (err) this.fail(child, err);
      });
    });
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    // NODE_OPTIONS is dropped so that a loader the parent runs under (tsx) is not loaded again.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [...ASC_NODE_FLAGS, '-e', ASC_CHILD_SOURCE, ascModuleUrl()], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      env,
    });
    child.on('message', (reply: AscReply) => this.settle(child, reply));
    child.on('error', (err) => this.fail(child, err));
    child.on('exit', (code, signal) => this.fail(child, new BackendError(`assemblyscript process exited (${signal ?? `code ${code}`})`)));
    this.child = child;
    this.hold(child, false);
    if (!this.exitHook) {
      // The child would exit on its own once the IPC channel closes; this spares it the wait.
      this.exitHook = true;
      process.once('exit', () => this.child?.kill());
    }
    return child;
  }

  /**
   * ref()s the child and its IPC channel while jobs run, unref()s them when it is idle. An idle
   * child is stopped after IDLE_MS: a gateway builds once at start and should not keep the
   * toolchain's few hundred MB, while tests and conformance compile back to back and keep it.
   */
  private hold(child: ChildProcess, busy: boolean): void {
    const channel = (child as ChildProcess & { channel?: { ref(): void; unref(): void } }).channel;
    clearTimeout(this.idleTimer);
    if (busy) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
      this.idleTimer = setTimeout(() => this.stopIdle(child), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private stopIdle(child: ChildProcess): void {
    if (this.child !== child || this.pending.size > 0) return;
    this.child = undefined;
    child.kill();
  }

  private settle(child: ChildProcess, reply: AscReply): void {
    const job = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.hold(child, false);
    job?.resolve(reply);
  }

  /** A failed child fails its jobs; the next compile starts a fresh one. */
  private fail(child: ChildProcess, err: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(err instanceof BackendError ? err : new BackendError(`assemblyscript process failed: ${err.message}`));
    child.kill();
  }
}

const ascProcess = new AscProcess();

// asc keeps compiler state in module globals (binaryen), so runs are serialised.
let queue: Promise<unknown> = Promise.resolve();

/** Starts the asc process ahead of a compile, if it is not running yet. */
export function prepareAssemblyScript(): void {
  ascProcess.prepare();
}

/** Compiles the generated entry file together with the runtime, in the asc process. */
export function compileAssemblyScript(entrySource: string, optimize: boolean): Promise<Uint8Array> {
  const run = queue.then(() => compileNow(entrySource, optimize));
  queue = run.catch(() => undefined);
  return run;
}

async function compileNow(entrySource: string, optimize: boolean): Promise<Uint8Array> {
  const args = [
    ENTRY, '-o', 'policy.wasm', '--importMemory', '--noExportMemory', '--runtime', 'stub', '--noAssert',
    '--use', 'abort=', ...(optimize ? ['-O3'] : ['-O0']),
  ];
  const result = await ascProcess.run({ args, entry: entrySource, files: Object.fromEntries(runtime()) });
  if (result.error || !result.wasm) {
    throw new BackendError('assemblyscript compilation failed: ' + (result.error ?? '') + '\n' + result.stderr);
  }
  return result.wasm;
}
