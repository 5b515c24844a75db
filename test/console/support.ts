/**
 * The whole gateway as `npm start` wires it (compiled policy, Tasker sandbox, decision, MCP, REST,
 * console) on 127.0.0.1, plus real Chromium through playwright-core (Debian's chromium package).
 */
import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { GatewayConfig } from '../../src/config/index.js';
import { hashPassword } from '../../src/console/index.js';
import { insertUser, type ConsoleRole } from '../../src/console/users.js';
import { buildStages, type StageContext } from '../../src/gateway/stages.js';
import { silentLogger } from '../../src/log/index.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import type { TaskerSandbox } from '../../src/tasker/index.js';
import { compiledPolicyDir } from '../decision/support.js';
import { InternalClient, startTestGateway, type TestGateway } from '../support/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts');
export const PASSWORD = 'correct horse battery staple';

export interface ConsoleStack {
  gw: TestGateway;
  baseUrl: string;
  context: StageContext;
  sandbox: TaskerSandbox;
  client: InternalClient;
  close(): Promise<void>;
}

export async function startConsoleStack(config: Partial<GatewayConfig> = {}): Promise<ConsoleStack> {
  const policyDir = await compiledPolicyDir();
  const stages = buildStages(silentLogger(), {
    env: {},
    policyBuild: { outDir: policyDir, engine: 'regoc', optimize: false },
    sandbox: { rateLimit: '100000/minute' },
    adapter: { maxAttempts: 2, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, deadlineMs: 5_000 },
    allowedOrigins: [],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'agw-console-'));
  const gw = await startTestGateway({ config: { dataDir, ...config }, extensions: stages.extensions });
  // The test gateway learns its port only once listening; links it builds (device flow, webhook) use it.
  gw.gateway.deps.config.publicUrl = gw.baseUrl;
  return { gw, baseUrl: gw.baseUrl, context: stages.context, sandbox: stages.context.sandbox!, client: new InternalClient(gw.baseUrl, gw.internalToken, 'owner-1'), close: () => gw.close() };
}

let users = 0;

/** A local console account made directly in the database (the setup and invitation pages are tested on their own). */
export async function createUser(stack: ConsoleStack, role: ConsoleRole = 'owner', prefix = 'owner'): Promise<{ id: string; password: string }> {
  users += 1;
  const id = `${prefix}-${process.pid}-${users}-${Math.random().toString(36).slice(2, 7)}`;
  await insertUser(stack.gw.gateway.deps.orm.em.fork(), { id, email: `${id}@example.com`, displayName: `User ${id}`, role, source: 'local', passwordHash: await hashPassword(PASSWORD) });
  return { id, password: PASSWORD };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser profile (cookies apart), confirming the console's "are you sure" dialogs. */
export async function newPage(browser: Browser, viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page };
}

export async function signIn(page: Page, baseUrl: string, user: { id: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('User id').fill(user.id);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/console\/agents/);
}

export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
