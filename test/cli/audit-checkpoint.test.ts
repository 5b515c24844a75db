import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { AuditLog, CHECKPOINT_KIND, eventHash, resolveSigningKey, type SignedCheckpoint } from '../../src/audit/index.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { createTestDatabase, dropTestDatabase, runCli } from '../support/index.js';

type Row = Record<string, any>;

describe('cli: audit checkpoint and audit verify --checkpoint', function () {
  // Every step runs the real CLI from the TypeScript sources, which takes seconds on a loaded machine.
  this.timeout(180_000);
  let url: string;
  let orm: Orm;
  let dataDir: string;
  let checkpointFile: string;
  let checkpoint: SignedCheckpoint;
  const audit = new AuditLog();
  const env = () => ({ DATABASE_URL: url, DATA_DIR: dataDir, AUDIT_SIGNING_KEY: '', AUDIT_SIGNING_KEY_FILE: '' });

  /** Superuser edits bypass the append-only trigger (session_replication_role), as an insider's would. */
  async function asSuperuser<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('set session_replication_role = replica');
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  before(async () => {
    // A database of its own: the tests delete and rewrite the chain.
    url = await createTestDatabase('agw_ckpt_cli');
    orm = await createOrm({ databaseUrl: url, poolMax: 2 });
    dataDir = mkdtempSync(join(tmpdir(), 'agw-ckpt-cli-'));
    checkpointFile = join(dataDir, 'checkpoint.json');
    for (let n = 1; n <= 5; n += 1) await audit.append(orm.em.fork(), { kind: 'test.event', actor: { type: 'user', id: 'alice' }, outcome: 'success', detail: { n } });
  });
  after(async () => {
    await orm.close(true);
    await dropTestDatabase(url);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the signed checkpoint of the head, recorded in the chain', async () => {
    const result = await runCli(['audit', 'checkpoint', '--out', checkpointFile], env());
    expect(result.code, result.stderr).to.equal(0);
    checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as SignedCheckpoint;
    const [head] = await sql<Row>(orm.em.fork(), 'select seq, hash from audit_events where seq = 5');
    expect(checkpoint).to.include({ seq: '5', hash: head!.hash });
    expect(result.stderr).to.contain('checkpoint seq 5 written to');
    const [event] = (await audit.query(orm.em.fork(), { kind: CHECKPOINT_KIND }, 1)).items;
    expect(event).to.deep.include({ seq: '6', actor: { type: 'system', id: 'cli' } });
    // Later events do not disturb the checkpoint.
    await audit.append(orm.em.fork(), { kind: 'test.later', actor: { type: 'system', id: 'test' }, outcome: 'success' });
  });

  it('verifies the checkpoint with the published public key and the chain as before', async () => {
    const key = (await resolveSigningKey({ dataDir }, { create: false }))!;
    const publicKeyFile = join(dataDir, 'published.pem');
    writeFileSync(publicKeyFile, key.publicKeyPem);
    const result = await runCli(['audit', 'verify', '--checkpoint', checkpointFile, '--public-key', publicKeyFile], env());
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain('checkpoint seq 5 ok').and.contain('audit chain ok: 7 events verified');
  });

  it('refuses a tampered checkpoint file and one checked against another key, naming its seq', async () => {
    const tampered = join(dataDir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...checkpoint, hash: 'f'.repeat(64) }));
    const altered = await runCli(['audit', 'verify', '--checkpoint', tampered], env());
    expect(altered.code).to.equal(1);
    expect(altered.stdout).to.contain('checkpoint seq 5 REFUSED').and.contain('signature does not verify');

    const otherKeyFile = join(dataDir, 'other.pem');
    writeFileSync(otherKeyFile, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const wrongKey = await runCli(['audit', 'verify', '--checkpoint', checkpointFile, '--public-key', otherKeyFile], env());
    expect(wrongKey.code).to.equal(1);
    expect(wrongKey.stdout).to.contain('checkpoint seq 5 REFUSED').and.contain(`signed by key ${checkpoint.key_id}`);
  });

  it('detects the deletion of the tail that the chain alone cannot see', async () => {
    const saved = await asSuperuser(async (c) => (await c.query('select * from audit_events where seq >= 4 order by seq')).rows as Row[]);
    await asSuperuser((c) => c.query('delete from audit_events where seq >= 4'));
    try {
      const plain = await runCli(['audit', 'verify'], env());
      expect(plain.code, 'the chain alone still looks whole').to.equal(0);
      const anchored = await runCli(['audit', 'verify', '--checkpoint', checkpointFile], env());
      expect(anchored.code).to.equal(1);
      expect(anchored.stdout).to.contain('BROKEN against checkpoint seq 5').and.contain('no longer contains event 5');
    } finally {
      await asSuperuser(async (c) => {
        for (const row of saved) await c.query('insert into audit_events select * from json_populate_record(null::audit_events, $1::json)', [JSON.stringify(row)]);
      });
    }
  });

  it('detects an edit whose every later event was re-hashed', async () => {
    const saved = await asSuperuser(async (c) => (await c.query('select * from audit_events where seq >= 2 order by seq')).rows as Row[]);
    await asSuperuser(async (c) => {
      let prevHash = saved[0]!.prev_hash as string;
      for (const original of saved) {
        const edited: Row = { ...original, prev_hash: prevHash, outcome: original.seq === '2' ? 'failure' : original.outcome };
        const { hash: _old, ...row } = edited;
        const hash = eventHash(row as Parameters<typeof eventHash>[0]);
        await c.query('update audit_events set outcome = $1, prev_hash = $2, hash = $3 where seq = $4', [row.outcome, prevHash, hash, row.seq]);
        prevHash = hash;
      }
    });
    try {
      const plain = await runCli(['audit', 'verify'], env());
      expect(plain.code, 'the rewritten chain is consistent with itself').to.equal(0);
      const anchored = await runCli(['audit', 'verify', '--checkpoint', checkpointFile], env());
      expect(anchored.code).to.equal(1);
      expect(anchored.stdout).to.contain('BROKEN against checkpoint seq 5').and.contain('the chain was rewritten');
    } finally {
      await asSuperuser(async (c) => {
        for (const row of saved) await c.query('update audit_events set outcome = $1, prev_hash = $2, hash = $3 where seq = $4', [row.outcome, row.prev_hash, row.hash, row.seq]);
      });
    }
  });

  it('answers usage errors with exit 2 and changes nothing', async () => {
    const result = await runCli(['audit', 'verify', '--checkpoint', join(dataDir, 'missing.json')], env());
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('cannot read checkpoint').and.contain('usage: agent-gateway audit');
  });
});
