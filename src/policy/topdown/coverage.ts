/**
 * Line coverage in the shape of OPA's `opa test --coverage` report (v1/cover): a line is covered
 * when an expression on it was evaluated or a rule whose head is on it produced a value; the lines
 * of every other rule head and expression are not covered.
 */
import type { Tracer, TraceEvent } from './interpreter.js';

export interface CoverageRange { start: { row: number }; end: { row: number } }

export interface FileCoverage {
  covered?: CoverageRange[];
  not_covered?: CoverageRange[];
  covered_lines?: number;
  not_covered_lines?: number;
  coverage?: number;
}

export interface CoverageReport {
  files: Record<string, FileCoverage>;
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
}

/** Collects covered lines from trace events; one collector can watch many evaluations. */
export class CoverageCollector implements Tracer {
  readonly hits = new Map<string, Set<number>>();

  event(e: TraceEvent): void {
    if (e.op !== 'eval' && e.op !== 'exit') return;
    if (!e.loc.file || e.loc.file.startsWith('<')) return;
    let lines = this.hits.get(e.loc.file);
    if (!lines) this.hits.set(e.loc.file, (lines = new Set()));
    lines.add(e.loc.line);
  }
}

function ranges(rows: number[]): CoverageRange[] {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const out: CoverageRange[] = [];
  for (const row of sorted) {
    const last = out[out.length - 1];
    if (last && row === last.end.row + 1) last.end.row = row;
    else out.push({ start: { row }, end: { row } });
  }
  return out;
}

function lineCount(rs: CoverageRange[]): number {
  return rs.reduce((n, r) => n + r.end.row - r.start.row + 1, 0);
}

/** OPA omits empty fields (omitempty): so do we. */
function fileReport(covered: number[], notCovered: number[]): FileCoverage {
  const c = ranges(covered);
  const nc = ranges(notCovered);
  const cl = lineCount(c);
  const ncl = lineCount(nc);
  const total = cl + ncl;
  const out: FileCoverage = {};
  if (c.length > 0) out.covered = c;
  if (nc.length > 0) out.not_covered = nc;
  if (cl > 0) out.covered_lines = cl;
  if (ncl > 0) out.not_covered_lines = ncl;
  if (total > 0 && cl > 0) out.coverage = (100 * cl) / total;
  return out;
}

export function coverageReport(collector: CoverageCollector, coverable: Map<string, Set<number>>): CoverageReport {
  const files: Record<string, FileCoverage> = {};
  let covered = 0;
  let notCovered = 0;
  const names = [...new Set([...collector.hits.keys(), ...coverable.keys()])].sort();
  for (const file of names) {
    const hit = collector.hits.get(file) ?? new Set<number>();
    const all = coverable.get(file) ?? new Set<number>();
    const report = fileReport([...hit], [...all].filter((l) => !hit.has(l)));
    files[file] = report;
    covered += report.covered_lines ?? 0;
    notCovered += report.not_covered_lines ?? 0;
  }
  const total = covered + notCovered;
  return { files, covered_lines: covered, not_covered_lines: notCovered, coverage: total === 0 ? 0 : (100 * covered) / total };
}

/** OPA's message when the threshold is not met, with the lines not covered. */
export function thresholdMessage(report: CoverageReport, threshold: number): string {
  const lines = [`Code coverage threshold not met: got ${report.coverage.toFixed(2)} instead of ${threshold.toFixed(2)}`, 'Lines not covered:'];
  for (const [file, fr] of Object.entries(report.files)) {
    for (const r of fr.not_covered ?? []) lines.push(`\t${file}:${r.start.row === r.end.row ? r.start.row : `${r.start.row}-${r.end.row}`}`);
  }
  return lines.join('\n');
}
