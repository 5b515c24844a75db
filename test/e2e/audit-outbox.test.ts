import { expect } from 'chai';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { verifyChain } from '../../src/audit/index.js';
import { AUDIT_OUTCOME_META } from '../../src/mcp/index.js';
import { sql } from '../../src/store/index.js';
import { call } from '../support/index.js';
import { WRITE_OPS, mcpClient, newAgent, rest, startStack, type Stack } from './support.js';

/** The kinds of the chain's events about one decision, read straight from the table (no wait for queued events). */
async function kindsInChain(stack: Stack, decisionId: string): Promise<string[]> {
  const rows = await sql<{ kind: string }>(stack.gw.gateway.deps.orm.em.fork(), `select kind from audit_events where subject_type = 'decision' and subject_id = ? order by seq`, [decisionId]);
  return rows.map((r) => r.kind);
}

async function metric(stack: Stack, line: RegExp): Promise<number> {
  const text = (await call(stack.baseUrl, 'GET', '/metrics')).text;
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Makes the chain refuse outcome events (a stand-in for a chain that cannot take them), or stops it. */
async function refuseOutcomes(stack: Stack, on: boolean): Promise<void> {
  const em = stack.gw.gateway.deps.orm.em.fork();
  await sql(em, 'drop trigger if exists test_refuse_outcomes on audit_events');
  if (!on) return;
  await sql(em, `create or replace function test_refuse_outcomes() returns trigger language plpgsql as $$
    begin if new.kind = 'outcome' then raise exception 'test: the chain refuses outcome events'; end if; return new; end $$`);
  await sql(em, 'create trigger test_refuse_outcomes before insert on audit_events for each row execute function test_refuse_outcomes()');
}

describe('e2e: no write is answered as done unless its outcome is in the chain or kept in the outbox', function () {
  this.timeout(120_000);
  let stack: Stack;
  let token: string;
  let agentId: string;

  before(async () => {
    stack = await startStack();
    ({ token, agentId } = await newAgent(stack, WRITE_OPS));
  });
  after(async () => {
    await refuseOutcomes(stack, false).catch(() => undefined);
    await stack?.close();
  });

  it('a write answered as recorded has its outcome in the chain when the answer arrives', async () => {
    const res = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'outbox recorded write' });
    expect(res.status, res.text).to.equal(201);
    expect(res.headers.get('x-audit-outcome')).to.equal('recorded');
    expect(await kindsInChain(stack, res.headers.get('x-decision-id')!)).to.deep.equal(['decision', 'outcome']);
  });

  it('keeps the outcomes the chain refuses, says so in the answer, moves the metric, logs the gap, and appends them once the chain takes them', async () => {
    const keptBefore = await metric(stack, /^agent_gateway_audit_outbox_events_total\{event="kept"\}/);
    const relayedBefore = await metric(stack, /^agent_gateway_audit_outbox_events_total\{event="relayed"\}/);
    await refuseOutcomes(stack, true);
    const write = await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'outbox pending write' });
    expect(write.status, write.text).to.equal(201);
    expect(write.headers.get('x-audit-outcome')).to.equal('pending');
    const client = await mcpClient(stack, token);
    let readDecision: string;
    try {
      const created = (await client.callTool({ name: 'create_work_item', arguments: { project: 'OPS', name: 'outbox pending mcp write' } })) as CallToolResult;
      expect(created.isError, JSON.stringify(created)).to.not.equal(true);
      expect(created._meta?.[AUDIT_OUTCOME_META]).to.equal('pending');
      expect((created.content[1] as { text: string }).text).to.match(/audit outbox/);
      const listed = await rest(stack, token, 'GET', '/work-items/search?query=outbox');
      expect(listed.status).to.equal(200);
      expect(listed.headers.get('x-audit-outcome')).to.equal(null);
      readDecision = listed.headers.get('x-decision-id')!;
    } finally {
      await client.close();
    }
    const writeDecision = write.headers.get('x-decision-id')!;
    expect(await kindsInChain(stack, writeDecision)).to.deep.equal(['decision']);
    await eventually(async () => (await metric(stack, /^agent_gateway_audit_outbox_events_total\{event="kept"\}/)) - keptBefore >= 3);
    expect(await metric(stack, /^agent_gateway_audit_outbox_backlog /)).to.be.at.least(3);
    expect(stack.gw.logs.text()).to.match(/audit outcome kept in the outbox/);

    await refuseOutcomes(stack, false);
    await eventually(async () => (await kindsInChain(stack, writeDecision)).includes('outcome') && (await kindsInChain(stack, readDecision)).includes('outcome'));
    // Every allowed call of the agent (the MCP write too) has exactly one outcome.
    const unmatched = await sql(stack.gw.gateway.deps.orm.em.fork(), `select d.subject_id, (select count(*) from audit_events o where o.kind = 'outcome' and o.subject_id = d.subject_id) as outcomes
      from audit_events d where d.kind = 'decision' and d.agent_id = ? and d.detail->>'result' = 'allow'`, [agentId]);
    expect(unmatched.filter((r) => Number(r.outcomes) !== 1)).to.deep.equal([]);
    expect(unmatched).to.have.length(4);
    await eventually(async () => (await metric(stack, /^agent_gateway_audit_outbox_backlog /)) === 0);
    expect((await metric(stack, /^agent_gateway_audit_outbox_events_total\{event="relayed"\}/)) - relayedBefore).to.be.at.least(3);
    const [outcome] = await sql<{ detail: Record<string, unknown> }>(stack.gw.gateway.deps.orm.em.fork(), `select detail from audit_events where kind = 'outcome' and subject_id = ?`, [writeDecision]);
    expect(outcome!.detail).to.include({ result: 'ok', tool: 'create_work_item' });
    expect(outcome!.detail.kept_in_outbox).to.have.keys(['id', 'kept_at']);
    expect(await verifyChain(stack.gw.gateway.deps.orm.em.fork())).to.include({ ok: true });
  });
});
