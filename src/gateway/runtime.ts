import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type GatewayConfig } from '../config/index.js';
import { randomString } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../store/index.js';

/** A configuration with its database and internal token resolved, plus what must be stopped later. */
export interface Runtime {
  config: GatewayConfig & { databaseUrl: string; internalApiToken: string };
  /** Set when the internal API token was generated into the data dir (local embedded mode). */
  internalTokenFile?: string;
  embedded?: EmbeddedDatabase;
  stop(): Promise<void>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Local mode without INTERNAL_API_TOKEN: a token is generated once into `<dataDir>/internal-api-token`
 * (mode 0600) and read from there on later starts. The token itself is never printed or logged.
 */
export async function localInternalToken(dataDir: string): Promise<{ token: string; file: string }> {
  const file = join(dataDir, 'internal-api-token');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) await chmod(file, 0o600);
    return { token: readFileSync(file, 'utf8').trim(), file };
  }
  const token = `agwi_${randomString(BASE62, 43)}`;
  await writeFile(file, token + '\n', { mode: 0o600 });
  return { token, file };
}

/**
 * Decides where the database is: DATABASE_URL when set (nothing is started), otherwise the
 * embedded PostgreSQL in DATA_DIR. `mode` is passed on to the embedded server (see its docs).
 */
export async function resolveRuntime(config: GatewayConfig, logger: Logger, mode: 'own' | 'share', needsInternalToken = true): Promise<Runtime> {
  if (config.databaseUrl) {
    if (!config.internalApiToken && needsInternalToken) throw new ConfigError('INTERNAL_API_TOKEN', 'required when DATABASE_URL is set (every instance must share one token)');
    return { config: { ...config, databaseUrl: config.databaseUrl, internalApiToken: config.internalApiToken ?? '' }, stop: async () => undefined };
  }
  const local = config.internalApiToken || !needsInternalToken ? undefined : await localInternalToken(config.dataDir);
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, home: config.embeddedPostgresHome, logger, mode });
  return {
    config: { ...config, databaseUrl: embedded.url, internalApiToken: config.internalApiToken ?? local?.token ?? '' },
    ...(local ? { internalTokenFile: local.file } : {}),
    embedded,
    stop: () => embedded.stop(),
  };
}
