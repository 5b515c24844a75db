import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseRef } from './cases.js';
import type { CaseOutcome } from './run-case.js';

export interface PoolOptions {
  casesDir: string;
  workers: number;
  /** A case still running after this long is failed and its worker replaced. */
  caseTimeoutMs: number;
  onResult?: (ref: CaseRef, outcome: CaseOutcome) => void;
}

interface Slot {
  child: ChildProcess;
  /** Resolves when the worker has loaded the compiler and is ready for cases. */
  ready: Promise<void>;
  busy?: { id: number; ref: CaseRef; timer: NodeJS.Timeout; resolve: (o: CaseOutcome) => void };
}

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

function spawnWorker(): { child: ChildProcess; ready: Promise<void> } {
  const fromSource = WORKER.pathname.endsWith('.ts');
  const child = fork(fileURLToPath(WORKER), [], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve) => {
    const onMessage = (msg: { ready?: boolean }): void => {
      if (!msg.ready) return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    child.once('exit', () => resolve());
  });
  return { child, ready };
}

/**
 * Runs cases on `workers` child processes (each one case at a time). Child processes rather than
 * threads, so that a case that hangs or crashes takes only its own worker down.
 */
export async function runPool(refs: readonly CaseRef[], options: PoolOptions): Promise<Map<CaseRef, CaseOutcome>> {
  const results = new Map<CaseRef, CaseOutcome>();
  let next = 0;
  let jobId = 0;
  const slots: Slot[] = [];

  const finish = (slot: Slot, outcome: CaseOutcome): void => {
    const busy = slot.busy;
    if (!busy) return;
    clearTimeout(busy.timer);
    slot.busy = undefined;
    results.set(busy.ref, outcome);
    options.onResult?.(busy.ref, outcome);
    busy.resolve(outcome);
  };

  const attach = (slot: Slot): void => {
    slot.child.on('message', (msg: { id?: number; outcome?: CaseOutcome }) => {
      if (slot.busy && msg.id === slot.busy.id && msg.outcome) finish(slot, msg.outcome);
    });
    slot.child.on('exit', (code, signal) => {
      if (slot.busy) finish(slot, { status: 'failed', failure: 'error', reason: `worker exited (${signal ?? code}) while running the case` });
    });
  };

  const replace = (slot: Slot): void => {
    slot.child.removeAllListeners();
    slot.child.kill('SIGKILL');
    Object.assign(slot, spawnWorker());
    attach(slot);
  };

  const runOne = (slot: Slot, ref: CaseRef): Promise<CaseOutcome> =>
    new Promise((resolve) => {
      const id = ++jobId;
      const timer = setTimeout(() => {
        finish(slot, { status: 'failed', failure: 'error', reason: `timed out after ${options.caseTimeoutMs} ms` });
        replace(slot);
      }, options.caseTimeoutMs);
      slot.busy = { id, ref, timer, resolve };
      slot.child.send({ id, casesDir: options.casesDir, file: ref.file, index: ref.index });
    });

  const loop = async (slot: Slot): Promise<void> => {
    while (next < refs.length) {
      await slot.ready;
      // Another slot may have taken the last case while this one waited for its worker.
      if (next >= refs.length) return;
      const ref = refs[next++]!;
      await runOne(slot, ref);
      if (!slot.child.connected) replace(slot);
    }
  };

  for (let i = 0; i < Math.max(1, options.workers); i++) {
    const slot: Slot = spawnWorker();
    attach(slot);
    slots.push(slot);
  }
  try {
    await Promise.all(slots.map(loop));
  } finally {
    for (const slot of slots) {
      slot.child.removeAllListeners();
      slot.child.kill();
    }
  }
  return results;
}
