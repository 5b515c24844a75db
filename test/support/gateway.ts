import { randomBytes } from 'node:crypto';
import { loadConfig, type GatewayConfig } from '../../src/config/index.js';
import { createGateway, type Gateway, type GatewayExtension } from '../../src/gateway/index.js';
import { testDatabaseUrl } from './database.js';
import { capturingLogger, type CapturingTransport } from './logs.js';

export interface TestGatewayOptions {
  config?: Partial<GatewayConfig>;
  extensions?: GatewayExtension[];
}

export interface TestGateway {
  baseUrl: string;
  internalToken: string;
  gateway: Gateway;
  /** Every log line the gateway wrote. */
  logs: CapturingTransport;
  close(): Promise<void>;
}

/**
 * Boots the real gateway on 127.0.0.1, port 0, against this run's database. Defaults suit tests:
 * a fresh random internal token, fast pairing polls, `trust proxy` for loopback so a test can
 * pose as another address with X-Forwarded-For (keeping per-address limits apart between tests).
 */
export async function startTestGateway(overrides: TestGatewayOptions | Partial<GatewayConfig> = {}): Promise<TestGateway> {
  const options: TestGatewayOptions = 'config' in overrides || 'extensions' in overrides ? (overrides as TestGatewayOptions) : { config: overrides as Partial<GatewayConfig> };
  const internalToken = randomBytes(32).toString('base64url');
  const config: GatewayConfig = {
    ...loadConfig({}),
    databaseUrl: testDatabaseUrl(),
    internalApiToken: internalToken,
    secretKey: randomBytes(32),
    port: 0,
    host: '127.0.0.1',
    dbPoolMax: 5,
    trustProxy: 'loopback',
    pairingPollIntervalSeconds: 0.2,
    pairingSlowDownSeconds: 0.2,
    lastUsedFlushSeconds: 3600,
    ...options.config,
  };
  const { logger, capture } = capturingLogger();
  const gateway = await createGateway(config, { logger, migrate: false, extensions: options.extensions ?? [] });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return { baseUrl: url, internalToken: config.internalApiToken!, gateway, logs: capture, close: () => gateway.close() };
}
