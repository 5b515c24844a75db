/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, or BENCH_PROFILE_DIR=dir npm run bench): self
 * time by function and by file or package, biggest first, so a hot path is read in a minute.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=40] [last seconds]
 * `last seconds` counts only the end of the profile (e.g. the throughput phase, without start-up).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<pkg>, node:internal/<x>, or the project file. */
function where(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(src|dist|bench)\//, '$1/');
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`${title}`, ...rows.map(([name, us]) => `${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)].join('\n');
}

const [file, topArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const byFunction = new Map<string, number>();
/** Inclusive time: each function once per sample whose stack holds it. */
const inclusive = new Map<string, number>();
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const label = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const byFile = new Map<string, number>();
let all = 0;
const ends: number[] = [];
profile.timeDeltas.reduce((t, d, i) => (ends[i] = t + d), 0);
const from = lastArg === undefined ? Number.NEGATIVE_INFINITY : ends[ends.length - 1]! - Number(lastArg) * 1e6;
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const us = profile.timeDeltas[i] ?? 0;
  if (ends[i]! < from) return;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') return;
  all += us;
  const fn = `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(where(url), (byFile.get(where(url)) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
});
process.stdout.write(`${(all / 1000).toFixed(0)} ms of samples (idle excluded)\n\n${table('self time by function', byFunction, all, top)}\n\n${table('self time by file or package', byFile, all, top)}\n\n${table('total time (self and callees) by function', inclusive, all, top)}\n`);
