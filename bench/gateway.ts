/**
 * `npm run bench`: the gateway's cost on the request path, measured in one run, side by side:
 *   (a) an allowed read tool (get_work_item) through MCP (`POST /mcp`, JSON-RPC tools/call),
 *   (b) the same tool through agent REST (`GET /api/v1/work-items/OPS-1`),
 *   (c) the same Tasker sandbox call made directly with the Tasker adapter, without the gateway.
 * Reports p50/p99 latency (sequential requests), requests/s at a fixed concurrency, and the
 * gateway's added latency (ms and ratio against (c)). Loopback only, bounded loops; not a test.
 * Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TaskerAdapter } from '../src/tasker/index.js';
import { startLocalStack } from '../scripts/local-stack.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);

type Call = () => Promise<void>;

interface Figures {
  name: string;
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  /** CPU time of this process (client, gateway, adapter and sandbox; not PostgreSQL) per sequential request. */
  cpuMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function sequential(call: Call, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function concurrent(call: Call, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await call();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function measure(name: string, call: Call): Promise<Figures> {
  await sequential(call, WARMUP);
  const cpuBefore = process.cpuUsage();
  const times = await sequential(call, SEQUENTIAL);
  const cpu = process.cpuUsage(cpuBefore);
  const rps = await concurrent(call, CONCURRENT, CONCURRENCY);
  const cpuMs = (cpu.user + cpu.system) / 1000 / SEQUENTIAL;
  return { name, p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / times.length, rps, cpuMs };
}

function ok(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench: unexpected answer from ${what}`);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main(): Promise<void> {
  const stack = await startLocalStack({ workspace: 'nodedc', projects: ['OPS'], tools: ['read'] });
  try {
    const sandbox = stack.context.sandbox!;
    const direct = new TaskerAdapter({ baseUrl: sandbox.url, apiKey: sandbox.apiKeys.admin, workspace: sandbox.workspace });
    const auth = { authorization: `Bearer ${stack.agentToken}` };
    const mcpBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_work_item', arguments: { work_item: 'OPS-1' } } });
    const mcpHeaders = { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

    const viaMcp: Call = async () => {
      const res = await fetch(`${stack.url}/mcp`, { method: 'POST', headers: mcpHeaders, body: mcpBody });
      const body = (await res.json()) as { result?: { isError?: boolean } };
      ok(res.status === 200 && body.result !== undefined && body.result.isError !== true, 'MCP');
    };
    const viaRest: Call = async () => {
      const res = await fetch(`${stack.url}/api/v1/work-items/OPS-1`, { headers: auth });
      await res.arrayBuffer();
      ok(res.status === 200, 'REST');
    };
    const viaAdapter: Call = async () => {
      const { work_item } = await direct.getWorkItem({ work_item: 'OPS-1' });
      ok(work_item.human_id === 'OPS-1', 'the sandbox');
    };

    const results = [await measure('(c) sandbox directly (adapter)', viaAdapter), await measure('(a) MCP tools/call', viaMcp), await measure('(b) REST GET', viaRest)];
    const base = results[0]!;
    const lines = [
      `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start of report`,
      `Command: npm run bench (sequential ${SEQUENTIAL} after ${WARMUP} warm-up; throughput ${CONCURRENT} requests at concurrency ${CONCURRENCY}); tool get_work_item OPS-1, allowed read`,
      '',
      '| path | p50 ms | p99 ms | mean ms | req/s | added p50 ms | p50 ratio | CPU ms/req (node) | added CPU ms/req |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.mean)} | ${fmt(r.rps, 0)} | ${r === base ? '-' : fmt(r.p50 - base.p50)} | ${r === base ? '-' : fmt(r.p50 / base.p50)} | ${fmt(r.cpuMs)} | ${r === base ? '-' : fmt(r.cpuMs - base.cpuMs)} |`,
      ),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await stack.close();
  }
}

await main();
