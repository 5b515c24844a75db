import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../support/index.js';
import { READ_GRANT, callTool, eventsOfDecision, failureOf, newAgent, startWorld, type World } from './support.js';

const HOLD_KEY = 4_100_777;
const WRITE_GRANT = { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A trigger on the audit chain for one agent's decisions: `hold` makes the append wait for an
 * advisory lock the test holds (the decision is not durable until the test lets go); `refuse`
 * makes the database refuse it.
 */
async function onDecisionsOf(db: pg.Client, agentId: string, mode: 'hold' | 'refuse' | null): Promise<void> {
  await db.query('drop trigger if exists test_decision_gate on audit_events');
  if (mode === null) return;
  const body = mode === 'hold' ? `perform pg_advisory_lock_shared(${HOLD_KEY}); perform pg_advisory_unlock_shared(${HOLD_KEY});` : `raise exception 'test: the chain refuses this decision';`;
  await db.query(`create or replace function test_decision_gate() returns trigger language plpgsql as $$
    begin
      if new.kind = 'decision' and new.agent_id = '${agentId}' then ${body} end if;
      return new;
    end; $$`);
  await db.query('create trigger test_decision_gate before insert on audit_events for each row execute function test_decision_gate()');
}

async function until(probe: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

describe('decision pipeline: a read overlaps its record, a write does not', function () {
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
    await db?.query('drop trigger if exists test_decision_gate on audit_events').catch(() => undefined);
    await Promise.all([db?.end(), holder?.end()]);
    await world?.close();
  });
  afterEach(async () => {
    await holder.query('select pg_advisory_unlock_all()');
    await onDecisionsOf(db, '00000000-0000-0000-0000-000000000000', null);
  });

  const requests = () => world.sandbox.faults.stats.requests;
  const writes = () => world.sandbox.faults.stats.writes;

  it('sends an allowed read to Tasker while its decision is being recorded, and answers only once it is durable', async () => {
    const agent = await newAgent(world, READ_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }); // project lookups cached
    await holder.query('select pg_advisory_lock($1)', [HOLD_KEY]);
    await onDecisionsOf(db, agent.agent.id, 'hold');
    const before = requests();
    let answered = false;
    const pending = callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }).finally(() => (answered = true));
    expect(await until(() => requests() > before), 'Tasker was asked while the decision was held').to.equal(true);
    await sleep(300);
    expect(answered, 'no answer before the decision is durable').to.equal(false);
    await holder.query('select pg_advisory_unlock($1)', [HOLD_KEY]);
    const out = await pending;
    expect(out.status).to.equal('ok');
    const events = await eventsOfDecision(world, agent.agent.id, out.decisionId);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome']);
  });

  it('drops the read\'s result and fails closed when the decision cannot be recorded', async () => {
    const agent = await newAgent(world, READ_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' });
    await onDecisionsOf(db, agent.agent.id, 'refuse');
    const before = requests();
    const failure = await failureOf(() => callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }));
    expect(requests(), 'the read had been sent').to.be.greaterThan(before);
    expect(failure.code).to.not.equal('ok');
    expect(JSON.stringify(failure), 'no work item data in the failure').to.not.include('OPS-1"');
    expect(failure.context).to.not.have.property('work_item');
    const page = await world.gw.gateway.deps.audit.query(world.gw.gateway.deps.orm.em.fork(), { agentId: agent.agent.id, kind: 'outcome' }, 50);
    expect(page.items.filter((e) => e.detail.decision_id === failure.context?.decision_id), 'no outcome for an unrecorded decision').to.deep.equal([]);
  });

  it('keeps record-then-act for a write: nothing reaches Tasker before its decision is durable', async () => {
    const agent = await newAgent(world, WRITE_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' });
    await holder.query('select pg_advisory_lock($1)', [HOLD_KEY]);
    await onDecisionsOf(db, agent.agent.id, 'hold');
    const before = writes();
    const pending = callTool(world, agent, 'add_comment', { work_item: 'OPS-1', body: 'overlap test', idempotency_key: `overlap-${Date.now()}` });
    await sleep(500);
    expect(writes(), 'no write while the decision is held').to.equal(before);
    await holder.query('select pg_advisory_unlock($1)', [HOLD_KEY]);
    const out = await pending;
    expect(out.status).to.equal('ok');
    expect(writes()).to.be.greaterThan(before);
  });
});
