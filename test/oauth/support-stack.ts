/**
 * The whole gateway as `npm start` wires it (compiled policy, Tasker sandbox, MCP, REST, console,
 * authorization server) on a loopback port chosen BEFORE it is built: the authorization server's
 * issuer, its metadata and the `resource` it accepts all derive from PUBLIC_URL, so it must be
 * right from the first request rather than patched in after `listen`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type GatewayConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/gateway/index.js';
import { buildStages } from '../../src/gateway/stages.js';
import { silentLogger } from '../../src/log/index.js';
import { freePort } from '../cli/gateway-process.js';
import type { ConsoleStack } from '../console/support.js';
import { compiledPolicyDir } from '../decision/support.js';
import { capturingLogger, InternalClient, testDatabaseUrl } from '../support/index.js';

export async function startOAuthStack(overrides: Partial<GatewayConfig> = {}): Promise<ConsoleStack> {
  const policyDir = await compiledPolicyDir();
  const stages = buildStages(silentLogger(), {
    env: {},
    policyBuild: { outDir: policyDir, engine: 'regoc', optimize: false },
    sandbox: { rateLimit: '100000/minute' },
    adapter: { maxAttempts: 2, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, deadlineMs: 5_000 },
    allowedOrigins: [],
  });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const internalToken = randomBytes(32).toString('base64url');
  const config: GatewayConfig = {
    ...loadConfig({}),
    databaseUrl: testDatabaseUrl(),
    dataDir: mkdtempSync(join(tmpdir(), 'agw-oauth-')),
    internalApiToken: internalToken,
    secretKey: randomBytes(32),
    host: '127.0.0.1',
    port,
    publicUrl: baseUrl,
    dbPoolMax: 5,
    trustProxy: 'loopback',
    lastUsedFlushSeconds: 3600,
    ...overrides,
  };
  const { logger, capture } = capturingLogger();
  const gateway = await createGateway(config, { logger, migrate: false, extensions: stages.extensions });
  await gateway.listen(port, '127.0.0.1');
  const gw = { baseUrl, internalToken, gateway, logs: capture, close: () => gateway.close() };
  return { gw, baseUrl, context: stages.context, sandbox: stages.context.sandbox!, client: new InternalClient(baseUrl, internalToken, 'owner-1'), close: () => gateway.close() };
}
