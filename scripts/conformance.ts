/**
 * `npm run conformance [-- --cases DIR] [--workers N] [--match REGEX] [--timeout MS] [--run-skipped]`: runs OPA's
 * evaluation cases (default ../shared/conformance/opa-v1, read where they are, never copied) through
 * the project's Rego compiler and the OPA Wasm SDK, and prints one line per failing case, a
 * per-folder table and `conformance: N passed, M failed (W wrong results, R refused at compile time,
 * E run-time errors)`. A wrong result (compiled, then answered differently from OPA) is the one kind
 * of failure a policy engine must never show; the exit status is 1 on any failure.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../src/paths.js';
import {
  type CaseOutcome,
  type CaseRef,
  caseId,
  failureLine,
  folderTable,
  listCases,
  readWasmSkips,
  runPool,
  summarise,
  summaryLine,
} from '../src/policy/conformance/index.js';

const DEFAULT_CASES = resolve(PACKAGE_ROOT, '..', 'shared', 'conformance', 'opa-v1');

const USAGE = `usage: npm run conformance -- [--cases DIR] [--workers N] [--match REGEX] [--timeout MS] [--run-skipped]
  --cases DIR     the case directory (default ${DEFAULT_CASES})
  --workers N     worker threads (default 2)
  --match REGEX   only the cases whose id ("<folder>/<file>.yaml :: <note>") matches
  --timeout MS    per-case limit (default 60000)
  --run-skipped   also run the cases OPA's own wasm target skips
`;

/** A mistyped flag is the user's error: say which, print the usage, and exit 2 without a stack. */
function isUsageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: DEFAULT_CASES },
      workers: { type: 'string', default: '2' },
      match: { type: 'string' },
      timeout: { type: 'string', default: '60000' },
      // Run the cases OPA's own wasm target skips (integers wider than 64 bits) as well.
      'run-skipped': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const casesDir = resolve(values.cases!);
  const match = values.match ? new RegExp(values.match) : undefined;
  const all = (await listCases(casesDir)).filter((ref) => !match || match.test(caseId(ref)));
  const skips = values['run-skipped'] ? new Map<string, string>() : await readWasmSkips(casesDir);
  const results = new Map<CaseRef, CaseOutcome>();
  const toRun: CaseRef[] = [];
  for (const ref of all) {
    const reason = skips.get(caseId(ref));
    if (reason) results.set(ref, { status: 'skipped', reason });
    else toRun.push(ref);
  }
  const started = Date.now();
  let done = 0;
  process.stderr.write(`conformance: ${toRun.length} cases from ${casesDir} on ${values.workers} workers\n`);
  const ran = await runPool(toRun, {
    casesDir,
    workers: Number(values.workers),
    caseTimeoutMs: Number(values.timeout),
    onResult: (ref, outcome) => {
      if (outcome.status === 'failed') process.stdout.write(failureLine(ref, outcome) + '\n');
      if (++done % 100 === 0) process.stderr.write(`conformance: ${done}/${toRun.length} done after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    },
  });
  for (const [ref, outcome] of ran) results.set(ref, outcome);
  const summary = summarise(all, results);
  for (const [ref, outcome] of results) if (outcome.status === 'skipped') process.stdout.write(`SKIP ${caseId(ref)}: ${outcome.reason}\n`);
  process.stdout.write(`\n${folderTable(summary)}\n\n`);
  process.stdout.write(`time: ${((Date.now() - started) / 1000).toFixed(1)} s, skipped: ${summary.skipped}\n`);
  process.stdout.write(`${summaryLine(summary)}\n`);
  return summary.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isUsageError(err)) {
      process.stderr.write(`conformance: ${(err as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`conformance: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  },
);
