import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { POLICIES_DIR } from '../../../paths.js';

export const TEST_USAGE =
  '  agent-gateway policy test [PATH...] [--run REGEX] [--format pretty|json] [--coverage] [--threshold PCT]\n' +
  '                            [--var-values] [--bench] [--timeout DURATION] [--fail-on-empty]';

/** `5s`, `500ms`, `1m` or plain seconds -> milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

/**
 * `opa test` with its reporting flags: --coverage prints OPA's coverage report instead of the
 * results (failures still print and fail the run), --threshold fails a run below that coverage.
 * Returns the exit code; `usage` reports bad flags (exit 2).
 */
export async function runTestCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      run: { type: 'string' },
      format: { type: 'string', default: 'pretty' },
      coverage: { type: 'boolean', default: false },
      threshold: { type: 'string' },
      'var-values': { type: 'boolean', default: false },
      bench: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'fail-on-empty': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.format !== 'pretty' && values.format !== 'json') return usage(`unknown format '${values.format}'`);
  let run: RegExp | undefined;
  try {
    run = values.run ? new RegExp(values.run) : undefined;
  } catch (err) {
    return usage(`--run is not a regular expression: ${(err as Error).message}`);
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 100)) return usage('--threshold must be a percentage between 0 and 100');
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
  if (values.timeout !== undefined && timeoutMs === undefined) return usage(`--timeout is not a duration: '${values.timeout}'`);
  const testing = await import('../../../policy/testing/index.js');
  const paths = positionals.length > 0 ? positionals.map((p) => resolve(p)) : [POLICIES_DIR];
  const coverage = values.coverage || threshold !== undefined;
  const report = await testing.runPolicyTests({
    paths,
    ...(run ? { run } : {}),
    coverage,
    varValues: values['var-values'],
    bench: values.bench,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const passed = testing.reportPassed(report);
  if (values.coverage && passed) process.stdout.write(testing.formatCoverage(report));
  else process.stdout.write(values.format === 'json' ? testing.formatJson(report) : testing.formatPretty(report));
  if (!passed) return 1;
  if (values['fail-on-empty'] && report.results.length === 0) {
    process.stderr.write('no tests found\n');
    return 1;
  }
  if (threshold !== undefined && report.coverage && report.coverage.coverage < threshold) {
    process.stderr.write(testing.thresholdMessage(report.coverage, threshold) + '\n');
    return 1;
  }
  return 0;
}
