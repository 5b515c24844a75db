/**
 * `npm run bench`: the gateway's cost on the request path, measured in one run, side by side:
 *   (a) an allowed read tool (get_work_item) through MCP (`POST /mcp`, JSON-RPC tools/call),
 *   (b) the same tool through agent REST (`GET /api/v1/work-items/OPS-1`),
 *   (c) the same Tasker sandbox call (Plane's work item by human id) made directly, without the gateway,
 *   (d) the floor of (a): the MCP SDK serving a tool that answers at once, in a bare Express app,
 *   (e) a comment added to OPS-1 in the sandbox directly (the write's own cost, the base of f),
 *   (f) an allowed write through MCP: add_comment on OPS-1 with a fresh idempotency key per call.
 * `npm run bench -- --instances 2` also runs two gateway processes on the same database and sends
 * (a) to both at once (half the callers each): requests/s per instance and in all.
 * The sandbox and the gateway (`agent-gateway start`, on DATABASE_URL's server with a throwaway
 * database) run as processes of their own; this process is only the client. Reports p50/p99
 * latency of sequential requests, requests/s at a fixed concurrency, the gateway's added latency
 * (ms and ratio against (c)) and each process's CPU time per request. Not a test: nothing asserts
 * on speed, but every answer is checked, so errors are never timed.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { admin } from '../scripts/local-stack.js';
import { closeConnections, concurrent, percentile, send, sequential, spread, type HttpCall } from './http-load.js';
import { cpuMs, postgresCpuBetween, postgresCpuMs, startGatewayProcess, startMcpFloorProcess, startSandboxProcess, type Child, type RoundTrips } from './processes.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1_000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INSTANCES = Number(/--instances[= ](\d+)/.exec(process.argv.slice(2).join(' '))?.[1] ?? 1);

interface Figures {
  name: string;
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  /** CPU ms per request, under the concurrent load, of each process. */
  cpu: { gateway?: number; sandbox?: number; floor?: number; client?: number; postgres?: number };
  /** The row whose p50 this one's "added p50" is measured against. */
  base?: string;
  /** Round trips per call of the gateway, over the sequential phase (one call at a time). */
  perCall?: PerCall;
}

interface PerCall {
  pg: number;
  tasker: number;
  /** Per call, each statement or request that ran at least once per 10 calls. */
  detail: string[];
}

type Counter = () => Promise<RoundTrips | undefined>;

function perCall(before: RoundTrips | undefined, after: RoundTrips | undefined, calls: number): PerCall | undefined {
  if (!before || !after) return undefined;
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.entries(a)
      .map(([key, n]) => [key, (n - (b[key] ?? 0)) / calls] as const)
      .filter(([, n]) => n >= 0.1)
      .sort((x, y) => y[1] - x[1])
      .map(([key, n]) => `${n.toFixed(2)} ${key}`);
  return { pg: (after.pg - before.pg) / calls, tasker: (after.tasker - before.tasker) / calls, detail: [...delta(after.statements, before.statements), ...delta(after.requests, before.requests)] };
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

async function measure(name: string, call: HttpCall, children: Record<string, Child>, base?: string, counter?: Counter): Promise<Figures> {
  await sequential(call, WARMUP);
  const seqBefore = cpuOf(children);
  const countsBefore = await counter?.();
  const times = await sequential(call, SEQUENTIAL);
  const countsAfter = await counter?.();
  const seqAfter = cpuOf(children);
  if (process.env.BENCH_DEBUG) console.error(name, 'sequential gateway cpu/req', ((seqAfter.gateway ?? 0) - (seqBefore.gateway ?? 0)) / SEQUENTIAL);
  const before = cpuOf(children);
  const postgresBefore = postgresCpuMs();
  const rps = await concurrent(call, CONCURRENT, CONCURRENCY);
  const postgresAfter = postgresCpuMs();
  const after = cpuOf(children);
  const postgres = postgresCpuBetween(postgresBefore, postgresAfter);
  const perRequest = (key: string) => (before[key] === undefined || after[key] === undefined ? undefined : (after[key]! - before[key]!) / CONCURRENT);
  return {
    name,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    rps,
    cpu: { gateway: perRequest('gateway'), sandbox: perRequest('sandbox'), floor: perRequest('floor'), client: perRequest('client'), postgres: postgres === undefined ? undefined : postgres / CONCURRENT },
    ...(base ? { base } : {}),
    ...(counter ? { perCall: perCall(countsBefore, countsAfter, SEQUENTIAL) } : {}),
  };
}

/** (a) sent to every instance at once, each instance getting the same share of the callers. */
async function measureInstances(calls: HttpCall[], gateways: Child[]): Promise<string> {
  for (const call of calls) await sequential(call, WARMUP);
  const before = gateways.map((g) => cpuMs(g.process.pid));
  const { total, each } = await spread(calls, CONCURRENT, CONCURRENCY);
  const after = gateways.map((g) => cpuMs(g.process.pid));
  const share = each.map((rps) => (rps * CONCURRENT) / total);
  return [
    `Two-instance run: ${calls.length} gateway processes on one database, (a) MCP tools/call, ${CONCURRENT} requests at concurrency ${CONCURRENCY} (${CONCURRENCY / calls.length} callers per instance)`,
    '',
    '| instance | req/s | gateway CPU ms/req |',
    '|---|---:|---:|',
    ...each.map((rps, i) => `| ${i + 1} | ${fmt(rps, 0)} | ${before[i] === undefined || after[i] === undefined ? 'n/a' : fmt((after[i]! - before[i]!) / share[i]!, 3)} |`),
    `| all | ${fmt(total, 0)} | - |`,
  ].join('\n');
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? 'n/a' : n.toFixed(digits));

function report(results: Figures[]): string {
  const baseOf = (r: Figures) => results.find((b) => b.name === r.base) ?? results[0]!;
  return [
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end of the run`,
    `Command: npm run bench${INSTANCES > 1 ? ` -- --instances ${INSTANCES}` : ''} (sequential ${SEQUENTIAL} after ${WARMUP} warm-up; throughput ${CONCURRENT} requests at concurrency ${CONCURRENCY}); reads: get_work_item OPS-1; writes: add_comment on OPS-1 (f is measured against e)`,
    '',
    '| path | p50 ms | p99 ms | mean ms | req/s | added p50 ms | p50 ratio | server CPU ms/req (gateway; floor for d) | sandbox CPU ms/req | client CPU ms/req | PostgreSQL CPU ms/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      [
        r.name,
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.mean),
        fmt(r.rps, 0),
        r.name.startsWith('(c)') || r.name.startsWith('(e)') ? '-' : fmt(r.p50 - baseOf(r).p50),
        r.name.startsWith('(c)') || r.name.startsWith('(e)') ? '-' : fmt(r.p50 / baseOf(r).p50),
        r.name.startsWith('(c)') || r.name.startsWith('(e)') ? '-' : fmt(r.name.startsWith('(d)') ? r.cpu.floor : r.cpu.gateway, 3),
        fmt(r.cpu.sandbox, 3),
        fmt(r.cpu.client, 3),
        fmt(r.cpu.postgres, 3),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
    ),
    '',
    'Round trips per call through the gateway (sequential phase, counted inside the gateway by bench/count-round-trips.mjs; the notification listener\'s 1 s heartbeat is included):',
    '',
    '| path | PostgreSQL statements | Tasker requests | which (per call) |',
    '|---|---:|---:|---|',
    ...results.filter((r) => r.perCall).map((r) => `| ${r.name} | ${fmt(r.perCall!.pg)} | ${fmt(r.perCall!.tasker)} | ${r.perCall!.detail.join('; ')} |`),
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
    await internal(gateway.url, internalToken, `/agents/${agent.id}/grants`, { workspace: sandbox.workspace, projects: ['OPS'], tools: ['read', 'add_comment'] });
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
    const item = JSON.parse(await fetch(direct.url, { headers: direct.headers }).then((r) => r.text())) as { id: string; project: string };
    let comments = 0;
    const commentBody = () => `bench comment ${(comments += 1)}`;
    const directWrite: HttpCall = {
      method: 'POST',
      url: new URL(`${sandbox.url}/api/v1/workspaces/${encodeURIComponent(sandbox.workspace)}/projects/${item.project}/work-items/${item.id}/comments/`),
      headers: { 'x-api-key': sandbox.adminKey, accept: 'application/json', 'content-type': 'application/json' },
      body: () => JSON.stringify({ comment_html: `<p>${commentBody()}</p>` }),
      check: (status, body) => {
        if (status !== 201) throw new Error(`bench: unexpected answer from the sandbox (comment): ${status} ${body.slice(0, 300)}`);
      },
    };
    const runId = randomBytes(4).toString('hex');
    const viaMcpWrite: HttpCall = {
      ...viaMcp,
      body: () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_comment', arguments: { work_item: 'OPS-1', body: commentBody(), idempotency_key: `bench-${runId}-${comments}` } } }),
      check: expectJson('MCP add_comment', (b) => b?.result !== undefined && b.result.isError !== true),
    };
    const floor = await startMcpFloorProcess();
    children.push(floor);
    const viaFloor: HttpCall = { ...viaMcp, url: new URL(`${floor.url}/mcp`), headers: MCP_HEADERS };
    await send(viaMcp);
    const named = { sandbox, gateway, floor };
    const counter = gateway.counts;
    // BENCH_PATHS (or BENCH_ROWS)=a,b,c,d,e,f (default all) picks paths, e.g. to profile one of them alone; (c) is always first.
    const picked = new Set((process.env.BENCH_PATHS ?? process.env.BENCH_ROWS ?? 'a,b,c,d,e,f').split(','));
    const results = [await measure('(c) sandbox directly', direct, named)];
    if (picked.has('a')) results.push(await measure('(a) MCP tools/call', viaMcp, named, undefined, counter));
    if (picked.has('b')) results.push(await measure('(b) REST GET', viaRest, named, undefined, counter));
    if (picked.has('d')) results.push(await measure('(d) MCP SDK alone, tool answers at once', viaFloor, named));
    if (picked.has('e') || picked.has('f')) results.push(await measure('(e) sandbox directly, add a comment', directWrite, named));
    if (picked.has('f')) results.push(await measure('(f) MCP add_comment (idempotency key)', viaMcpWrite, named, '(e) sandbox directly, add a comment', counter));
    process.stdout.write(report(results) + '\n');
    if (INSTANCES > 1) {
      const others = [];
      for (let i = 1; i < INSTANCES; i += 1) others.push(await startGatewayProcess({ DATABASE_URL: databaseUrl, INTERNAL_API_TOKEN: internalToken, TASKER_URL: sandbox.url, TASKER_API_KEY: sandbox.adminKey, TASKER_WORKSPACE: sandbox.workspace }));
      children.push(...others);
      const gateways = [gateway, ...others];
      process.stdout.write('\n' + (await measureInstances(gateways.map((g) => ({ ...viaMcp, url: new URL(`${g.url}/mcp`) })), gateways)) + '\n');
    }
  } finally {
    closeConnections();
    for (const child of children.reverse()) await child.stop();
    await admin(`drop database if exists "${database}" with (force)`);
  }
}

await main();
