/**
 * `npm run bench`: the gateway's cost on the request path, measured in one run, side by side:
 *   (a) an allowed read tool (get_work_item) through MCP (`POST /mcp`, JSON-RPC tools/call),
 *   (b) the same tool through agent REST (`GET /api/v1/work-items/OPS-1`),
 *   (c) the same Tasker sandbox call (Plane's work item by human id) made directly, without the gateway,
 *   (d) the floor of (a): the MCP SDK serving a tool that answers at once, in a bare Express app.
 * The sandbox and the gateway (`agent-gateway start`, on DATABASE_URL's server with a throwaway
 * database) run as processes of their own; this process is only the client. Reports p50/p99
 * latency of sequential requests, requests/s at a fixed concurrency, the gateway's added latency
 * (ms and ratio against (c)) and each process's CPU time per request. Not a test: nothing asserts
 * on speed, but every answer is checked, so errors are never timed.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { admin } from '../scripts/local-stack.js';
import { closeConnections, concurrent, percentile, send, sequential, type HttpCall } from './http-load.js';
import { cpuMs, startGatewayProcess, startMcpFloorProcess, startSandboxProcess, type Child } from './processes.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1_000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Figures {
  name: string;
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  /** CPU ms per request, under the concurrent load, of each process. */
  cpu: { gateway?: number; sandbox?: number; floor?: number; client?: number };
}


function expectJson(what: string, check: (body: any) => boolean): HttpCall['check'] {
  return (status, body) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (status !== 200 || !check(parsed)) throw new Error(`bench: unexpected answer from ${what}: ${status} ${body.slice(0, 300)}`);
  };
}

async function internal(url: string, token: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}/internal/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-acting-user': 'bench-owner', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function cpuOf(children: Record<string, Child>): Record<string, number | undefined> {
  return Object.fromEntries([...Object.entries(children).map(([name, c]) => [name, cpuMs(c.process.pid)]), ['client', cpuMs(process.pid)]]);
}

async function measure(name: string, call: HttpCall, children: Record<string, Child>): Promise<Figures> {
  await sequential(call, WARMUP);
  const seqBefore = cpuOf(children);
  const times = await sequential(call, SEQUENTIAL);
  const seqAfter = cpuOf(children);
  if (process.env.BENCH_DEBUG) console.error(name, 'sequential gateway cpu/req', ((seqAfter.gateway ?? 0) - (seqBefore.gateway ?? 0)) / SEQUENTIAL);
  const before = cpuOf(children);
  const rps = await concurrent(call, CONCURRENT, CONCURRENCY);
  const after = cpuOf(children);
  const perRequest = (key: string) => (before[key] === undefined || after[key] === undefined ? undefined : (after[key]! - before[key]!) / CONCURRENT);
  return {
    name,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    rps,
    cpu: { gateway: perRequest('gateway'), sandbox: perRequest('sandbox'), floor: perRequest('floor'), client: perRequest('client') },
  };
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? 'n/a' : n.toFixed(digits));

function report(results: Figures[]): string {
  const base = results[0]!;
  return [
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end of the run`,
    `Command: npm run bench (sequential ${SEQUENTIAL} after ${WARMUP} warm-up; throughput ${CONCURRENT} requests at concurrency ${CONCURRENCY}); tool get_work_item OPS-1, an allowed read`,
    '',
    '| path | p50 ms | p99 ms | mean ms | req/s | added p50 ms | p50 ratio | server CPU ms/req (gateway; floor for d) | sandbox CPU ms/req | client CPU ms/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      [
        r.name,
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.mean),
        fmt(r.rps, 0),
        r === base ? '-' : fmt(r.p50 - base.p50),
        r === base ? '-' : fmt(r.p50 / base.p50),
        r === base ? '-' : fmt(r.name.startsWith('(d)') ? r.cpu.floor : r.cpu.gateway, 3),
        fmt(r.cpu.sandbox, 3),
        fmt(r.cpu.client, 3),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const database = `agw_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`create database "${database}"`);
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${database}` }).toString();
  const internalToken = randomBytes(32).toString('base64url');
  const children: Child[] = [];
  try {
    const sandbox = await startSandboxProcess();
    children.push(sandbox);
    const gateway = await startGatewayProcess({
      DATABASE_URL: databaseUrl,
      INTERNAL_API_TOKEN: internalToken,
      TASKER_URL: sandbox.url,
      TASKER_API_KEY: sandbox.adminKey,
      TASKER_WORKSPACE: sandbox.workspace,
    });
    children.push(gateway);
    const { agent } = await internal(gateway.url, internalToken, '/agents', { owner_user_id: 'bench-owner', owner_email: 'bench-owner@example.com', display_name: 'Bench agent' });
    await internal(gateway.url, internalToken, `/agents/${agent.id}/grants`, { workspace: sandbox.workspace, projects: ['OPS'], tools: ['read'] });
    const { secret } = await internal(gateway.url, internalToken, `/agents/${agent.id}/tokens`, {});

    const direct: HttpCall = {
      method: 'GET',
      url: new URL(`${sandbox.url}/api/v1/workspaces/${encodeURIComponent(sandbox.workspace)}/work-items/OPS-1/?expand=state%2Clabels%2Cassignees`),
      headers: { 'x-api-key': sandbox.adminKey, accept: 'application/json' },
      check: expectJson('the sandbox', (b) => typeof b?.id === 'string'),
    };
    const viaMcp: HttpCall = {
      method: 'POST',
      url: new URL(`${gateway.url}/mcp`),
      headers: { authorization: `Bearer ${secret}`, ...MCP_HEADERS },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_work_item', arguments: { work_item: 'OPS-1' } } }),
      check: expectJson('MCP', (b) => b?.result !== undefined && b.result.isError !== true && b.result.structuredContent?.work_item?.human_id === 'OPS-1'),
    };
    const viaRest: HttpCall = {
      method: 'GET',
      url: new URL(`${gateway.url}/api/v1/work-items/OPS-1`),
      headers: { authorization: `Bearer ${secret}`, accept: 'application/json' },
      check: expectJson('REST', (b) => b?.work_item?.human_id === 'OPS-1'),
    };
    const floor = await startMcpFloorProcess();
    children.push(floor);
    const viaFloor: HttpCall = { ...viaMcp, url: new URL(`${floor.url}/mcp`), headers: MCP_HEADERS };
    await send(viaMcp);
    const named = { sandbox, gateway, floor };
    // BENCH_PATHS=a,b,c,d (default all) picks paths, e.g. to profile one of them alone; (c) is always first.
    const picked = new Set((process.env.BENCH_PATHS ?? 'a,b,c,d').split(','));
    const results = [await measure('(c) sandbox directly', direct, named)];
    if (picked.has('a')) results.push(await measure('(a) MCP tools/call', viaMcp, named));
    if (picked.has('b')) results.push(await measure('(b) REST GET', viaRest, named));
    if (picked.has('d')) results.push(await measure('(d) MCP SDK alone, tool answers at once', viaFloor, named));
    process.stdout.write(report(results) + '\n');
  } finally {
    closeConnections();
    for (const child of children.reverse()) await child.stop();
    await admin(`drop database if exists "${database}" with (force)`);
  }
}

await main();
