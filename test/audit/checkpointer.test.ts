import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditCheckpointer, AuditLog, CHECKPOINT_KIND, resolveSigningKey, verifyChain, verifyCheckpointInChain, type CheckpointSigningKey } from '../../src/audit/index.js';
import { createOrm, type Orm } from '../../src/store/index.js';
import { capturingLogger, createTestDatabase, dropTestDatabase } from '../support/index.js';

const SYSTEM = { type: 'system' as const, id: 'test' };

describe('audit: the checkpointer signs the chain head', () => {
  let url: string;
  let orm: Orm;
  let key: CheckpointSigningKey;
  let dataDir: string;
  const audit = new AuditLog();

  before(async () => {
    // A database of its own: these tests assert on the chain's head and its checkpoint events.
    url = await createTestDatabase('agw_ckpt');
    orm = await createOrm({ databaseUrl: url, poolMax: 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'agw-ckpt-'));
    key = (await resolveSigningKey({ dataDir }, { create: true }))!;
  });
  after(async () => {
    await orm.close(true);
    await dropTestDatabase(url);
    rmSync(dataDir, { recursive: true, force: true });
  });

  function checkpointer(intervalSeconds = 0) {
    const { logger, capture } = capturingLogger('info');
    return { checkpointer: new AuditCheckpointer({ em: orm.em, audit, key, logger, intervalSeconds }), capture };
  }

  async function checkpointEvents(): Promise<number> {
    return (await audit.query(orm.em.fork(), { kind: CHECKPOINT_KIND }, 1000)).items.length;
  }

  it('has nothing to sign on an empty chain', async () => {
    const { checkpointer: c } = checkpointer();
    expect(await c.checkpoint(SYSTEM)).to.equal(undefined);
    expect(await c.latest()).to.equal(undefined);
  });

  it('signs the head before its own event, records itself in the chain and logs one line', async () => {
    await audit.append(orm.em.fork(), { kind: 'test.one', actor: SYSTEM, outcome: 'success' });
    const head = await audit.append(orm.em.fork(), { kind: 'test.two', actor: SYSTEM, outcome: 'success', detail: { n: 2 } });
    const { checkpointer: c, capture } = checkpointer();
    const result = (await c.checkpoint({ type: 'user', id: 'alice' }, 'req-1'))!;
    expect(result.created).to.equal(true);
    expect(result.checkpoint).to.include({ seq: head.seq, hash: head.hash, key_id: key.keyId });
    expect(result.event_seq).to.equal((BigInt(head.seq) + 1n).toString());
    const [event] = (await audit.query(orm.em.fork(), { kind: CHECKPOINT_KIND }, 1)).items;
    expect(event).to.deep.include({ seq: result.event_seq, prev_hash: head.hash, actor: { type: 'user', id: 'alice' }, request_id: 'req-1', subject: { type: 'audit_event', id: head.seq } });
    expect(event!.detail).to.deep.equal({ checkpoint: result.checkpoint, trigger: 'on_demand' });
    expect(await c.latest()).to.deep.equal(result.checkpoint);
    expect(await verifyCheckpointInChain(orm.em.fork(), result.checkpoint, key)).to.deep.equal({ ok: true });
    expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
    const lines = capture.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'audit checkpoint');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ ...result.checkpoint, event_seq: result.event_seq, trigger: 'on_demand' });
  });

  it('returns the standing checkpoint while the head has not moved, and signs anew once it has', async () => {
    const { checkpointer: c } = checkpointer();
    const first = (await c.checkpoint(SYSTEM))!;
    const before = await checkpointEvents();
    const again = (await c.checkpoint(SYSTEM))!;
    expect(again).to.deep.equal({ ...first, created: false });
    expect(await checkpointEvents()).to.equal(before);
    const moved = await audit.append(orm.em.fork(), { kind: 'test.moved', actor: SYSTEM, outcome: 'success' });
    const next = (await c.checkpoint(SYSTEM))!;
    expect(next.created).to.equal(true);
    expect(next.checkpoint.seq).to.equal(moved.seq);
  });

  it('covers the events this process queued just before the call', async () => {
    const { checkpointer: c } = checkpointer();
    const queued = audit.append(orm.em.fork(), { kind: 'test.queued', actor: SYSTEM, outcome: 'success' });
    const result = (await c.checkpoint(SYSTEM))!;
    expect(result.checkpoint.seq).to.equal((await queued).seq);
  });

  it('makes one periodic checkpoint when several instances find it due at once, and none while the head stands', async () => {
    await audit.append(orm.em.fork(), { kind: 'test.before_periodic', actor: SYSTEM, outcome: 'success' });
    await new Promise((r) => setTimeout(r, 1100));
    const instances = Array.from({ length: 3 }, () => checkpointer(1).checkpointer);
    const before = await checkpointEvents();
    const results = await Promise.all(instances.map((c) => c.checkpointIfDue()));
    expect(results.filter((r) => r?.created)).to.have.length(1);
    expect(await checkpointEvents()).to.equal(before + 1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await instances[0]!.checkpointIfDue()).to.equal(undefined);
    expect(await checkpointEvents()).to.equal(before + 1);
  });

  it('is not due again before the interval has passed', async () => {
    const { checkpointer: c } = checkpointer(3600);
    await c.checkpoint(SYSTEM);
    await audit.append(orm.em.fork(), { kind: 'test.after_fresh_checkpoint', actor: SYSTEM, outcome: 'success' });
    expect(await c.checkpointIfDue()).to.equal(undefined);
  });

  it('signs periodically on its timer, appends to the chain and logs the checkpoint', async function () {
    this.timeout(15_000);
    const { checkpointer: c, capture } = checkpointer(1);
    const head = await audit.append(orm.em.fork(), { kind: 'test.periodic_target', actor: SYSTEM, outcome: 'success' });
    c.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!capture.text().includes('"audit checkpoint"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await c.stop();
    }
    const [event] = (await audit.query(orm.em.fork(), { kind: CHECKPOINT_KIND }, 1)).items;
    expect(event!.detail).to.deep.include({ trigger: 'periodic' });
    expect(event!.detail.checkpoint).to.include({ seq: head.seq, hash: head.hash });
    expect(event!.actor).to.deep.equal({ type: 'system', id: 'audit-checkpointer' });
    const line = capture.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'audit checkpoint');
    expect(line).to.include({ seq: head.seq, hash: head.hash, trigger: 'periodic', level: 'info' });
  });

  it('does nothing periodically when the interval is 0', async () => {
    const { checkpointer: c } = checkpointer(0);
    await audit.append(orm.em.fork(), { kind: 'test.no_periodic', actor: SYSTEM, outcome: 'success' });
    const before = await checkpointEvents();
    c.start();
    await new Promise((r) => setTimeout(r, 600));
    await c.stop();
    expect(await checkpointEvents()).to.equal(before);
  });
});
