/**
 * The human's browser step of `codex mcp login`, in real Chromium (headless): open the
 * authorization URL Codex produced, sign in on the gateway's console, bind the client to a new
 * agent with read and write grants on OPS, approve, and follow the redirect back to Codex's
 * loopback callback.
 */
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsentResult {
  /** What the consent page said (whitespace collapsed), for the transcript. */
  consentText: string;
  /** Where the browser ended: Codex's callback. */
  finalUrl: string;
}

export async function consentInChromium(authorizationUrl: string, owner: { id: string; password: string }, agentName: string): Promise<ConsentResult> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(authorizationUrl);
    if (new URL(page.url()).pathname === '/console/sign-in') {
      await page.getByLabel('User id').fill(owner.id);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    await page.waitForURL(/\/console\/oauth\/consent\//, { timeout: 30_000 });
    const consentText = (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
    await page.getByLabel('Name of the new agent').fill(agentName);
    await page.getByLabel('OPS: Operations').check();
    await page.getByLabel('read: every reading tool').check();
    await page.getByLabel('write: every tool that creates or changes').check();
    const gateway = new URL(authorizationUrl).origin;
    await Promise.all([page.waitForURL((url) => url.origin !== gateway, { timeout: 30_000 }), page.getByRole('button', { name: 'Approve' }).click()]);
    await page.waitForLoadState('load').catch(() => undefined);
    return { consentText, finalUrl: page.url() };
  } finally {
    await browser.close();
  }
}
