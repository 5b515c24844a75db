import { expect } from 'chai';
import { AuditLog, AuditOutbox, REFUSED_EVENT_KIND, verifyChain, type AuditEventInput } from '../../src/audit/index.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

/** A trigger that makes the chain refuse the events whose kind matches a LIKE pattern (stands in for a chain that cannot take them). */
async function refuseKinds(orm: Orm, pattern: string | null): Promise<void> {
  const em = orm.em.fork();
  await sql(em, 'drop trigger if exists test_outbox_refuse on audit_events');
  if (pattern === null) return;
  await sql(
    em,
    `create or replace function test_outbox_refuse() returns trigger language plpgsql as $$
     begin
       if new.kind like '${pattern}' then raise exception 'test: the chain refuses %', new.kind; end if;
       return new;
     end $$`,
  );
  await sql(em, 'create trigger test_outbox_refuse before insert on audit_events for each row execute function test_outbox_refuse()');
}

function event(kind: string, i: number): AuditEventInput {
  return { kind, actor: { type: 'system', id: 'outbox-test' }, outcome: 'success', requestId: `req-${kind}-${i}`, detail: { i, nul: 'a\u0000b' } };
}

async function chainEvents(orm: Orm, kind: string): Promise<Array<{ detail: Record<string, unknown> }>> {
  return sql(orm.em.fork(), 'select detail from audit_events where kind = ? order by seq', [kind]);
}

describe('audit: the outbox keeps what the chain cannot take at once', function () {
  this.timeout(60_000);
  let orm: Orm;
  let other: Orm;
  const audit = new AuditLog();
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
    other = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
  });
  beforeEach(async () => {
    await sql(orm.em.fork(), 'delete from audit_outbox');
  });
  afterEach(async () => {
    await refuseKinds(orm, null);
    await sql(orm.em.fork(), 'alter table if exists test_outbox_moved rename to audit_outbox');
  });
  after(async () => {
    await orm.close(true);
    await other.close(true);
  });

  it('keeps a refused event and appends it once the chain takes it; a permanently refused one holds back nothing', async () => {
    const outbox = new AuditOutbox(orm.em);
    await refuseKinds(orm, 'test.outbox.%');
    const refused = await audit.append(orm.em.fork(), event('test.outbox.kept', 0)).then(() => undefined, (err: unknown) => err);
    expect(String(refused)).to.match(/the chain refuses test\.outbox\.kept/);
    // The group commit recorded the refusal itself.
    const refusals = await audit.query(orm.em.fork(), { kind: REFUSED_EVENT_KIND }, 5);
    expect(refusals.items.some((r) => r.request_id === 'req-test.outbox.kept-0')).to.equal(true);

    expect(await outbox.keep(event('test.outbox.kept', 0), refused)).to.equal('outbox');
    expect(await outbox.keep(event('test.outbox.poison', 0), refused)).to.equal('outbox');
    expect(await outbox.backlog()).to.equal(2);
    const blocked = await outbox.relay();
    expect(blocked).to.include({ relayed: 0, backlog: 2 });
    expect(String(blocked.error)).to.match(/the chain refuses/);
    const [row] = await sql<{ attempts: number; last_error: string }>(orm.em.fork(), `select attempts, last_error from audit_outbox where event->>'kind' = 'test.outbox.kept'`);
    expect(row!.attempts).to.equal(1);
    expect(row!.last_error).to.match(/the chain refuses/);

    await refuseKinds(orm, 'test.outbox.poison');
    const partly = await outbox.relay();
    expect(partly).to.include({ relayed: 1, backlog: 1 });
    const [kept] = await chainEvents(orm, 'test.outbox.kept');
    expect(kept!.detail).to.deep.include({ i: 0, nul: '\u241Bs:a\\u0000b' });
    expect(kept!.detail.kept_in_outbox).to.have.keys(['id', 'kept_at']);

    await refuseKinds(orm, null);
    expect(await outbox.relay()).to.include({ relayed: 1, backlog: 0 });
    expect(await chainEvents(orm, 'test.outbox.poison')).to.have.length(1);
    expect(await verifyChain(orm.em.fork())).to.include({ ok: true });
  });

  it('holds an event in memory when even the outbox cannot take it, and moves it on later', async () => {
    const outbox = new AuditOutbox(orm.em);
    await sql(orm.em.fork(), 'alter table audit_outbox rename to test_outbox_moved');
    expect(await outbox.keep(event('test.outbox.held', 0), new Error('chain down'))).to.equal('memory');
    const failing = await outbox.relay();
    expect(failing.error).to.not.equal(undefined);
    await sql(orm.em.fork(), 'alter table test_outbox_moved rename to audit_outbox');
    expect(await outbox.relay()).to.include({ relayed: 1, backlog: 0 });
    expect(await chainEvents(orm, 'test.outbox.held')).to.have.length(1);
  });

  it('never appends a kept event twice when two instances relay at once', async () => {
    const a = new AuditOutbox(orm.em);
    const b = new AuditOutbox(other.em);
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).keep(event('test.outbox.twice', i), new Error('test'))));
    const passes = await Promise.all([a.relay(), b.relay(), a.relay(), b.relay()]);
    expect(passes.reduce((n, p) => n + p.relayed, 0)).to.equal(60);
    const events = await chainEvents(orm, 'test.outbox.twice');
    expect(events.map((e) => e.detail.i).sort((x, y) => Number(x) - Number(y))).to.deep.equal(Array.from({ length: 60 }, (_, i) => i));
    expect(await a.backlog()).to.equal(0);
    expect(await verifyChain(orm.em.fork())).to.include({ ok: true });
  });
});
