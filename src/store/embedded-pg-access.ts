import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, parse, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-pg-failure.js';

const run = promisify(execFile);

/** The system user PostgreSQL runs as when the gateway is root (PostgreSQL refuses to run as root). */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const SERVER_USER = 'postgres';

async function lookup(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/** The `postgres` system user, created (no home, no login shell) when the machine has none. */
export async function serverUser(): Promise<RunAs> {
  const found = await lookup(SERVER_USER);
  if (found) return found;
  const groupExists = await run('getent', ['group', SERVER_USER]).then(
    () => true,
    () => false,
  );
  try {
    await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['-g', SERVER_USER] : ['--user-group']), SERVER_USER]);
  } catch (err) {
    throw new EmbeddedPostgresError(`there is no \`postgres\` user to run the server as, and creating one failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, 'create it (`useradd --system --user-group postgres`) or run the gateway as a non-root user');
  }
  const created = await lookup(SERVER_USER);
  if (!created) throw new EmbeddedPostgresError('the `postgres` user was created but cannot be looked up', 'check the machine\'s user database (`id postgres`)');
  return created;
}

/** Each directory from the root down to `path` itself. */
function ancestors(path: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(path);
  for (;;) {
    dirs.unshift(dir);
    if (dir === parse(dir).root) return dirs;
    dir = dirname(dir);
  }
}

/**
 * The first directory on the way to `path` that `user` may not pass through (no search
 * permission), or undefined when every one can be. As libuv drops supplementary groups when it
 * switches user, only the primary group counts. Paths that do not exist yet are not checked.
 */
export async function blockingDirectory(path: string, user: RunAs): Promise<{ dir: string; mode: number; uid: number } | undefined> {
  for (const dir of ancestors(path)) {
    if (!existsSync(dir)) return undefined;
    const info = await stat(dir);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return { dir, mode: info.mode & 0o7777, uid: info.uid };
  }
  return undefined;
}

export function describeBlock(block: { dir: string; mode: number; uid: number }): string {
  return `${block.dir} (mode ${block.mode.toString(8).padStart(4, '0')}, owner uid ${block.uid})`;
}

/**
 * Makes `dir` a directory only root can change, the `postgres` user can enter, and no one else can
 * swap out from under us: every directory above it must be root-owned and not writable by others
 * (a world-writable one such as /tmp only with the sticky bit), and `dir` itself root-owned and not
 * writable by group or others. Refuses rather than repairs a directory someone else could have
 * prepared (a planted symlink or binary would otherwise run as `postgres`).
 */
export async function ensureRootDirectory(dir: string, variable: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const real = await realpath(dir);
  const chain = ancestors(real);
  for (const [index, path] of chain.entries()) {
    const info = await lstat(path);
    const isLast = index === chain.length - 1;
    const writableByOthers = (info.mode & 0o022) !== 0;
    const sticky = (info.mode & 0o1000) !== 0;
    if (info.uid !== 0 || (writableByOthers && (isLast || !sticky))) {
      throw new EmbeddedPostgresError(
        `${path} must be owned by root and not writable by other users to hold the embedded PostgreSQL (mode ${(info.mode & 0o7777).toString(8)}, owner uid ${info.uid})`,
        `set ${variable} to a root-owned directory that only root can write (default /var/lib/agent-gateway)`,
      );
    }
  }
  // Our own directory: let `postgres` enter it (a fresh mkdtemp directory is 0700).
  if (((await stat(real)).mode & 0o755) !== 0o755) await chmod(real, 0o755);
  return real;
}
