import { expect } from 'chai';
import pg from 'pg';
import { sql } from '../../src/store/index.js';
import { callTool, failureOf, newAgent, startWorld, type World } from '../decision/support.js';
import { testDatabaseUrl } from '../support/index.js';

const WRITE_GRANT = { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] };
const HOLD_KEY = 4_100_778;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A trigger on the audit chain for one agent's decisions: `hold` waits for the test's advisory lock, `refuse` fails the append. */
async function onDecisionsOf(db: pg.Client, agentId: string, mode: 'hold' | 'refuse' | null): Promise<void> {
  await db.query('drop trigger if exists test_write_decision_gate on audit_events');
  if (mode === null) return;
  const body = mode === 'hold' ? `perform pg_advisory_lock_shared(${HOLD_KEY}); perform pg_advisory_unlock_shared(${HOLD_KEY});` : `raise exception 'test: the chain refuses this decision';`;
  await db.query(`create or replace function test_write_decision_gate() returns trigger language plpgsql as $$
    begin
      if new.kind = 'decision' and new.agent_id = '${agentId}' then ${body} end if;
      return new;
    end; $$`);
  await db.query('create trigger test_write_decision_gate before insert on audit_events for each row execute function test_write_decision_gate()');
}

describe('keyed writes: the key is claimed while the decision is recorded, and only a recorded allow keeps it', function () {
  this.timeout(120_000);
  let world: World;
  let db: pg.Client;
  let holder: pg.Client;

  before(async () => {
    world = await startWorld();
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await Promise.all([db.connect(), holder.connect()]);
  });
  after(async () => {
    await db?.query('drop trigger if exists test_write_decision_gate on audit_events').catch(() => undefined);
    await Promise.all([db?.end(), holder?.end()]);
    await world?.close();
  });
  afterEach(async () => {
    await holder.query('select pg_advisory_unlock_all()');
    await onDecisionsOf(db, '00000000-0000-0000-0000-000000000000', null);
  });

  const keyStatus = async (agentId: string, key: string) =>
    (await sql<{ status: string }>(world.gw.gateway.deps.orm.em.fork(), 'select status from idempotency_records where agent_id = ? and idempotency_key = ?', [agentId, key]))[0]?.status;
  const commentsWith = (body: string) => world.sandbox.data.comments.filter((c) => c.comment_html.includes(body) && !c.deleted_at).length;

  it('claims the key while the decision is held, and writes to Tasker only once the decision is durable', async () => {
    const agent = await newAgent(world, WRITE_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' });
    await holder.query('select pg_advisory_lock($1)', [HOLD_KEY]);
    await onDecisionsOf(db, agent.agent.id, 'hold');
    const key = `overlap-${Date.now()}`;
    const body = `claimed while held ${key}`;
    const pending = callTool(world, agent, 'add_comment', { work_item: 'OPS-1', body, idempotency_key: key });
    const end = Date.now() + 5_000;
    while ((await keyStatus(agent.agent.id, key)) !== 'in_progress' && Date.now() < end) await sleep(10);
    expect(await keyStatus(agent.agent.id, key), 'the key is claimed while the decision is held').to.equal('in_progress');
    await sleep(200);
    expect(commentsWith(body), 'nothing written before the decision is durable').to.equal(0);
    await holder.query('select pg_advisory_unlock($1)', [HOLD_KEY]);
    const out = await pending;
    expect(out.status).to.equal('ok');
    expect(commentsWith(body)).to.equal(1);
    expect(await keyStatus(agent.agent.id, key)).to.equal('succeeded');
  });

  it('gives the key back when the decision cannot be recorded, writes nothing, and a retry with the key runs once', async () => {
    const agent = await newAgent(world, WRITE_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' });
    await onDecisionsOf(db, agent.agent.id, 'refuse');
    const key = `refused-${Date.now()}`;
    const body = `decision refused ${key}`;
    const failure = await failureOf(() => callTool(world, agent, 'add_comment', { work_item: 'OPS-1', body, idempotency_key: key }));
    expect(failure.code).to.not.equal('ok');
    expect(commentsWith(body), 'nothing sent without a recorded allow').to.equal(0);
    expect(await keyStatus(agent.agent.id, key), 'no claim left behind to block the retry').to.equal(undefined);
    await onDecisionsOf(db, agent.agent.id, null);
    const retry = await callTool(world, agent, 'add_comment', { work_item: 'OPS-1', body, idempotency_key: key });
    expect(retry).to.include({ status: 'ok', replayed: false });
    expect(commentsWith(body)).to.equal(1);
  });

  it('claims nothing for a write denied by the budget, so the key is free once budget allows', async () => {
    const agent = await newAgent(world, { ...WRITE_GRANT, constraints: { write_budget_per_hour: 1 } });
    expect((await callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: `within budget ${agent.agent.id}`, idempotency_key: `b1-${agent.agent.id}` })).status).to.equal('ok');
    const key = `b2-${agent.agent.id}`;
    const denied = await failureOf(() => callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: `over budget ${agent.agent.id}`, idempotency_key: key }));
    expect(denied.code).to.equal('denied');
    expect(await keyStatus(agent.agent.id, key)).to.equal(undefined);
  });

  it('claims nothing for a write the policy denies', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read'] });
    const key = `denied-${agent.agent.id}`;
    const denied = await failureOf(() => callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: 'not granted', idempotency_key: key }));
    expect(denied.code).to.equal('denied');
    expect(await keyStatus(agent.agent.id, key)).to.equal(undefined);
  });
});
