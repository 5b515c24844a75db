/**
 * The whole gateway with the Tasker sandbox on 127.0.0.1, for the inspector smoke run and the
 * benchmark: a throwaway database on DATABASE_URL's server (default the local test server),
 * migrated, dropped again at close; one agent of `smoke-owner` with a grant and a token.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { createGateway, type Gateway } from '../src/gateway/index.js';
import { buildStages, type StageContext, type StageOptions } from '../src/gateway/stages.js';
import { createLogger } from '../src/log/index.js';
import { createOrm, migrateToLatest } from '../src/store/index.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface LocalStack {
  url: string;
  gateway: Gateway;
  context: StageContext;
  agentToken: string;
  internalToken: string;
  close(): Promise<void>;
}

/** Runs one statement on the server's maintenance connection (creating or dropping a database). */
export async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function internal(url: string, token: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}/internal/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-acting-user': 'smoke-owner', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function startLocalStack(grant: Record<string, unknown>, stageOptions: StageOptions = {}): Promise<LocalStack> {
  const name = `agw_local_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`create database "${name}"`);
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${name}` }).toString();
  let gateway: Gateway | undefined;
  try {
    const orm = await createOrm({ databaseUrl, poolMax: 2 });
    await migrateToLatest(orm, databaseUrl).finally(() => orm.close(true));
    const internalToken = randomBytes(32).toString('base64url');
    const config = { ...loadConfig({}), databaseUrl, internalApiToken: internalToken, secretKey: randomBytes(32), host: '127.0.0.1', port: 0, logLevel: 'error' as const };
    const logger = createLogger({ level: 'error' });
    const stages = buildStages(logger, { env: {}, sandbox: { rateLimit: '10000000/minute' }, ...stageOptions });
    gateway = await createGateway(config, { logger, migrate: false, extensions: stages.extensions });
    const { url } = await gateway.listen(0, '127.0.0.1');
    const { agent } = await internal(url, internalToken, '/agents', { owner_user_id: 'smoke-owner', owner_email: 'smoke-owner@example.com', display_name: 'Smoke agent' });
    await internal(url, internalToken, `/agents/${agent.id}/grants`, grant);
    const { secret } = await internal(url, internalToken, `/agents/${agent.id}/tokens`, {});
    const running = gateway;
    return {
      url,
      gateway: running,
      context: stages.context,
      agentToken: secret,
      internalToken,
      async close() {
        await running.close();
        await admin(`drop database if exists "${name}" with (force)`);
      },
    };
  } catch (err) {
    await gateway?.close().catch(() => undefined);
    await admin(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    throw err;
  }
}
