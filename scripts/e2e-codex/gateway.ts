/**
 * The gateway `codex` talks to: the whole thing as `npm start` wires it (compiled policy, Tasker
 * sandbox, MCP, console, authorization server) on a fresh, migrated database that is dropped at
 * close, on a port chosen before it is built (its OAuth issuer and resource derive from
 * PUBLIC_URL), with one local console account for the browser step.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { hashPassword } from '../../src/console/index.js';
import { insertUser } from '../../src/console/users.js';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { buildStages } from '../../src/gateway/stages.js';
import { createLogger } from '../../src/log/index.js';
import { createOrm, migrateToLatest } from '../../src/store/index.js';
import { admin } from '../local-stack.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface E2eGateway {
  url: string;
  gateway: Gateway;
  internalToken: string;
  owner: { id: string; password: string };
  /** GET/POST on the internal API as the owner (Launcher's view). */
  internal(method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startE2eGateway(): Promise<E2eGateway> {
  const name = `agw_codex_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`create database "${name}"`);
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${name}` }).toString();
  let gateway: Gateway | undefined;
  try {
    // The console account exists before the gateway starts, so it prints no first-run setup link.
    const owner = { id: 'codex-e2e-owner', password: randomBytes(12).toString('base64url') };
    const orm = await createOrm({ databaseUrl, poolMax: 2 });
    try {
      await migrateToLatest(orm, databaseUrl);
      await insertUser(orm.em.fork(), { id: owner.id, email: 'codex-e2e-owner@example.com', displayName: 'Codex e2e owner', role: 'owner', source: 'local', passwordHash: await hashPassword(owner.password) });
    } finally {
      await orm.close(true);
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const internalToken = randomBytes(32).toString('base64url');
    const config = {
      ...loadConfig({}),
      databaseUrl,
      dataDir: mkdtempSync(join(tmpdir(), 'agw-codex-gw-')),
      internalApiToken: internalToken,
      secretKey: randomBytes(32),
      host: '127.0.0.1',
      port,
      publicUrl: url,
      logLevel: 'error' as const,
    };
    const logger = createLogger({ level: 'error' });
    const stages = buildStages(logger, { env: {}, sandbox: { rateLimit: '10000000/minute' } });
    gateway = await createGateway(config, { logger, migrate: false, extensions: stages.extensions });
    await gateway.listen(port, '127.0.0.1');
    const running = gateway;
    const internal = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/internal/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${internalToken}`, 'x-acting-user': owner.id, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} /internal/v1${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    return {
      url,
      gateway: running,
      internalToken,
      owner,
      internal,
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
