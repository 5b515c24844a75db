import { type TestReport, type TestResult, countOutcomes } from './result.js';
import type { SubResult } from './parametrised.js';

const RULE = '-'.repeat(80);

function duration(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)}s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)}ms`;
  return `${(ns / 1e3).toFixed(3)}µs`;
}

function line(result: TestResult): string {
  const name = `${result.package}.${result.name}`;
  if (result.outcome === 'SKIPPED') return `${name}: SKIPPED`;
  const head = `${name}: ${result.outcome} (${duration(result.durationNs)})`;
  if (result.error) return `${head}\n  ${result.error.split('\n').join('\n  ')}`;
  const cases = result.subResults ? caseLines(result.subResults, 1) : [];
  const withCases = [head, ...cases].join('\n');
  if (result.failure) return `${withCases}\n\n${result.failure}\n`;
  return withCases;
}

/** A parametrised test's cases, one a line, indented by depth as opa test -v prints them. */
function caseLines(results: readonly SubResult[], depth: number): string[] {
  return results.flatMap((r) => [`${'  '.repeat(depth)}${r.name}: ${r.fail ? 'FAIL' : 'PASS'}`, ...caseLines(r.subResults, depth + 1)]);
}

/** opa test's sub_results: by name, `fail` only when true, nested levels under `sub_results`. */
function subResultsJson(results: readonly SubResult[]): Record<string, unknown> {
  return Object.fromEntries(
    results.map((r) => [r.name, { ...(r.subResults.length > 0 ? { sub_results: subResultsJson(r.subResults) } : {}), name: r.name, ...(r.fail ? { fail: true } : {}) }]),
  );
}

/** `opa test -v` style: results grouped by file, then the counts. */
export function formatPretty(report: TestReport): string {
  const out: string[] = [...report.errors];
  let file: string | undefined;
  for (const result of report.results) {
    if (result.file !== file) {
      if (file !== undefined) out.push('');
      file = result.file;
      out.push(`${file}:`);
    }
    out.push(line(result));
  }
  const benched = report.results.filter((r) => r.bench);
  if (benched.length > 0) {
    out.push(RULE);
    for (const r of benched) out.push(`${r.package}.${r.name}\t${String(r.bench!.iterations).padStart(10)}\t${String(r.bench!.nsPerOp).padStart(12)} ns/op`);
  }
  const counts = countOutcomes(report);
  const total = counts.PASS + counts.FAIL + counts.ERROR + counts.SKIPPED;
  out.push(RULE);
  if (total === 0) out.push(report.errors.length > 0 ? 'no tests run' : 'no tests found');
  for (const outcome of ['PASS', 'FAIL', 'ERROR', 'SKIPPED'] as const) {
    if (counts[outcome] > 0) out.push(`${outcome}: ${counts[outcome]}/${total}`);
  }
  return out.join('\n') + '\n';
}

/** `opa test --format json` style: one object per test. */
export function formatJson(report: TestReport): string {
  const results = report.results.map((r) => ({
    location: { file: r.file, row: r.row, col: r.col },
    package: r.package,
    name: r.name,
    ...(r.outcome === 'FAIL' ? { fail: true } : {}),
    ...(r.outcome === 'ERROR' ? { error: { message: r.error ?? 'error' } } : {}),
    ...(r.outcome === 'SKIPPED' ? { skip: true } : {}),
    ...(r.subResults && r.subResults.length > 0 ? { sub_results: subResultsJson(r.subResults) } : {}),
    duration: r.durationNs,
    ...(r.bench ? { benchmark: { N: r.bench.iterations, ns_per_op: r.bench.nsPerOp } } : {}),
  }));
  const body = report.errors.length > 0 ? { errors: report.errors, results } : results;
  return JSON.stringify(body, null, 2) + '\n';
}

/** `opa test --coverage`: the coverage report as indented JSON. */
export function formatCoverage(report: TestReport): string {
  return JSON.stringify(report.coverage ?? { files: {}, covered_lines: 0, not_covered_lines: 0, coverage: 0 }, null, 2) + '\n';
}
