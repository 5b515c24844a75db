/**
 * A conformance worker process: receives `{id, casesDir, file, index}` messages from the pool,
 * runs the case and answers `{id, outcome}`. Kept warm across cases so the compiler's AssemblyScript
 * toolchain loads once per process.
 */
import { loadCaseFile } from './cases.js';
import { runCase } from './run-case.js';

interface Job {
  id: number;
  casesDir: string;
  file: string;
  index: number;
}

process.on('message', (job: Job) => {
  void (async () => {
    const cases = await loadCaseFile(job.casesDir, job.file);
    const c = cases[job.index];
    const outcome = c ? await runCase(c) : { status: 'failed' as const, failure: 'error' as const, reason: 'case not found' };
    process.send?.({ id: job.id, outcome });
  })().catch((err: unknown) => {
    process.send?.({ id: job.id, outcome: { status: 'failed', failure: 'error', reason: `harness error: ${String(err)}` } });
  });
});

// Load the compiler toolchain once before taking cases, so no case pays for it (or times out on it).
void runCase({ note: 'warm-up', query: 'x = 1', want_result: [{ x: 1 }] }).finally(() => process.send?.({ ready: true }));
