import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { verifyChain } from '../../src/audit/index.js';
import { sql } from '../../src/store/index.js';
import { call, type HttpResult } from '../support/index.js';
import { READ_OPS, WRITE_OPS, errorBodyOf, mcpClient, newAgent, rest, startStack, type Stack } from './support.js';

const WRITERS = 3;
const READERS = 3;
const CALLS_PER_AGENT = 30;
const HOSTILE_WORKERS = 4;
const HOSTILE_CALLS_PER_WORKER = 60;
const NAME_PREFIX = 'neighbour write';

/** What one hostile call sends: the values that used to make PostgreSQL refuse a whole group-commit batch. */
const HOSTILE_CALLS: Array<{ tool: string; args: string }> = [
  { tool: 'who\u0000ami', args: '{}' },
  { tool: 'list_projects', args: '{"\\u0000":1}' },
  { tool: 'create_work_item', args: '{"project":"OPS","name":"x","idempotency_key":"nul-\\u0000-key-1"}' },
  { tool: '\ud800', args: '{}' },
  { tool: 'list_projects', args: '{"limit":1e999}' },
  { tool: 'search_work_items', args: '{"query":"\\ud800"}' },
  { tool: 'list_projects', args: `{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}` },
];

interface Tally {
  tried: number;
  failures: string[];
}

/**
 * The scenario under load: one read-only agent sends NUL, lone surrogates, 1e999 and deep
 * JSON as fast as it can, beside well-behaved agents reading and writing through both front doors.
 * None of their calls may fail, and every write carried out in Tasker must have its outcome in the chain.
 */
describe('e2e: a hostile agent beside well-behaved agents under load', function () {
  this.timeout(600_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  async function hostile(token: string, worker: number, tally: Tally): Promise<void> {
    for (let i = 0; i < HOSTILE_CALLS_PER_WORKER; i += 1) {
      const { tool, args } = HOSTILE_CALLS[(worker + i) % HOSTILE_CALLS.length]!;
      tally.tried += 1;
      const res = await call(stack.baseUrl, 'POST', '/mcp', {
        raw: `{"jsonrpc":"2.0","id":${i},"method":"tools/call","params":{"name":${JSON.stringify(tool)},"arguments":${args}}}`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      });
      // An unknown tool name is a JSON-RPC -32602 (MCP); bad arguments of a known tool are isError results.
      if (res.status === 200 && res.body?.error?.code === -32602) continue;
      const code = res.status === 200 && res.body?.result?.isError ? errorBodyOf(res.body.result as CallToolResult).code : `http ${res.status}`;
      if (!['validation_failed', 'not_found'].includes(code)) tally.failures.push(`hostile ${tool}: ${code}`);
    }
  }

  async function writer(token: string, n: number, tally: Tally): Promise<string[]> {
    const names: string[] = [];
    const client = await mcpClient(stack, token);
    try {
      for (let i = 0; i < CALLS_PER_AGENT; i += 1) {
        const name = `${NAME_PREFIX} ${n}-${i}`;
        names.push(name);
        tally.tried += 1;
        if (i % 2 === 0) {
          const res = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name }, { 'idempotency-key': `neighbour-${n}-${i}-key` });
          if (res.status !== 201 || res.headers.get('x-audit-outcome') !== 'recorded') tally.failures.push(`writer ${n} rest: ${res.status} ${res.headers.get('x-audit-outcome')} ${res.text.slice(0, 200)}`);
        } else {
          const result = (await client.callTool({ name: 'create_work_item', arguments: { project: 'OPS', name, idempotency_key: `neighbour-${n}-${i}-key` } })) as CallToolResult;
          if (result.isError || result._meta?.['nodedc.dev/audit_outcome'] !== 'recorded') tally.failures.push(`writer ${n} mcp: ${JSON.stringify(result).slice(0, 200)}`);
        }
      }
    } finally {
      await client.close();
    }
    return names;
  }

  async function reader(token: string, n: number, tally: Tally): Promise<void> {
    const client = await mcpClient(stack, token);
    try {
      for (let i = 0; i < CALLS_PER_AGENT; i += 1) {
        tally.tried += 1;
        if (i % 3 === 2) {
          const result = (await client.callTool({ name: 'get_work_item', arguments: { work_item: 'OPS-1' } })) as CallToolResult;
          if (result.isError) tally.failures.push(`reader ${n} mcp: ${JSON.stringify(result).slice(0, 200)}`);
          continue;
        }
        const res: HttpResult = i % 3 === 0 ? await rest(stack, token, 'GET', '/projects/OPS/work-items?limit=20') : await rest(stack, token, 'GET', '/work-items/search?query=neighbour');
        if (res.status !== 200) tally.failures.push(`reader ${n} rest: ${res.status} ${res.text.slice(0, 200)}`);
      }
    } finally {
      await client.close();
    }
  }

  it('fails none of the others and leaves no executed write without its outcome in the chain', async () => {
    const hostileAgent = await newAgent(stack, READ_OPS);
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => newAgent(stack, WRITE_OPS)));
    const readers = await Promise.all(Array.from({ length: READERS }, () => newAgent(stack, READ_OPS)));
    const good: Tally = { tried: 0, failures: [] };
    const bad: Tally = { tried: 0, failures: [] };

    const started = performance.now();
    const [written] = await Promise.all([
      Promise.all(writers.map((w, n) => writer(w.token, n, good))).then((lists) => lists.flat()),
      Promise.all(readers.map((r, n) => reader(r.token, n, good))),
      Promise.all(Array.from({ length: HOSTILE_WORKERS }, (_, w) => hostile(hostileAgent.token, w, bad))),
    ]);
    const seconds = (performance.now() - started) / 1000;

    const em = stack.gw.gateway.deps.orm.em.fork();
    const items = stack.sandbox.data.workItems.filter((w) => w.name.startsWith(NAME_PREFIX) && !w.deleted_at);
    const outcomes = await sql<{ id: string }>(em, `select detail->'tasker'->>'work_item_id' as id from audit_events where kind = 'outcome' and detail->>'tool' = 'create_work_item' and detail->>'result' = 'ok'`);
    const withOutcome = new Set(outcomes.map((o) => o.id));
    const withoutOutcome = items.filter((item) => !withOutcome.has(item.id));
    const [hostileDecisions] = await sql<{ n: string }>(em, `select count(*) as n from audit_events where kind = 'decision' and agent_id = ?`, [hostileAgent.agentId]);
    const verdict = await verifyChain(em);

    // The figures of this run, for the report.
    console.log(
      `      noisy neighbour: ${good.tried} well-behaved calls (${good.failures.length} failed), ${bad.tried} hostile calls (${bad.failures.length} not refused cleanly, ` +
        `${hostileDecisions!.n} recorded), ${items.length} writes in Tasker, ${items.length - withoutOutcome.length} with their outcome in the chain, ` +
        `${seconds.toFixed(1)} s, chain ${verdict.ok ? 'verified' : 'BROKEN'} (${verdict.checked} events)`,
    );
    expect(good.failures).to.deep.equal([]);
    expect(bad.failures).to.deep.equal([]);
    expect(good.tried).to.equal((WRITERS + READERS) * CALLS_PER_AGENT);
    expect(items.map((i) => i.name).sort()).to.deep.equal([...written].sort());
    expect(withoutOutcome.map((i) => i.name)).to.deep.equal([]);
    expect(Number(hostileDecisions!.n)).to.equal(HOSTILE_WORKERS * HOSTILE_CALLS_PER_WORKER);
    expect(verdict).to.include({ ok: true });
  });
});
