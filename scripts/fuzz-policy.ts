/**
 * `npm run fuzz:policy -- [--seconds N] [--batches N] [--programs N] [--inputs N] [--seed N] [--full]`:
 * the differential test run long. Each batch compiles `programs` random policies into one module
 * and compares the module with the TypeScript evaluator on `inputs` random inputs per entrypoint.
 * Prints each disagreement (policy, entrypoint, input, both answers) and exits 1 if any.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    batches: { type: 'string' },
    programs: { type: 'string', default: '40' },
    inputs: { type: 'string', default: '8' },
    seed: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});
// --full also generates what reaches the module's known gap (see support/rego-gen.ts).
if (values.full) process.env.REGO_GEN_FULL = '1';
const { runBatch } = await import('../test/policy/topdown/support/differential.js');

const deadline = Date.now() + Number(values.seconds) * 1000;
const maxBatches = values.batches === undefined ? Infinity : Number(values.batches);
let seed = values.seed === undefined ? Date.now() % 1_000_000_007 : Number(values.seed);
const totals = { batches: 0, programs: 0, refused: 0, entrypoints: 0, cases: 0, disagreements: 0 };
while (totals.batches < maxBatches && Date.now() < deadline) {
  const stats = await runBatch(seed, Number(values.programs), Number(values.inputs));
  totals.batches++;
  totals.programs += stats.programs;
  totals.refused += stats.refused;
  totals.entrypoints += stats.entrypoints;
  totals.cases += stats.cases;
  totals.disagreements += stats.disagreements.length;
  const shown = new Set<string>();
  for (const d of stats.disagreements) {
    if (shown.has(d.entrypoint)) continue;
    shown.add(d.entrypoint);
    process.stdout.write(`--- seed ${seed} ${d.entrypoint} input ${JSON.stringify(d.input)}\n${d.policy}\nmodule:    ${JSON.stringify(d.module)}\nevaluator: ${JSON.stringify(d.evaluator)}\n`);
  }
  process.stdout.write(`batch ${totals.batches} seed ${seed}: ${stats.entrypoints} entrypoints, ${stats.cases} cases, ${stats.refused} refused, ${stats.disagreements.length} disagreements\n`);
  seed += 2;
}
process.stdout.write(`${JSON.stringify(totals)}\n`);
process.exit(totals.disagreements > 0 ? 1 : 0);
