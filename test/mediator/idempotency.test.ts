import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Mediator, requestHash } from '../../src/mediator/index.js';
import { sql } from '../../src/store/index.js';
import {
  action, countPosts, expireRecord, failureOf, itemsNamed, newAgent, newKey, startWorld, storedRecord, type MediatorWorld,
} from './support.js';

const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

describe('mediator: idempotency keys on writes', () => {
  let world: MediatorWorld;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('replays the stored result of a sequential retry without calling Tasker again', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('replay');
    const args = { project: 'OPS', name, priority: 'high' };

    const { value: first, posts: firstPosts } = await countPosts(world.sandbox, () => world.mediator.execute(action(world, 'create_work_item', args, agent, key)));
    const { value: second, posts: secondPosts } = await countPosts(world.sandbox, () =>
      world.mediator.execute(action(world, 'create_work_item', { priority: 'high', name, project: 'OPS' }, agent, key)),
    );

    expect(first.replayed).to.equal(false);
    expect(second.replayed).to.equal(true);
    expect(second.result).to.deep.equal(first.result);
    expect(second.tasker).to.deep.equal(first.tasker);
    expect(second.executedUnderDecisionId).to.equal(first.executedUnderDecisionId);
    expect(firstPosts).to.equal(1);
    expect(secondPosts).to.equal(0);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
    expect(first.tasker?.human_id).to.match(/^OPS-\d+$/);
    const stored = await storedRecord(world.orm, agent.id, key);
    expect(stored?.status).to.equal('succeeded');
    expect(stored?.tool).to.equal('create_work_item');
  });

  it('treats the key given as an argument like the key given by the front door', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('argument key');
    const first = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name, idempotency_key: key }, agent));
    const second = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(first.idempotencyKey).to.equal(key);
    expect(second.replayed).to.equal(true);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
  });

  it('refuses two different keys for one call', async () => {
    const err = await failureOf(() =>
      world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: 'two keys', idempotency_key: newKey() }, newAgent(), newKey())),
    );
    expect(err.code).to.equal('invalid_request');
    expect(err.fields?.[0]?.pointer).to.equal('/idempotency_key');
  });

  it('refuses a key reused with different arguments, and Tasker is not called', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('original');
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));

    const changed = uniqueName('changed');
    const { value: err, posts } = await countPosts(world.sandbox, () =>
      failureOf(() => world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: changed }, agent, key))),
    );
    expect(err.code).to.equal('idempotency_key_reused');
    expect(err.message).to.contain('different request');
    expect(posts).to.equal(0);
    expect(itemsNamed(world.sandbox, changed)).to.equal(0);
  });

  it('refuses a key reused for another tool', async () => {
    const agent = newAgent();
    const key = newKey();
    const created = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('tool reuse') }, agent, key));
    const humanId = created.tasker?.human_id as string;
    const err = await failureOf(() => world.mediator.execute(action(world, 'add_comment', { work_item: humanId, body: 'hello' }, agent, key)));
    expect(err.code).to.equal('idempotency_key_reused');
    expect(err.context).to.include({ previous_tool: 'create_work_item' });
  });

  it('keeps keys per agent: another agent with the same key writes on its own', async () => {
    const key = newKey();
    const name = uniqueName('per agent');
    const a = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, newAgent(), key));
    const b = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, newAgent(), key));
    expect(b.replayed).to.equal(false);
    expect(b.tasker?.work_item_id).to.not.equal(a.tasker?.work_item_id);
    expect(itemsNamed(world.sandbox, name)).to.equal(2);
  });

  it('executes 20 concurrent calls with one key exactly once', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('concurrent');
    const args = { project: 'OPS', name, description: 'twenty callers, one write' };
    // Latency on POST keeps the first call in flight while the others arrive.
    const { value: results, posts } = await countPosts(
      world.sandbox,
      () => Promise.all(Array.from({ length: 20 }, () => world.mediator.execute(action(world, 'create_work_item', args, agent, key)))),
      50,
    );
    expect(posts).to.equal(1);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
    expect(results.filter((r) => !r.replayed)).to.have.length(1);
    for (const r of results) expect(r.result).to.deep.equal(results[0]!.result);
    expect((results[0]!.result as { created: boolean }).created).to.equal(true);
  });

  it('lets a waiting caller run the write when the first holder of the key fails', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('holder fails');
    // Every attempt of the first holder (3, see FAST_RETRIES) gets a 503; the next claimant finds Tasker healthy.
    world.sandbox.faults.failNext(3, { methods: ['POST'], status: 503 });
    const settled = await Promise.allSettled(
      Array.from({ length: 5 }, () => world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key))),
    );
    world.sandbox.faults.reset();
    const failed = settled.filter((s) => s.status === 'rejected');
    const succeeded = settled.filter((s) => s.status === 'fulfilled');
    expect(failed).to.have.length(1);
    expect((failed[0] as PromiseRejectedResult).reason.code).to.equal('tasker_unavailable');
    expect(succeeded).to.have.length(4);
    expect(succeeded.filter((s) => !s.value.replayed)).to.have.length(1);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
  });

  it('runs the write again once the key has expired', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('expiry');
    const first = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    await expireRecord(world.orm, agent.id, key);

    const again = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(again.replayed).to.equal(false);
    // Tasker was asked again; the adapter's external id (agent + key) found the item the first call made.
    expect((again.result as { created: boolean }).created).to.equal(false);
    expect(again.tasker?.work_item_id).to.equal(first.tasker?.work_item_id);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
  });

  it('accepts other arguments under a key that has expired', async () => {
    const agent = newAgent();
    const key = newKey();
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('before expiry') }, agent, key));
    await expireRecord(world.orm, agent.id, key);
    const name = uniqueName('after expiry');
    const next = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(next.replayed).to.equal(false);
    expect((await storedRecord(world.orm, agent.id, key))?.request_hash).to.equal(requestHash('create_work_item', { project: 'OPS', name }));
  });

  it('keeps keys for the configured time, 24 hours by default', async () => {
    const agent = newAgent();
    const key = newKey();
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('ttl default') }, agent, key));
    expect((await storedRecord(world.orm, agent.id, key))?.ttl_seconds).to.equal(24 * 3600);

    const shortLived = new Mediator({ orm: world.orm, adapter: world.adapter, registry: world.registry }, { idempotencyTtlMs: 90_000 });
    const key2 = newKey();
    await shortLived.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('ttl short') }, agent, key2));
    expect((await storedRecord(world.orm, agent.id, key2))?.ttl_seconds).to.equal(90);
  });

  it('purges expired records and only those', async () => {
    const agent = newAgent();
    const live = newKey();
    const dead = newKey();
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('live') }, agent, live));
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('dead') }, agent, dead));
    await expireRecord(world.orm, agent.id, dead);

    const purged = await world.mediator.purgeExpired();
    expect(purged).to.be.at.least(1);
    expect(await storedRecord(world.orm, agent.id, dead)).to.equal(undefined);
    expect((await storedRecord(world.orm, agent.id, live))?.status).to.equal('succeeded');
  });

  it('purges expired records on a timer once started, until stopped', async () => {
    const agent = newAgent();
    const key = newKey();
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('timer') }, agent, key));
    await expireRecord(world.orm, agent.id, key);
    const stop = world.mediator.startPurging(20);
    try {
      for (let i = 0; i < 250 && (await storedRecord(world.orm, agent.id, key)); i += 1) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop();
    }
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);
  });

  it('answers idempotency_in_progress while another holder runs the same write past the wait', async () => {
    const agent = newAgent();
    const key = newKey();
    const args = { project: 'OPS', name: uniqueName('held') };
    await holdKey(agent.id, key, requestHash('create_work_item', args), '1 hour');
    const impatient = new Mediator({ orm: world.orm, adapter: world.adapter, registry: world.registry }, { inProgressWaitMs: 50 });
    const { value: err, posts } = await countPosts(world.sandbox, () => failureOf(() => impatient.execute(action(world, 'create_work_item', args, agent, key))));
    expect(err.code).to.equal('idempotency_in_progress');
    expect(posts).to.equal(0);
  });

  it('takes over a key whose holder died (lease over) and runs the write', async () => {
    const agent = newAgent();
    const key = newKey();
    const args = { project: 'OPS', name: uniqueName('orphaned') };
    await holdKey(agent.id, key, requestHash('create_work_item', args), '-1 second');
    const result = await world.mediator.execute(action(world, 'create_work_item', args, agent, key));
    expect(result.replayed).to.equal(false);
    expect(itemsNamed(world.sandbox, args.name)).to.equal(1);
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
  });

  it('does not keep reads or unkeyed writes', async () => {
    const agent = newAgent();
    const key = newKey();
    const read = await world.mediator.execute(action(world, 'get_work_item', { work_item: 'OPS-1' }, agent, key));
    expect(read.idempotencyKey).to.equal(null);
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);

    const name = uniqueName('unkeyed');
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent));
    await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent));
    expect(itemsNamed(world.sandbox, name)).to.equal(2);
    const [{ n }] = await sql<{ n: number }>(world.orm.em.fork(), 'select count(*)::int as n from idempotency_records where agent_id = ?', [agent.id]);
    expect(n).to.equal(0);
  });

  /** An `in_progress` row of another (live or dead) holder, with its lease ending after `lease`. */
  async function holdKey(agentId: string, key: string, hash: string, lease: string): Promise<void> {
    await sql(
      world.orm.em.fork(),
      `insert into idempotency_records (agent_id, idempotency_key, tool, request_hash, status, claim_token, decision_id, created_at, lease_expires_at, expires_at)
       values (?, ?, 'create_work_item', ?, 'in_progress', ?, 'dec-other', now(), now() + ?::interval, now() + interval '1 day')`,
      [agentId, key, hash, randomUUID(), lease],
    );
  }
});
