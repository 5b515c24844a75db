import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from '../../src/store/index.js';
import { action, countPosts, failureOf, itemsNamed, newAgent, newKey, startWorld, storedRecord, type MediatorWorld } from './support.js';

const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A decision still being recorded: the test says when (and whether) it became durable. */
function pendingDecision(): { recorded: Promise<boolean>; settle: (ok: boolean) => void } {
  let settle!: (ok: boolean) => void;
  const recorded = new Promise<boolean>((resolve) => (settle = resolve));
  return { recorded, settle };
}

async function until(probe: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

describe('mediator: a write claims its key while its decision is recorded', () => {
  let world: MediatorWorld;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  const journaled = async (decisionId: string) =>
    (await sql<{ n: number }>(world.orm.em.fork(), 'select count(*)::int as n from tasker_writes where decision_id = ?', [decisionId]))[0]!.n;

  it('claims the key and journals the write before the decision is durable, and sends nothing to Tasker until it is', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('claimed early');
    const run = action(world, 'create_work_item', { project: 'OPS', name }, agent, key);
    const decision = pendingDecision();
    const { value, posts } = await countPosts(world.sandbox, async () => {
      const started = world.mediator.start(run, decision.recorded);
      expect(await until(async () => (await storedRecord(world.orm, agent.id, key))?.status === 'in_progress'), 'the key is claimed meanwhile').to.equal(true);
      expect(await journaled(run.decisionId), 'the write is journaled meanwhile').to.equal(1);
      await sleep(100);
      expect(itemsNamed(world.sandbox, name), 'nothing sent before the decision is recorded').to.equal(0);
      decision.settle(true);
      const { settled, ...done } = await started;
      await settled;
      return done;
    });
    expect(value.replayed).to.equal(false);
    expect(posts).to.equal(1);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
    expect(await journaled(run.decisionId)).to.equal(0);
  });

  it('gives the key and the journal row back when the decision is not recorded, sends nothing, and a retry with the key runs', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('not recorded');
    const run = action(world, 'create_work_item', { project: 'OPS', name }, agent, key);
    const decision = pendingDecision();
    const { value: failure, posts } = await countPosts(world.sandbox, async () => {
      const started = failureOf(() => world.mediator.start(run, decision.recorded));
      await until(async () => (await storedRecord(world.orm, agent.id, key)) !== undefined);
      decision.settle(false);
      return started;
    });
    expect(failure.code).to.equal('internal_error');
    expect(posts).to.equal(0);
    expect(await storedRecord(world.orm, agent.id, key), 'the key is free again').to.equal(undefined);
    expect(await journaled(run.decisionId), 'no journal row left for the reconciler').to.equal(0);
    const retry = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(retry.replayed).to.equal(false);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
  });

  it('answers a replay as before once the decision is recorded, and a replay whose decision is not recorded changes nothing', async () => {
    const agent = newAgent();
    const key = newKey();
    const args = { project: 'OPS', name: uniqueName('replayed early') };
    const first = await world.mediator.execute(action(world, 'create_work_item', args, agent, key));
    const { value: replay, posts } = await countPosts(world.sandbox, async () => {
      const { settled, ...done } = await world.mediator.start(action(world, 'create_work_item', args, agent, key), Promise.resolve(true));
      await settled;
      return done;
    });
    expect(posts).to.equal(0);
    expect(replay.replayed).to.equal(true);
    expect(replay.result).to.deep.equal(first.result);
    expect(replay.executedUnderDecisionId).to.equal(first.executedUnderDecisionId);
    const refused = await failureOf(() => world.mediator.start(action(world, 'create_work_item', args, agent, key), Promise.resolve(false)));
    expect(refused.code).to.equal('internal_error');
    const stored = await storedRecord(world.orm, agent.id, key);
    expect(stored?.status, 'the stored result is kept').to.equal('succeeded');
    expect(stored?.decision_id).to.equal(first.executedUnderDecisionId);
  });

  it('never takes a key held by another call for a decision that is not recorded', async () => {
    const agent = newAgent();
    const key = newKey();
    const args = { project: 'OPS', name: uniqueName('held') };
    const holder = pendingDecision();
    const first = world.mediator.start(action(world, 'create_work_item', args, agent, key), holder.recorded);
    await until(async () => (await storedRecord(world.orm, agent.id, key))?.status === 'in_progress');
    const heldBy = (await storedRecord(world.orm, agent.id, key))?.decision_id;
    const refused = await failureOf(() => world.mediator.start(action(world, 'create_work_item', args, agent, key), Promise.resolve(false)));
    expect(refused.code).to.equal('internal_error');
    expect((await storedRecord(world.orm, agent.id, key))?.decision_id, 'the holder keeps its claim').to.equal(heldBy);
    holder.settle(true);
    const { settled } = await first;
    await settled;
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
  });

  it('moves the journal row\'s sent_at up to the send when the decision took long, so a crash is settled from the real send', async () => {
    const agent = newAgent();
    const key = newKey();
    const run = action(world, 'create_work_item', { project: 'OPS', name: uniqueName('slow decision') }, agent, key);
    const ageMs = async () =>
      (await sql<{ age_ms: number }>(world.orm.em.fork(), 'select (extract(epoch from now() - sent_at) * 1000)::float8 as age_ms from tasker_writes where decision_id = ?', [run.decisionId]))[0]?.age_ms;
    const decision = pendingDecision();
    const started = world.mediator.start(run, decision.recorded);
    await until(async () => (await journaled(run.decisionId)) === 1);
    await sleep(600);
    expect(await ageMs()).to.be.at.least(500);
    world.sandbox.faults.setLatency(1_000, { methods: ['POST'] });
    try {
      decision.settle(true);
      await sleep(200);
      expect(await ageMs(), 'sent_at follows the send, not the claim').to.be.below(500);
      const { settled } = await started;
      await settled;
    } finally {
      world.sandbox.faults.setLatency(0, { methods: ['POST'] });
    }
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
  });

  it('takes an unkeyed write off the journal when its decision is not recorded, having sent nothing', async () => {
    const name = uniqueName('unkeyed');
    const run = action(world, 'create_work_item', { project: 'OPS', name }, newAgent());
    const decision = pendingDecision();
    const { value: failure, posts } = await countPosts(world.sandbox, async () => {
      const started = failureOf(() => world.mediator.start(run, decision.recorded));
      await until(async () => (await journaled(run.decisionId)) === 1);
      decision.settle(false);
      return started;
    });
    expect(failure.code).to.equal('internal_error');
    expect(posts).to.equal(0);
    expect(itemsNamed(world.sandbox, name)).to.equal(0);
    expect(await journaled(run.decisionId)).to.equal(0);
  });
});
