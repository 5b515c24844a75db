import { expect } from 'chai';
import { AuditLog, REFUSED_EVENT_KIND, verifyChain, type AuditEventInput, type AuditRecord } from '../../src/audit/index.js';
import { isEventFault } from '../../src/audit/refusal.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

function event(kind: string, actorId: string, i: number): AuditEventInput {
  return { kind, actor: { type: 'system', id: actorId }, outcome: 'success', detail: { i } };
}

async function countOf(orm: Orm, kind: string): Promise<number> {
  const [row] = await sql<{ n: string }>(orm.em.fork(), 'select count(*) as n from audit_events where kind = ?', [kind]);
  return Number(row!.n);
}

function settle(promises: Promise<AuditRecord>[]) {
  return Promise.allSettled(promises);
}

describe('audit: group commit of events appended outside a transaction', function () {
  this.timeout(60_000);
  let orm: Orm;
  let other: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
    other = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
  });
  after(async () => {
    await orm.close(true);
    await other.close(true);
  });

  it('writes events appended together in one transaction, in order, each caller getting its own record', async () => {
    const audit = new AuditLog();
    const records = await Promise.all(Array.from({ length: 30 }, (_, i) => audit.append(orm.em.fork(), event('test.group.together', 'together', i))));
    expect(records.map((r) => r.detail.i)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
    for (let i = 1; i < records.length; i += 1) {
      expect(BigInt(records[i]!.seq)).to.equal(BigInt(records[i - 1]!.seq) + 1n);
      expect(records[i]!.prev_hash).to.equal(records[i - 1]!.hash);
    }
    // One batch: one transaction stamps all its rows with one time.
    expect(new Set(records.map((r) => r.occurred_at)).size).to.equal(1);
    const stored = await audit.query(orm.em.fork(), { kind: 'test.group.together' }, 100);
    expect(stored.items.map((r) => r.hash).reverse()).to.deep.equal(records.map((r) => r.hash));
    expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
  });

  it('queues events appended while a batch is being written for the next batch', async () => {
    const audit = new AuditLog();
    const first = audit.append(orm.em.fork(), event('test.group.next', 'next', 0));
    await new Promise((r) => setImmediate(r));
    const later = Array.from({ length: 10 }, (_, i) => audit.append(orm.em.fork(), event('test.group.next', 'next', i + 1)));
    const records = await Promise.all([first, ...later]);
    expect(records.map((r) => r.detail.i)).to.deep.equal(Array.from({ length: 11 }, (_, i) => i));
    expect(records[1]!.prev_hash).to.equal(records[0]!.hash);
    expect(await countOf(orm, 'test.group.next')).to.equal(11);
  });

  it('keeps one valid chain while two gateway instances append batches at once', async () => {
    const a = new AuditLog();
    const b = new AuditLog();
    for (let wave = 0; wave < 4; wave += 1) {
      await Promise.all([
        ...Array.from({ length: 25 }, (_, i) => a.append(orm.em.fork(), event('test.group.two_instances', 'instance-a', wave * 100 + i))),
        ...Array.from({ length: 25 }, (_, i) => b.append(other.em.fork(), event('test.group.two_instances', 'instance-b', wave * 100 + i))),
      ]);
    }
    const counts = await sql<{ actor_id: string; n: string }>(orm.em.fork(), `select actor_id, count(*) as n from audit_events where kind = 'test.group.two_instances' group by actor_id order by actor_id`);
    expect(counts.map((c) => [c.actor_id, Number(c.n)])).to.deep.equal([['instance-a', 100], ['instance-b', 100]]);
    const verdict = await verifyChain(orm.em.fork(), 64);
    expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
  });

  it('chains a batch again behind the new head when another writer appended after the head it knew', async () => {
    const a = new AuditLog();
    const b = new AuditLog();
    const first = await a.append(orm.em.fork(), event('test.group.stale_head', 'a', 0));
    // b writes through another pool, and a transaction writes through a's own: a's remembered head is stale twice over.
    const fromOther = await b.append(other.em.fork(), event('test.group.stale_head', 'b', 1));
    const inTx = await orm.em.fork().transactional((tx) => a.append(tx, event('test.group.stale_head', 'a', 2)));
    expect(fromOther.prev_hash).to.equal(first.hash);
    expect(inTx.prev_hash).to.equal(fromOther.hash);
    const next = await a.append(orm.em.fork(), event('test.group.stale_head', 'a', 3));
    expect(next.prev_hash).to.equal(inTx.hash);
    expect(BigInt(next.seq)).to.equal(BigInt(inTx.seq) + 1n);
    expect(await countOf(orm, 'test.group.stale_head')).to.equal(4);
    expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
  });

  it('commits the other events of a batch with one poisoned event, rejects only its caller and records the refusal', async () => {
    const audit = new AuditLog();
    const before = await audit.query(orm.em.fork(), {}, 1);
    const valid = Array.from({ length: 9 }, (_, i) => audit.append(orm.em.fork(), event('test.group.poisoned', 'poisoned', i)));
    // agent_id is a uuid column: the database refuses the row, and so the multi-row statement.
    const poisoned = audit.append(orm.em.fork(), { ...event('test.group.poisoned', 'poisoned', 9), agentId: 'not-a-uuid', requestId: 'req-poisoned' });
    const more = Array.from({ length: 5 }, (_, i) => audit.append(orm.em.fork(), event('test.group.poisoned', 'poisoned', 10 + i)));
    const results = await settle([...valid, poisoned, ...more]);
    expect(results.map((r) => r.status)).to.deep.equal([...Array(9).fill('fulfilled'), 'rejected', ...Array(5).fill('fulfilled')]);
    expect(String((results[9] as PromiseRejectedResult).reason)).to.match(/uuid/);
    expect(await countOf(orm, 'test.group.poisoned')).to.equal(14);
    const written = (results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<AuditRecord>[]).map((r) => r.value);
    expect(written.map((r) => r.detail.i)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]);
    const refusals = await audit.query(orm.em.fork(), { kind: REFUSED_EVENT_KIND }, 10);
    const refusal = refusals.items.find((r) => r.request_id === 'req-poisoned')!;
    expect(refusal, 'the refusal is recorded').to.not.equal(undefined);
    expect(refusal.detail.refused).to.include({ kind: 'test.group.poisoned', agent_id: 'not-a-uuid', request_id: 'req-poisoned' });
    expect((refusal.detail.error as { sqlstate: string }).sqlstate).to.equal('22P02');
    expect(BigInt(refusal.seq) > BigInt(before.items[0]!.seq)).to.equal(true);
    expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
  });

  it('splits only for faults an event can cause, not for a failing database', () => {
    for (const code of ['22P02', '23502', '23514', '54000', 'P0001']) expect(isEventFault({ code }), code).to.equal(true);
    for (const code of ['57014', '57P01', '08006', '40P01', '53300', 'XX000']) expect(isEventFault({ code }), code).to.equal(false);
    expect(isEventFault(new Error('Connection terminated unexpectedly'))).to.equal(false);
  });

  it('writes a lazy event with the next batch, or on its own when none comes', async () => {
    const audit = new AuditLog();
    const lazy = audit.append(orm.em.fork(), event('test.group.lazy', 'lazy', 0), { lazy: true });
    const eager = audit.append(orm.em.fork(), event('test.group.lazy', 'lazy', 1));
    const [l, e] = await Promise.all([lazy, eager]);
    expect(e.prev_hash).to.equal(l.hash);
    expect(e.occurred_at).to.equal(l.occurred_at);
    const alone = await audit.append(orm.em.fork(), event('test.group.lazy', 'lazy', 2), { lazy: true });
    expect(alone.prev_hash).to.match(/^[0-9a-f]{64}$/);
    expect(await countOf(orm, 'test.group.lazy')).to.equal(3);
  });

  it('lets a reader in the same process see its queued events', async () => {
    const audit = new AuditLog();
    void audit.append(orm.em.fork(), event('test.group.read_own', 'reader', 0), { lazy: true });
    const page = await audit.query(orm.em.fork(), { kind: 'test.group.read_own' }, 10);
    expect(page.items.map((r) => r.detail.i)).to.deep.equal([0]);
  });

  it('orders events queued earlier in this process before an event appended in a transaction', async () => {
    const audit = new AuditLog();
    const queued = audit.append(orm.em.fork(), event('test.group.order', 'order', 0), { lazy: true });
    const inTx = await orm.em.fork().transactional((tx) => audit.append(tx, event('test.group.order', 'order', 1)));
    expect(inTx.prev_hash).to.equal((await queued).hash);
  });

  it('does not wait for the queue once its transaction holds the chain lock (no deadlock)', async () => {
    const audit = new AuditLog();
    let queued: Promise<AuditRecord> | undefined;
    const records = await orm.em.fork().transactional(async (tx) => {
      const first = await audit.append(tx, event('test.group.same_tx', 'same-tx', 0));
      // Queued while this transaction holds the lock: its batch can only commit after this one.
      queued = audit.append(orm.em.fork(), event('test.group.same_tx', 'same-tx', 2));
      const second = await audit.append(tx, event('test.group.same_tx', 'same-tx', 1));
      return [first, second];
    });
    expect(records[1]!.prev_hash).to.equal(records[0]!.hash);
    expect((await queued!).prev_hash).to.equal(records[1]!.hash);
  });

  it('fails only its own caller for an event without a JSON form', async () => {
    const audit = new AuditLog();
    const good = audit.append(orm.em.fork(), event('test.group.no_json', 'no-json', 0));
    const bad = audit.append(orm.em.fork(), { ...event('test.group.no_json', 'no-json', 1), detail: { n: 1n } });
    const [g, b] = await settle([good, bad]);
    expect(g.status).to.equal('fulfilled');
    expect(b.status).to.equal('rejected');
    expect(await countOf(orm, 'test.group.no_json')).to.equal(1);
  });
});
