import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { AuditLog, verifyChain } from '../../src/audit/index.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

const BARRIER_KEY = 4_100_999;
const PER_PROCESS = 20;

function appendFromChild(label: string): Promise<number | null> {
  const script = join(PACKAGE_ROOT, 'test/audit/fixtures/append-events.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, testDatabaseUrl(), String(BARRIER_KEY), String(PER_PROCESS), label], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('audit: appends from several processes at once', function () {
  this.timeout(120_000);
  let orm: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 6 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('keeps one valid, gap-free chain', async () => {
    const gate = new pg.Client({ connectionString: testDatabaseUrl() });
    await gate.connect();
    await gate.query('select pg_advisory_lock($1)', [BARRIER_KEY]);
    const children = [appendFromChild('child-a'), appendFromChild('child-b')];
    // Open the gate once both children wait at it, then append from this process too.
    for (let i = 0; i < 600; i += 1) {
      const [row] = await sql<{ waiting: string }>(orm.em.fork(), `select count(*) as waiting from pg_locks where locktype = 'advisory' and objid = ? and not granted`, [BARRIER_KEY]);
      if (Number(row!.waiting) >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await gate.query('select pg_advisory_unlock($1)', [BARRIER_KEY]);
    await gate.end();
    const audit = new AuditLog();
    await Promise.all(Array.from({ length: PER_PROCESS }, (_, i) => audit.append(orm.em.fork(), { kind: 'test.multi_process', actor: { type: 'system', id: 'parent' }, outcome: 'success', detail: { i } })));
    expect(await Promise.all(children)).to.deep.equal([0, 0]);

    const counts = await sql<{ actor_id: string; n: string }>(orm.em.fork(), `select actor_id, count(*) as n from audit_events where kind = 'test.multi_process' group by actor_id order by actor_id`);
    expect(counts.map((c) => [c.actor_id, Number(c.n)])).to.deep.equal([['child-a', PER_PROCESS], ['child-b', PER_PROCESS], ['parent', PER_PROCESS]]);
    const verdict = await verifyChain(orm.em.fork(), 16);
    expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
  });
});
