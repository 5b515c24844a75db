import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { agentAuthMiddleware, createHttpApp, RequestValidator, type MountedRouter, type ReadinessCheck } from '../http/index.js';
import { createIdentity } from '../identity/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { createPairing } from '../pairing/index.js';
import { createOrm, migrateToLatest, pendingMigrations, sql, type Orm } from '../store/index.js';
import { foundationCapabilities } from './capabilities.js';
import type { ExtensionParts, GatewayDeps, GatewayExtension } from './extension.js';

export interface GatewayOptions {
  logger?: Logger;
  extensions?: GatewayExtension[];
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
}

export interface Gateway {
  app: Express;
  deps: GatewayDeps;
  /** Starts listening; port 0 picks a free port. Resolves to the base URL. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number; server: Server }>;
  /** Stops accepting requests, drains, flushes last-used times, closes extensions and the database. */
  close(): Promise<void>;
}

function databaseCheck(orm: Orm): ReadinessCheck {
  return {
    name: 'database',
    check: async () => {
      try {
        await sql(orm.em.fork(), 'select 1');
      } catch {
        throw new GatewayError('service_unavailable', 'database unreachable');
      }
    },
  };
}

function migrationsCheck(orm: Orm): ReadinessCheck {
  return {
    name: 'migrations',
    check: async () => {
      const pending = await pendingMigrations(orm);
      if (pending.length) throw new GatewayError('service_unavailable', `pending migrations: ${pending.join(', ')}`);
    },
  };
}

/**
 * The composition root. Builds the store, audit log, identity and pairing services and the HTTP
 * app, then lets each extension add routers, readiness checks and capabilities. `config` must
 * name a database and an internal API token (the start command resolves both).
 */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  if (!config.databaseUrl) throw new Error('createGateway needs config.databaseUrl (the start command starts the embedded PostgreSQL first)');
  if (!config.internalApiToken) throw new Error('createGateway needs config.internalApiToken');
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const extensions = options.extensions ?? [];
  const orm = await createOrm({ databaseUrl: config.databaseUrl, poolMax: config.dbPoolMax, entities: extensions.flatMap((e) => e.entities ?? []) });
  const parts: ExtensionParts[] = [];
  let server: Server | undefined;
  try {
    if (options.migrate !== false) {
      const applied = await migrateToLatest(orm, config.databaseUrl);
      if (applied.length) logger.info('migrations applied', { migrations: applied });
    }
    const audit = new AuditLog();
    const identity = createIdentity({ orm, audit, logger, authFailureBurstThreshold: config.authFailureBurstThreshold });
    const pairing = createPairing({ orm, audit, identity, config });
    const validator = new RequestValidator();
    const partial = { config, logger, orm, audit, identity, pairing, validator };
    const deps: GatewayDeps = { ...partial, authenticateAgent: agentAuthMiddleware(partial) };
    for (const extension of extensions) {
      parts.push(await extension.setup(deps));
      logger.info('extension ready', { extension: extension.name });
    }
    const routers: MountedRouter[] = parts.flatMap((p) => p.routers ?? []);
    const readiness = [databaseCheck(orm), migrationsCheck(orm), ...parts.flatMap((p) => p.readiness ?? [])];
    const capabilities = () => Object.assign(foundationCapabilities(config), ...parts.map((p) => p.capabilities ?? {}));
    const pageRouters: MountedRouter[] = parts.flatMap((p) => p.pageRouters ?? []);
    const agentRouters: MountedRouter[] = parts.flatMap((p) => p.agentRouters ?? []);
    const app = createHttpApp(deps, { internalApiToken: config.internalApiToken, routers, pageRouters, agentRouters, readiness, capabilities });

    identity.lastUsed.start(config.lastUsedFlushSeconds * 1000);
    identity.changeFeed.start();
    const sweeper = setInterval(() => void pairing.guard.sweep().catch(() => undefined), 10 * 60_000);
    sweeper.unref();

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        if (server) {
          const stopped = once(server, 'close');
          server.close();
          server.closeIdleConnections();
          const force = setTimeout(() => server?.closeAllConnections(), 5_000);
          force.unref();
          await stopped;
          clearTimeout(force);
        }
        for (const part of [...parts].reverse()) await part.close?.().catch((err: unknown) => logger.error('extension close failed', { error: String(err) }));
        await identity.changeFeed.stop();
        await identity.lastUsed.stop();
        await orm.close(true);
      })());

    const listen = async (port = config.port, host = config.host) => {
      server = app.listen(port, host);
      await once(server, 'listening');
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${shownHost}:${address.port}`, port: address.port, server };
    };

    return { app, deps, listen, close };
  } catch (err) {
    for (const part of [...parts].reverse()) await part.close?.().catch(() => undefined);
    await orm.close(true);
    throw err;
  }
}
