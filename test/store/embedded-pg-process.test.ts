import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { silentLogger } from '../../src/log/index.js';
import { EmbeddedPostgresError } from '../../src/store/embedded-pg-failure.js';
import { initialiseCluster, programEnv, startServer, type ProgramContext } from '../../src/store/embedded-pg-process.js';

describe('store: what the embedded PostgreSQL programs see of the gateway', () => {
  const secrets = { INTERNAL_API_TOKEN: 'agwi_sentinel-internal', TASKER_API_KEY: 'plane_api_sentinel', GATEWAY_SECRET_KEY: 'sentinel-key', DATABASE_URL: 'postgres://u:sentinel@h/db' };
  const saved: Record<string, string | undefined> = {};

  before(() => {
    for (const [name, value] of Object.entries(secrets)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  after(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('gives initdb and postgres (another user, whose /proc/<pid>/environ it can read) no gateway secret, only PATH and a C locale', () => {
    const env = programEnv();
    expect(Object.keys(env).filter((name) => name !== 'TZ').sort()).to.deep.equal(['LANG', 'LC_MESSAGES', 'PATH']);
    expect(JSON.stringify(env)).not.to.contain('sentinel');
  });
});

describe('store: a PostgreSQL program that cannot be started is an EmbeddedPostgresError, not an unhandled error event', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agw-spawn-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function context(initdb: string, postgres: string): ProgramContext {
    return { binaries: { native: dir, initdb, postgres, label: 'test' }, runAs: undefined, cwd: dir, port: 1, logger: silentLogger() };
  }

  it('names spawn EACCES and EMBEDDED_PG_HOME when initdb may not be executed, and leaves no password file behind', async () => {
    const initdb = join(dir, 'initdb');
    await writeFile(initdb, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const error = await initialiseCluster(context(initdb, initdb), join(dir, 'pgdata'), 'postgres', 'pw').catch((err: unknown) => err);
    expect(error).to.be.instanceOf(EmbeddedPostgresError);
    expect((error as EmbeddedPostgresError).reason).to.contain('EACCES');
    expect((error as EmbeddedPostgresError).fix).to.contain('EMBEDDED_PG_HOME');
    expect((await readdir(dir)).filter((name) => name.startsWith('.initdb-pw-'))).to.deep.equal([]);
  });

  it('says the postgres program is missing and how to reinstall it', async () => {
    const missing = join(dir, 'bin', 'postgres');
    const error = await startServer(context(missing, missing), join(dir, 'pgdata')).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(EmbeddedPostgresError);
    expect((error as EmbeddedPostgresError).reason).to.contain('missing');
    expect((error as EmbeddedPostgresError).fix).to.contain('npm ci');
  });

  it('reports a program that exits with an error with its last telling line', async () => {
    const postgres = join(dir, 'postgres');
    await writeFile(postgres, '#!/bin/sh\necho \'FATAL:  database files are incompatible with server\' >&2\nexit 1\n', { mode: 0o755 });
    const error = await startServer(context(postgres, postgres), join(dir, 'pgdata')).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(EmbeddedPostgresError);
    expect((error as EmbeddedPostgresError).reason).to.contain('another PostgreSQL version');
  });
});
