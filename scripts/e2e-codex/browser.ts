/**
 * The human's browser step of `codex mcp login`, in real Chromium (headless): open the
 * authorization URL Codex produced, sign in on the gateway's console, bind the client to an
 * agent, approve, and follow the redirect back to Codex's loopback callback.
 */
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsentResult {
  /** What the consent page said (whitespace collapsed), for the transcript. */
  consentText: string;
  /** Where the browser ended: Codex's callback. */
  finalUrl: string;
}

/** Bind the client to a new agent (granted read and write on OPS), or to an existing one by name (its grants stay). */
export type Binding = { newAgent: string } | { existingAgent: string };

export async function consentInChromium(authorizationUrl: string, owner: { id: string; password: string }, binding: Binding): Promise<ConsentResult> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await (await browser.newContext()).newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(authorizationUrl);
    if (new URL(page.url()).pathname === '/console/sign-in') {
      await page.getByLabel('User id').fill(owner.id);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    await page.waitForURL(/\/console\/oauth\/consent\//, { timeout: 30_000 });
    const consentText = (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
    if ('newAgent' in binding) {
      await page.getByLabel('Name of the new agent').fill(binding.newAgent);
      await page.getByLabel('OPS: Operations').check();
      await page.getByLabel('read: every reading tool').check();
      await page.getByLabel('write: every tool that creates or changes').check();
    } else {
      await page.getByLabel('an existing agent').check();
      await page.getByLabel('Existing agent', { exact: true }).selectOption({ label: binding.existingAgent });
    }
    const gateway = new URL(authorizationUrl).origin;
    try {
      await Promise.all([page.waitForURL((url) => url.origin !== gateway, { timeout: 30_000 }), page.getByRole('button', { name: 'Approve' }).click()]);
    } catch (err) {
      // Say where the browser got stuck and what the page said: that is what a person would see.
      const text = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
      throw new Error(`after Approve the browser stayed on ${page.url()}: "${text}" (${err instanceof Error ? err.message.split('\n')[0] : String(err)}; browser errors: ${consoleErrors.join(' | ') || 'none'})`);
    }
    await page.waitForLoadState('load').catch(() => undefined);
    return { consentText, finalUrl: page.url() };
  } finally {
    await browser.close();
  }
}
