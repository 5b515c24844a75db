import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type GatewayConfig } from '../config/index.js';
import { dataDirSecretKey, randomString } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../store/index.js';

/** A configuration with its database and internal token resolved, plus what must be stopped later. */
export interface Runtime {
  config: GatewayConfig & { databaseUrl: string; internalApiToken: string };
  /** Set when the internal API token was generated into the data dir (local embedded mode). */
  internalTokenFile?: string;
  /** Set when the server secret key comes from `<dataDir>/secret-key` (no GATEWAY_SECRET_KEY). */
  secretKeyFile?: string;
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
 * The key for pairing secrets at rest: GATEWAY_SECRET_KEY, else the data-dir key file. Instances
 * that share a database must share the key (a code made on one is checked on another), which a
 * per-host file does not ensure: with DATABASE_URL the file still works but the start says so.
 */
async function serverSecretKey(config: GatewayConfig, logger: Logger): Promise<{ key: Buffer; file?: string }> {
  if (config.secretKey) return { key: config.secretKey };
  const local = await dataDirSecretKey(config.dataDir);
  if (local.created) logger.info('server secret key generated', { secret_key_file: local.file });
  if (config.databaseUrl) logger.warn('GATEWAY_SECRET_KEY is not set: pairing secrets are keyed with the data-directory key file; every instance sharing this database needs the same key', { secret_key_file: local.file });
  return { key: local.key, file: local.file };
}

function withSecretKey(secret: { key: Buffer; file?: string } | undefined): { secretKey?: Buffer } {
  return secret ? { secretKey: secret.key } : {};
}

/**
 * Decides where the database is: DATABASE_URL when set (nothing is started), otherwise the
 * embedded PostgreSQL in DATA_DIR. `mode` is passed on to the embedded server (see its docs).
 * Commands that do not serve (`needsInternalToken` false: migrate, audit) resolve neither the
 * internal token nor the server secret key.
 */
export async function resolveRuntime(config: GatewayConfig, logger: Logger, mode: 'own' | 'share', needsInternalToken = true): Promise<Runtime> {
  if (config.databaseUrl) {
    if (!config.internalApiToken && needsInternalToken) throw new ConfigError('INTERNAL_API_TOKEN', 'required when DATABASE_URL is set (every instance must share one token)');
    const secret = needsInternalToken ? await serverSecretKey(config, logger) : undefined;
    return {
      config: { ...config, ...withSecretKey(secret), databaseUrl: config.databaseUrl, internalApiToken: config.internalApiToken ?? '' },
      ...(secret?.file ? { secretKeyFile: secret.file } : {}),
      stop: async () => undefined,
    };
  }
  const local = config.internalApiToken || !needsInternalToken ? undefined : await localInternalToken(config.dataDir);
  const secret = needsInternalToken ? await serverSecretKey(config, logger) : undefined;
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, home: config.embeddedPostgresHome, logger, mode });
  return {
    config: { ...config, ...withSecretKey(secret), databaseUrl: embedded.url, internalApiToken: config.internalApiToken ?? local?.token ?? '' },
    ...(local ? { internalTokenFile: local.file } : {}),
    ...(secret?.file ? { secretKeyFile: secret.file } : {}),
    embedded,
    stop: () => embedded.stop(),
  };
}
