import { type CaseRef, caseId } from './cases.js';
import type { CaseOutcome } from './run-case.js';

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
  folders: FolderRow[];
}

export function summarise(refs: readonly CaseRef[], results: ReadonlyMap<CaseRef, CaseOutcome>): ConformanceSummary {
  const folders = new Map<string, FolderRow>();
  const summary: ConformanceSummary = { passed: 0, failed: 0, skipped: 0, folders: [] };
  for (const ref of refs) {
    const row = folders.get(ref.folder) ?? { folder: ref.folder, cases: 0, passed: 0, failed: 0, skipped: 0 };
    folders.set(ref.folder, row);
    const status = results.get(ref)?.status ?? 'failed';
    row.cases += 1;
    row[status] += 1;
    summary[status] += 1;
  }
  summary.folders = [...folders.values()].sort((a, b) => (a.folder < b.folder ? -1 : 1));
  return summary;
}

export function failureLine(ref: CaseRef, outcome: CaseOutcome): string {
  return `FAIL ${caseId(ref)}: ${outcome.reason ?? 'failed'}`;
}

/** The per-folder table as Markdown, so it can be pasted into docs/CONFORMANCE.md as it is. */
export function folderTable(summary: ConformanceSummary): string {
  const lines = ['| folder | cases | passed | failed | skipped |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const f of summary.folders) lines.push(`| ${f.folder} | ${f.cases} | ${f.passed} | ${f.failed} | ${f.skipped} |`);
  const total = summary.passed + summary.failed + summary.skipped;
  lines.push(`| **total** | ${total} | ${summary.passed} | ${summary.failed} | ${summary.skipped} |`);
  return lines.join('\n');
}
