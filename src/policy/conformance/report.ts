import { type CaseRef, caseId } from './cases.js';
import type { CaseOutcome, FailureKind } from './run-case.js';

export interface FolderRow {
  folder: string;
  cases: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Failures by kind; `wrong` (compiled and answered differently from OPA) must stay 0. */
  failures: Record<FailureKind, number>;
  folders: FolderRow[];
}

export function summarise(refs: readonly CaseRef[], results: ReadonlyMap<CaseRef, CaseOutcome>): ConformanceSummary {
  const folders = new Map<string, FolderRow>();
  const summary: ConformanceSummary = { passed: 0, failed: 0, skipped: 0, failures: { wrong: 0, refused: 0, error: 0 }, folders: [] };
  for (const ref of refs) {
    const row = folders.get(ref.folder) ?? { folder: ref.folder, cases: 0, passed: 0, failed: 0, skipped: 0 };
    folders.set(ref.folder, row);
    const outcome = results.get(ref);
    const status = outcome?.status ?? 'failed';
    row.cases += 1;
    row[status] += 1;
    summary[status] += 1;
    if (status === 'failed') summary.failures[outcome?.failure ?? 'error'] += 1;
  }
  summary.folders = [...folders.values()].sort((a, b) => (a.folder < b.folder ? -1 : 1));
  return summary;
}

const FAILURE_LABEL: Record<FailureKind, string> = { wrong: 'WRONG', refused: 'REFUSED', error: 'ERROR' };

/** `FAIL [WRONG|REFUSED|ERROR] file :: note: reason`. */
export function failureLine(ref: CaseRef, outcome: CaseOutcome): string {
  return `FAIL [${FAILURE_LABEL[outcome.failure ?? 'error']}] ${caseId(ref)}: ${outcome.reason ?? 'failed'}`;
}

/** The headline: `conformance: N passed, M failed (W wrong results, R refused at compile time, E run-time errors)`. */
export function summaryLine(summary: ConformanceSummary): string {
  const f = summary.failures;
  return `conformance: ${summary.passed} passed, ${summary.failed} failed ` +
    `(${f.wrong} wrong results, ${f.refused} refused at compile time, ${f.error} run-time errors)`;
}

/** The per-folder table as Markdown, so it can be pasted into docs/CONFORMANCE.md as it is. */
export function folderTable(summary: ConformanceSummary): string {
  const lines = ['| folder | cases | passed | failed | skipped |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const f of summary.folders) lines.push(`| ${f.folder} | ${f.cases} | ${f.passed} | ${f.failed} | ${f.skipped} |`);
  const total = summary.passed + summary.failed + summary.skipped;
  lines.push(`| **total** | ${total} | ${summary.passed} | ${summary.failed} | ${summary.skipped} |`);
  return lines.join('\n');
}
