import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { claimAndJournal, completeAndForget } from '../../src/mediator/keyed-write-statements.js';
import type { ClaimRequest } from '../../src/mediator/idempotency-store.js';
import type { JournalEntry } from '../../src/mediator/write-journal.js';
import { sql, type Orm } from '../../src/store/index.js';
import { action, newAgent, newKey, startWorld, storedRecord, type MediatorWorld } from './support.js';

async function journalRows(orm: Orm, decisionId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(orm.em.fork(), 'select count(*)::int as n from tasker_writes where decision_id = ?', [decisionId]);
  return Number(row?.n ?? 0);
}

function claimOf(agentId: string, key: string): { request: ClaimRequest; entry: JournalEntry } {
  const decisionId = `dec-${randomUUID()}`;
  const request: ClaimRequest = { agentId, key, tool: 'add_comment', requestHash: 'h', claimToken: randomUUID(), decisionId, leaseMs: 60_000, ttlMs: 3_600_000 };
  const entry: JournalEntry = { decisionId, agent: { ...newAgent(), id: agentId }, idempotencyKey: key, claimToken: request.claimToken, tool: 'add_comment', args: { work_item: 'OPS-1', body: 'x' }, holderLock: null };
  return { request, entry };
}

describe('mediator: a keyed write claims and completes in one statement each', () => {
  let world: MediatorWorld;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('holds the key with its write journaled while Tasker runs it, and leaves only the stored result afterwards', async () => {
    const agent = newAgent();
    const key = newKey();
    const call = action(world, 'add_comment', { work_item: 'OPS-1', body: 'claimed and journaled together' }, agent, key);
    world.sandbox.faults.setLatency(400, { methods: ['POST'] });
    let during: { status?: string; journal: number } | undefined;
    try {
      const running = world.mediator.execute(call);
      for (let i = 0; i < 200 && !during; i += 1) {
        const record = await storedRecord(world.orm, agent.id, key);
        if (record) during = { status: record.status, journal: await journalRows(world.orm, call.decisionId) };
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await running;
    } finally {
      world.sandbox.faults.setLatency(0, { methods: ['POST'] });
    }
    expect(during).to.deep.equal({ status: 'in_progress', journal: 1 });
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
    expect(await journalRows(world.orm, call.decisionId)).to.equal(0);
  });

  it('journals nothing when the key is held by another claim', async () => {
    const agentId = randomUUID();
    const key = newKey();
    const first = claimOf(agentId, key);
    const second = claimOf(agentId, key);
    expect(await claimAndJournal(world.orm.em.fork(), first.request, first.entry)).to.equal(true);
    expect(await claimAndJournal(world.orm.em.fork(), second.request, second.entry)).to.equal(false);
    expect(await journalRows(world.orm, first.request.decisionId)).to.equal(1);
    expect(await journalRows(world.orm, second.request.decisionId)).to.equal(0);
  });

  it('stores nothing for a claim that was taken over, but still takes its write off the journal', async () => {
    const agentId = randomUUID();
    const key = newKey();
    const mine = claimOf(agentId, key);
    expect(await claimAndJournal(world.orm.em.fork(), mine.request, mine.entry)).to.equal(true);
    await sql(world.orm.em.fork(), 'update idempotency_records set claim_token = ? where agent_id = ? and idempotency_key = ?', [randomUUID(), agentId, key]);
    expect(await completeAndForget(world.orm.em.fork(), mine.request, { result: { ok: true }, taskerRef: null })).to.equal(false);
    expect((await storedRecord(world.orm, agentId, key))?.status).to.equal('in_progress');
    expect(await journalRows(world.orm, mine.request.decisionId)).to.equal(0);
  });
});
