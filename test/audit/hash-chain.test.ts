import { expect } from 'chai';
import pg from 'pg';
import { AuditLog, GENESIS_HASH, verifyChain } from '../../src/audit/index.js';
import { createOrm, type Orm } from '../../src/store/index.js';
import { InternalClient, runCli, startTestGateway, testDatabaseUrl, type TestGateway } from '../support/index.js';

describe('audit: the hash chain', () => {
  let orm: Orm;
  const audit = new AuditLog();
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('links each event to the one before it', async () => {
    const first = await audit.append(orm.em.fork(), { kind: 'test.first', actor: { type: 'system', id: 'test' }, outcome: 'success', detail: { n: 1 } });
    const second = await audit.append(orm.em.fork(), { kind: 'test.second', actor: { type: 'system', id: 'test' }, outcome: 'success', detail: { b: 2, a: [1, { z: 1, y: 2 }] } });
    expect(BigInt(second.seq)).to.equal(BigInt(first.seq) + 1n);
    expect(second.prev_hash).to.equal(first.hash);
    expect(first.hash).to.match(/^[0-9a-f]{64}$/).and.not.equal(GENESIS_HASH);
    expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const before = await audit.query(orm.em.fork(), {}, 1);
    await orm.em
      .fork()
      .transactional(async (tx) => {
        await audit.append(tx, { kind: 'test.rolled_back', actor: { type: 'system', id: 'test' }, outcome: 'success' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const after = await audit.query(orm.em.fork(), {}, 1);
    expect(after.items[0]!.seq).to.equal(before.items[0]!.seq);
    expect((await audit.query(orm.em.fork(), { kind: 'test.rolled_back' }, 10)).items).to.deep.equal([]);
  });

  describe('under concurrent appends from two gateway instances', () => {
    let a: TestGateway;
    let b: TestGateway;
    before(async () => {
      a = await startTestGateway();
      b = await startTestGateway();
    });
    after(async () => {
      await a.close();
      await b.close();
    });

    it('keeps one valid, gap-free chain', async () => {
      const clients = [new InternalClient(a.baseUrl, a.internalToken, 'owner-concurrent'), new InternalClient(b.baseUrl, b.internalToken, 'owner-concurrent')];
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => clients[i % 2]!.request('POST', '/agents', { owner_user_id: 'owner-concurrent', owner_email: 'c@example.com', display_name: `Concurrent ${i}` })));
      expect(results.map((r) => r.status)).to.deep.equal(Array(24).fill(201));
      const events = await audit.query(orm.em.fork(), { ownerUserId: 'owner-concurrent', kind: 'agent.created' }, 100);
      expect(events.items).to.have.length(24);
      const verdict = await verifyChain(orm.em.fork(), 7);
      expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
    });
  });

  describe('tamper detection', () => {
    /** Superuser edits bypass the append-only trigger (session_replication_role); the chain still notices. */
    async function asSuperuser<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
      const client = new pg.Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`set session_replication_role = replica`);
        return await fn(client);
      } finally {
        await client.end();
      }
    }

    it('names the first altered event, in the library and in `agent-gateway audit verify`, and passes again once restored', async function () {
      // The CLI starts from TypeScript sources from TypeScript sources; on a loaded machine that takes a while.
      this.timeout(120_000);
      const target = await audit.append(orm.em.fork(), { kind: 'test.tamper_target', actor: { type: 'user', id: 'mallory' }, outcome: 'denied', detail: { amount: 1 } });
      await audit.append(orm.em.fork(), { kind: 'test.after_target', actor: { type: 'system', id: 'test' }, outcome: 'success' });
      expect((await verifyChain(orm.em.fork())).ok).to.equal(true);

      await asSuperuser((c) => c.query(`update audit_events set outcome = 'success' where seq = $1`, [target.seq]));
      try {
        const verdict = await verifyChain(orm.em.fork());
        expect(verdict).to.include({ ok: false, brokenSeq: target.seq });
        const broken = await runCli(['audit', 'verify'], { DATABASE_URL: testDatabaseUrl() });
        expect(broken.code).to.equal(1);
        expect(broken.stdout).to.contain(`seq ${target.seq}`);
      } finally {
        await asSuperuser((c) => c.query(`update audit_events set outcome = 'denied' where seq = $1`, [target.seq]));
      }
      expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
    });

    it('notices a deleted event by the gap it leaves', async () => {
      const target = await audit.append(orm.em.fork(), { kind: 'test.delete_target', actor: { type: 'system', id: 'test' }, outcome: 'success' });
      await audit.append(orm.em.fork(), { kind: 'test.after_delete', actor: { type: 'system', id: 'test' }, outcome: 'success' });
      const saved = await asSuperuser(async (c) => (await c.query('select * from audit_events where seq = $1', [target.seq])).rows[0]);
      await asSuperuser((c) => c.query('delete from audit_events where seq = $1', [target.seq]));
      try {
        const verdict = await verifyChain(orm.em.fork());
        expect(verdict.ok).to.equal(false);
        if (!verdict.ok) expect(BigInt(verdict.brokenSeq)).to.equal(BigInt(target.seq) + 1n);
      } finally {
        await asSuperuser((c) =>
          c.query(
            `insert into audit_events select * from json_populate_record(null::audit_events, $1::json)`,
            [JSON.stringify(saved)],
          ),
        );
      }
      expect((await verifyChain(orm.em.fork())).ok).to.equal(true);
    });
  });
});
