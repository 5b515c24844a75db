/**
 * The benchmark runs what it measures as separate processes, as they run in production: the Tasker
 * sandbox, and the gateway started by its own CLI (`agent-gateway start`). Their CPU time is read
 * from /proc, so each process's cost per request is reported apart from the client's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = new URL('..', import.meta.url).pathname;
/** The compiled CLI, as `npm start` runs it (`npm run bench` builds first). */
const CLI = join(ROOT, 'bin', 'agent-gateway.js');

export interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_KEPT = 64 * 1024;

/** BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each child there when it exits. */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function startCli(name: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
  return startNode(name, [...nodeArgs, CLI, ...args], env);
}

/** A TypeScript file of the benchmark itself, run through tsx. */
function startScript(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Child {
  return startNode(name, ['--import', 'tsx', script, ...args], env);
}

function startNode(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [...profileArgs(), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Only the tail is kept (to explain a failed start): the gateway logs a line per decision.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    name,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor<T>(what: string, child: Child, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.process.exitCode !== null) throw new Error(`${what} exited early:\n${child.output()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${child.output()}`);
}

export interface SandboxProcess extends Child {
  url: string;
  workspace: string;
  adminKey: string;
}

export async function startSandboxProcess(): Promise<SandboxProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'agw-bench-'));
  const keysFile = join(dir, 'keys.json');
  const child = startCli('sandbox', ['tasker-sandbox', '--rate-limit', '100000000/minute', '--keys-file', keysFile], {});
  const keys = await waitFor('the Tasker sandbox', child, async () => JSON.parse(await readFile(keysFile, 'utf8')) as { url: string; workspace: string; admin: string });
  await rm(dir, { recursive: true, force: true });
  return { ...child, url: keys.url, workspace: keys.workspace, adminKey: keys.admin };
}

export interface GatewayProcess extends Child {
  url: string;
  /** Statements sent to PostgreSQL and requests sent to Tasker so far (bench/count-round-trips.mjs). */
  counts(): Promise<RoundTrips | undefined>;
}

export interface RoundTrips {
  pg: number;
  tasker: number;
  statements: Record<string, number>;
  requests: Record<string, number>;
}

const COUNTER = join(ROOT, 'bench', 'count-round-trips.mjs');

export async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const port = await freePort();
  const countsFile = join(await mkdtemp(join(tmpdir(), 'agw-bench-counts-')), 'counts.json');
  const child = startCli('gateway', ['start'], { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', BENCH_COUNTS_FILE: countsFile, ...env }, ['--import', COUNTER]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the gateway', child, async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined));
  let seq = 0;
  const counts = async (): Promise<RoundTrips | undefined> => {
    if (!child.process.kill('SIGUSR2')) return undefined;
    seq += 1;
    return waitFor('the gateway\'s round-trip counts', child, async () => {
      const read = JSON.parse(await readFile(countsFile, 'utf8')) as RoundTrips & { seq: number };
      return read.seq >= seq ? read : undefined;
    }, 10_000).catch(() => undefined);
  };
  return { ...child, url, counts };
}

export interface FloorProcess extends Child {
  url: string;
}

/** bench/mcp-floor-server.ts: the SDK's MCP serving alone, with a tool that answers at once. */
export async function startMcpFloorProcess(): Promise<FloorProcess> {
  const child = startScript('floor', join(ROOT, 'bench', 'mcp-floor-server.ts'), [], {});
  const port = await waitFor('the MCP floor server', child, async () => /listening (\d+)/.exec(child.output())?.[1]);
  return { ...child, url: `http://127.0.0.1:${port}` };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time in ms of every process named `postgres` on this machine, by pid: the server's backends
 * (including the gateway's pooled connections), its WAL writer and checkpointer. Meaningful when
 * DATABASE_URL's server runs here and nothing else uses it during the run; empty elsewhere.
 */
export function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const ms = cpuMs(Number(entry));
    if (ms !== undefined) byPid.set(Number(entry), ms);
  }
  return byPid;
}

/** CPU the postgres processes spent between two readings (a process started in between counts from 0). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number | undefined {
  if (after.size === 0) return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
