import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AuditLog, type AuditEventInput } from '../../src/audit/index.js';
import { loadUsage, purgeUsageBuckets } from '../../src/decision/index.js';
import { UsageBatch } from '../../src/decision/usage-batch.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

type Result = 'allow' | 'deny' | 'approval_required';

function decision(agentId: string, actorType: 'agent' | 'user', toolKind: 'read' | 'write' | 'destructive', result: Result): AuditEventInput {
  return {
    kind: 'decision',
    actor: { type: actorType, id: actorType === 'agent' ? agentId : 'owner-1' },
    agentId,
    ownerUserId: 'owner-1',
    outcome: result === 'allow' ? 'success' : 'denied',
    detail: { tool_kind: toolKind, result },
  };
}

describe('decision: usage counters kept beside the audit log', function () {
  this.timeout(30_000);
  let orm: Orm;
  const audit = new AuditLog();
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 4 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('counts the agent own calls of the last minute and its allowed writes of the last hour', async () => {
    const agent = randomUUID();
    const events = [
      decision(agent, 'agent', 'read', 'allow'),
      decision(agent, 'agent', 'read', 'deny'),
      decision(agent, 'agent', 'write', 'allow'),
      decision(agent, 'agent', 'destructive', 'allow'),
      decision(agent, 'agent', 'write', 'deny'),
      decision(agent, 'agent', 'write', 'approval_required'),
      // The owner's approval runs the action under a decision of its own: a write, not a call of the agent.
      decision(agent, 'user', 'write', 'allow'),
    ];
    await Promise.all(events.map((e) => audit.append(orm.em.fork(), e)));
    expect(await loadUsage(orm.em, agent)).to.deep.equal({ calls_last_minute: 6, writes_last_hour: 3 });
  });

  it('reads the usage of every call of one turn in one statement, each caller getting its own agent\'s figures', async () => {
    const [busy, quiet, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all([
      audit.append(orm.em.fork(), decision(busy, 'agent', 'write', 'allow')),
      audit.append(orm.em.fork(), decision(busy, 'agent', 'read', 'allow')),
      audit.append(orm.em.fork(), decision(quiet, 'agent', 'read', 'deny')),
    ]);
    const batch = new UsageBatch(orm);
    const read = await Promise.all([busy, quiet, busy, unknown, quiet].map((agent) => batch.read(agent)));
    expect(read).to.deep.equal([
      { calls_last_minute: 2, writes_last_hour: 1 },
      { calls_last_minute: 1, writes_last_hour: 0 },
      { calls_last_minute: 2, writes_last_hour: 1 },
      { calls_last_minute: 0, writes_last_hour: 0 },
      { calls_last_minute: 1, writes_last_hour: 0 },
    ]);
    for (const agent of [busy, quiet, unknown]) expect(await batch.read(agent)).to.deep.equal(await loadUsage(orm.em, agent));
    expect(batch.statements, 'one statement for the five reads of one turn, one for each later read').to.equal(4);
  });

  it('fails a read for a malformed agent id alone, and every caller of a batch whose statement fails', async () => {
    const batch = new UsageBatch(orm);
    const agent = randomUUID();
    const outcomes = await Promise.allSettled([batch.read(agent), batch.read('not-a-uuid')]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected']);
    const closed = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 1 });
    await closed.close(true);
    const broken = new UsageBatch(closed);
    const failed = await Promise.allSettled([broken.read(agent), broken.read(randomUUID())]);
    expect(failed.map((o) => o.status), 'no caller decides on made-up figures').to.deep.equal(['rejected', 'rejected']);
  });

  it('counts only decisions, and only those of the agent asked about', async () => {
    const agent = randomUUID();
    const other = randomUUID();
    await audit.append(orm.em.fork(), { ...decision(agent, 'agent', 'write', 'allow'), kind: 'outcome' });
    await audit.append(orm.em.fork(), decision(other, 'agent', 'write', 'allow'));
    expect(await loadUsage(orm.em, agent)).to.deep.equal({ calls_last_minute: 0, writes_last_hour: 0 });
    expect(await loadUsage(orm.em, other)).to.deep.equal({ calls_last_minute: 1, writes_last_hour: 1 });
  });

  it('agrees with counting the same decisions in the audit log', async () => {
    const agent = randomUUID();
    const kinds = ['read', 'write', 'destructive'] as const;
    const results: Result[] = ['allow', 'deny', 'approval_required'];
    const events = Array.from({ length: 60 }, (_, i) => decision(agent, i % 7 === 0 ? 'user' : 'agent', kinds[i % 3]!, results[(i * 5) % 3]!));
    await Promise.all(events.map((e) => audit.append(orm.em.fork(), e)));
    const [fromLog] = await sql<{ calls: number; writes: number }>(
      orm.em.fork(),
      `select count(*) filter (where actor_type = 'agent')::int as calls,
              count(*) filter (where (detail->>'result') = 'allow' and (detail->>'tool_kind') in ('write', 'destructive'))::int as writes
         from audit_events where kind = 'decision' and agent_id = ?`,
      [agent],
    );
    expect(await loadUsage(orm.em, agent)).to.deep.equal({ calls_last_minute: fromLog!.calls, writes_last_hour: fromLog!.writes });
  });

  it('leaves seconds outside each window out, and purges those older than an hour', async () => {
    const agent = randomUUID();
    await sql(
      orm.em.fork(),
      `insert into agent_usage_buckets (agent_id, bucket_start, calls, writes) values
         (?, date_trunc('second', now() - interval '2 minutes'), 5, 2),
         (?, date_trunc('second', now() - interval '2 hours'), 7, 3)`,
      [agent, agent],
    );
    expect(await loadUsage(orm.em, agent)).to.deep.equal({ calls_last_minute: 0, writes_last_hour: 2 });
    expect(await purgeUsageBuckets(orm.em.fork())).to.be.at.least(1);
    const left = await sql<{ calls: number }>(orm.em.fork(), 'select calls from agent_usage_buckets where agent_id = ?', [agent]);
    expect(left.map((r) => r.calls)).to.deep.equal([5]);
  });
});

