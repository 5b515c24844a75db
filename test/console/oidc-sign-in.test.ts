import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, startConsoleStack, type ConsoleStack } from './support.js';

const CLIENT = { id: 'agent-gateway-console', secret: 'a-test-client-secret-of-enough-length' };

describe('console: OpenID Connect sign-in against a real provider (oidc-provider, real Chromium)', function () {
  this.timeout(180_000);
  let stack: ConsoleStack;
  let browser: Browser;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const idp = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));

  before(async () => {
    idp.listen(0, '127.0.0.1');
    await once(idp, 'listening');
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    [stack, browser] = await Promise.all([
      startConsoleStack({ oidc: { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, adminSubjects: ['security-lead'] } }),
      launchBrowser(),
    ]);
    const provider = new Provider(issuer, {
      clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [`${stack.baseUrl}/console/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      async findAccount(_ctx: unknown, id: string) {
        return { accountId: id, async claims() { return { sub: id, email: `${id}@idp.example`, name: `IdP user ${id}` }; } };
      },
      claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['a-cookie-signing-key-for-the-test-provider'] },
    });
    handler = provider.callback();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    idp.close();
  });

  async function signInAt(login: string) {
    const { page, context } = await newPage(browser);
    await page.goto(`${stack.baseUrl}/console/approvals`);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    // The provider's own login and consent pages (its development interactions).
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
    await page.waitForURL(new RegExp(`^${stack.baseUrl}/console/approvals$`));
    return { page, context };
  }

  it('signs in through the provider (code flow with PKCE); the subject becomes the owner id', async () => {
    const { page, context } = await signInAt('olga-42');
    expect(await page.locator('.sign-out button').textContent()).to.contain('olga-42');
    expect(await page.locator('.role').textContent()).to.equal('owner');
    await page.goto(`${stack.baseUrl}/console/agents`);
    await page.getByLabel('Name').fill('Olga agent');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/notice=created/);
    const listed = await stack.client.request('GET', '/agents?owner_user_id=olga-42');
    expect(listed.body.items.map((a: { display_name: string; owner_email: string }) => [a.display_name, a.owner_email])).to.deep.equal([['Olga agent', 'olga-42@idp.example']]);
    const { audit, orm } = stack.gw.gateway.deps;
    const created = (await audit.query(orm.em.fork(), { kind: 'console.user_created' }, 10)).items.find((e) => e.subject?.id === 'olga-42');
    expect(created?.detail).to.deep.include({ source: 'oidc', role: 'owner' });
    await context.close();
  });

  it('gives admin to the subjects named in OIDC_ADMIN_SUBJECTS', async () => {
    const { page, context } = await signInAt('security-lead');
    expect(await page.locator('.role').textContent()).to.equal('admin');
    await page.goto(`${stack.baseUrl}/console/audit`);
    expect(await page.locator('main').textContent()).to.contain('Policy revision');
    await context.close();
  });

  it('refuses a callback that does not belong to a sign-in this browser started', async () => {
    const { page, context } = await newPage(browser);
    const res = await page.goto(`${stack.baseUrl}/console/oidc/callback?code=forged&state=forged`);
    expect(res?.status()).to.equal(401);
    await context.close();
  });
});
