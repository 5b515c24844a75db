import type { CoverageReport } from '../topdown/index.js';
import type { DiscoveredTest } from './discover.js';
import { caseLeaves, type SubResult } from './parametrised.js';

export type TestOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

export interface TestResult extends DiscoveredTest {
  outcome: TestOutcome;
  /** Evaluation time in nanoseconds (0 when not run). */
  durationNs: number;
  /** For ERROR: what went wrong. */
  error?: string;
  /** With --var-values, for FAIL: the failing expression with its variables' values. */
  failure?: string;
  /** A parametrised test's cases (`opa test`'s sub_results). */
  subResults?: SubResult[];
  /** With --bench: evaluations run and the mean time of one. */
  bench?: { iterations: number; nsPerOp: number };
}

export interface TestReport {
  results: TestResult[];
  /** Errors that stopped the run before any test could be evaluated (parse or compile errors). */
  errors: string[];
  /** Time spent compiling the policies and tests, in milliseconds. */
  compileMs: number;
  /** With --coverage: OPA-shaped line coverage of every file. */
  coverage?: CoverageReport;
}

export function countOutcomes(report: TestReport): Record<TestOutcome, number> {
  const counts: Record<TestOutcome, number> = { PASS: 0, FAIL: 0, ERROR: 0, SKIPPED: 0 };
  for (const r of report.results) {
    // As opa test counts them: each case of a parametrised test that ran is one result.
    const leaves = r.subResults ? caseLeaves(r.subResults) : [];
    if (leaves.length === 0) counts[r.outcome] += 1;
    for (const leaf of leaves) counts[leaf.fail ? 'FAIL' : 'PASS'] += 1;
  }
  return counts;
}

/** Like `opa test`: any failure, error, or a run that could not start is a failed run. */
export function reportPassed(report: TestReport): boolean {
  const counts = countOutcomes(report);
  return report.errors.length === 0 && counts.FAIL === 0 && counts.ERROR === 0;
}
