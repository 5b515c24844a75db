import { expect } from 'chai';
import pg from 'pg';
import { main } from '../../src/cli/main.js';
import { createOrm, pendingMigrations } from '../../src/store/index.js';
import { dropTestDatabase, SERVER_URL } from '../support/index.js';

/** Runs a CLI command in this process with the given environment, capturing what it prints. */
async function runInProcess(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  const writes = { out: '', err: '' };
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = ((chunk: string | Uint8Array) => ((writes.out += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((writes.err += chunk.toString()), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, ...writes };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.env = saved;
  }
}

describe('cli: migrate, audit and configuration errors', () => {
  it('`migrate` brings an empty database to the latest schema and then finds nothing to do', async () => {
    const name = `agw_migrate_${Date.now().toString(36)}_${process.pid}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    try {
      const first = await runInProcess(['migrate'], { DATABASE_URL: url.toString(), INTERNAL_API_TOKEN: undefined, LOG_LEVEL: 'error' });
      expect(first.code, first.err).to.equal(0);
      expect(first.out).to.match(/applied: 0001_foundation/);
      const second = await runInProcess(['migrate'], { DATABASE_URL: url.toString(), LOG_LEVEL: 'error' });
      expect(second.out).to.match(/up to date/);
      const orm = await createOrm({ databaseUrl: url.toString(), poolMax: 1 });
      try {
        expect(await pendingMigrations(orm)).to.deep.equal([]);
      } finally {
        await orm.close(true);
      }
    } finally {
      await dropTestDatabase(url.toString());
    }
  });

  it('stops with exit code 2 and names the bad variable', async () => {
    for (const command of ['start', 'migrate', 'audit']) {
      const res = await runInProcess(command === 'audit' ? ['audit', 'verify'] : [command], { PORT: 'eighty' });
      expect(res.code).to.equal(2);
      expect(res.err).to.match(/invalid configuration: PORT: expected a whole number/);
    }
  });

  it('refuses to start against DATABASE_URL without INTERNAL_API_TOKEN, naming it', async () => {
    const res = await runInProcess(['start'], { DATABASE_URL: SERVER_URL, INTERNAL_API_TOKEN: undefined, LOG_LEVEL: 'error', PORT: '0' });
    expect(res.code).to.equal(1);
    expect(res.err).to.match(/INTERNAL_API_TOKEN: required when DATABASE_URL is set/);
  });

  it('prints usage for `audit` without a known subcommand', async () => {
    const res = await runInProcess(['audit', 'fix'], {});
    expect(res.code).to.equal(2);
    expect(res.err).to.match(/usage: agent-gateway audit verify/);
  });
});
