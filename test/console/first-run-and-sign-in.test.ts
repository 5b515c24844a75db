import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createTestDatabase, dropTestDatabase } from '../support/index.js';
import { PASSWORD, launchBrowser, newPage, startConsoleStack, type ConsoleStack } from './support.js';

describe('console: first-run setup, local sign-in, rate limits and CSRF (real Chromium)', function () {
  this.timeout(180_000);
  let databaseUrl: string;
  let stack: ConsoleStack;
  let browser: Browser;
  let stderr = '';

  before(async () => {
    // A database of its own: "a start with no accounts" must hold whatever other files created.
    databaseUrl = await createTestDatabase('agw_console_first');
    // The setup link goes to the terminal (stderr), outside the JSON log: keep what is written there.
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr += String(chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      [stack, browser] = await Promise.all([startConsoleStack({ databaseUrl, consoleSignInMaxPerAccount: 3, consoleSignInMaxPerAddress: 50 }), launchBrowser()]);
    } finally {
      process.stderr.write = write;
    }
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('logs a one-time setup link, keeps its token in a 0600 file, and creates the first admin from it', async () => {
    const token = /\/console\/setup\?token=(agws_[A-Za-z0-9_-]{43})\n/.exec(stderr)?.[1];
    expect(token, 'the setup link is printed on the terminal').to.be.a('string');
    const file = join(stack.gw.gateway.deps.config.dataDir, 'console-setup-token');
    const logged = stack.gw.logs.lines.find((l) => l.includes('console: no accounts yet'));
    expect(logged, 'the JSON log names the token file').to.contain(file);
    expect(stack.gw.logs.text(), 'the JSON log never holds the token').not.to.contain(token!);
    expect(readFileSync(file, 'utf8').trim()).to.equal(token);
    expect(statSync(file).mode & 0o777).to.equal(0o600);

    const { page, context } = await newPage(browser);
    await page.goto(`${stack.baseUrl}/console/setup?token=${token}`);
    await page.getByLabel('User id').fill('ana');
    await page.getByLabel('Email').fill('ana@example.com');
    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Too short: the error is shown at the field, nothing is created.
    expect(await page.locator('#err-password').textContent()).to.match(/at least 12/);
    expect(await page.getByLabel(/^Password/).getAttribute('aria-invalid')).to.equal('true');

    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/console\/agents/);
    expect(await page.locator('h1').textContent()).to.equal('Agents');
    expect(await page.locator('.role').textContent()).to.equal('admin');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'agw_console');
    expect(session).to.include({ httpOnly: true, sameSite: 'Lax', path: '/console' });

    // The link works once.
    const again = await page.goto(`${stack.baseUrl}/console/setup?token=${token}`);
    expect(again?.status()).to.equal(403);
    await context.close();
  });

  it('signs in with the local password, and out again', async () => {
    const { page, context } = await newPage(browser);
    const first = await page.goto(`${stack.baseUrl}/console/agents`);
    expect(page.url()).to.match(/\/console\/sign-in\?next=%2Fconsole%2Fagents$/);
    expect(first?.headers()['content-security-policy']).to.match(/script-src 'self'/);
    await page.getByLabel('User id').fill('ana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/console\/agents$/);
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(/\/console\/sign-in/);
    const back = await page.goto(`${stack.baseUrl}/console/agents`);
    expect(back?.url()).to.match(/sign-in/);
    await context.close();
  });

  it('refuses a form post without the CSRF token and changes nothing', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${stack.baseUrl}/console/sign-in`);
    await page.getByLabel('User id').fill('ana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/console\/agents$/);
    // The same form as the page's, sent without its hidden _csrf field.
    const outcome = await page.evaluate(async () => {
      const res = await fetch('/console/agents', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'display_name=sneaky' });
      return { status: res.status, text: await res.text() };
    });
    expect(outcome.status).to.equal(403);
    expect(outcome.text).to.match(/CSRF/);
    const withWrongToken = await page.evaluate(async () => (await fetch('/console/agents', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=nope&display_name=sneaky' })).status);
    expect(withWrongToken).to.equal(403);
    await page.reload();
    expect(await page.locator('main').textContent()).not.to.include('sneaky');
    // With the page's own form (and its token) the same post works.
    await page.getByLabel('Name').fill('Real agent');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/\/console\/agents\/[0-9a-f-]{36}\?notice=created$/);
    await context.close();
  });

  it('rate-limits sign-in per account: after the failures even the right password is refused', async () => {
    const { page, context } = await newPage(browser);
    const attempt = async (password: string) => {
      await page.goto(`${stack.baseUrl}/console/sign-in`);
      await page.getByLabel('User id').fill('ana');
      await page.getByLabel('Password').fill(password);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      return response.status();
    };
    expect(await attempt('wrong password 1')).to.equal(401);
    expect(await attempt('wrong password 2')).to.equal(401);
    expect(await attempt('wrong password 3')).to.equal(401);
    expect(await attempt(PASSWORD)).to.equal(429);
    expect(await page.getByRole('alert').textContent()).to.match(/Too many failed sign-ins/);
    const { audit, orm } = stack.gw.gateway.deps;
    const locked = await audit.query(orm.em.fork(), { kind: 'console.sign_in_locked' }, 10);
    expect(locked.items).to.have.length(1);
    await context.close();
  });
});
