import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { blockingDirectory, describeBlock, ensureRootDirectory, type RunAs } from './embedded-pg-access.js';
import { EmbeddedPostgresError } from './embedded-pg-failure.js';

/** Where a cluster lives: `pgdata` (the server's data directory) inside `home`, next to its password file. */
export interface ClusterLocation {
  home: string;
  pgdata: string;
}

async function ownDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o755 });
  await chmod(path, 0o755);
}

/**
 * `<dataDir>/postgres` when the server's user can reach it. As root, when it cannot (DATA_DIR
 * inside a 0700 tree), the cluster and its password file live in
 * `<embeddedHome>/clusters/<hash of DATA_DIR's real path>/` instead: the same DATA_DIR always maps
 * to the same place, so restarts find their data, and the log says where it is.
 */
export async function clusterLocation(dataDir: string, runAs: RunAs | undefined, embeddedHome: string, logger: Logger): Promise<ClusterLocation> {
  const inDataDir = { home: dataDir, pgdata: join(dataDir, 'postgres') };
  if (!runAs) return inDataDir;
  const block = await blockingDirectory(dataDir, runAs);
  if (!block) return inDataDir;
  if (existsSync(join(inDataDir.pgdata, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `the cluster in ${inDataDir.pgdata} is out of reach of the \`postgres\` user the server runs as: ${describeBlock(block)} may not be entered by it`,
      `let others enter that directory (chmod o+x ${block.dir}), or move DATA_DIR somewhere every parent of which others may enter`,
    );
  }
  const home = await ensureRootDirectory(embeddedHome, 'EMBEDDED_PG_HOME');
  await ownDirectory(join(home, 'clusters'));
  const realDataDir = await realpath(dataDir);
  const dir = join(home, 'clusters', createHash('sha256').update(realDataDir).digest('hex').slice(0, 16));
  await ownDirectory(dir);
  // For whoever looks in EMBEDDED_PG_HOME later: which DATA_DIR this cluster belongs to.
  await writeFile(join(dir, 'data-dir'), realDataDir + '\n', { mode: 0o644 });
  const stillBlocked = await blockingDirectory(dir, runAs);
  if (stillBlocked) {
    throw new EmbeddedPostgresError(`the \`postgres\` user cannot reach ${dir}: ${describeBlock(stillBlocked)} may not be entered by it`, 'set EMBEDDED_PG_HOME to a directory every parent of which others may enter (default /var/lib/agent-gateway)');
  }
  const location = { home: dir, pgdata: join(dir, 'postgres') };
  logger.info('the postgres user cannot reach DATA_DIR; the embedded cluster and its password live outside it', { data_dir: dataDir, blocked_at: block.dir, cluster: location.pgdata });
  return location;
}
