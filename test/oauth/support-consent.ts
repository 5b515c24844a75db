/**
 * The human's part of an authorization request, in real Chromium: open the URL the client asked
 * for, sign in on the console when it asks, and answer the consent page (the device-pairing
 * approval form: bind to a new agent with grants, or deny).
 */
import type { Page } from 'playwright-core';

export interface ConsentChoice {
  /** Name of the new agent the client is bound to. */
  agentName: string;
  /** Grant the writing tools too (reads are always ticked). */
  write?: boolean;
}

/** Opens the authorization URL and signs in if the console asks; resolves on the consent page with its visible text. */
export async function openConsent(page: Page, authorizationUrl: URL, user: { id: string; password: string }): Promise<string> {
  await page.goto(authorizationUrl.href);
  if (new URL(page.url()).pathname === '/console/sign-in') {
    await page.getByLabel('User id').fill(user.id);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await page.waitForURL(/\/console\/oauth\/consent\//);
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

/** Binds the client to a new agent with grants on OPS and approves; the browser then follows the redirect to the client. */
export async function approve(page: Page, choice: ConsentChoice): Promise<void> {
  await page.getByLabel('Name of the new agent').fill(choice.agentName);
  await page.getByLabel('OPS: Operations').check();
  await page.getByLabel('read: every reading tool').check();
  if (choice.write) await page.getByLabel('write: every tool that creates or changes').check();
  await page.getByRole('button', { name: 'Approve' }).click();
}

export async function deny(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Deny' }).click();
}
