import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { call, randomAddress } from '../support/index.js';
import { artifactPath, createUser, launchBrowser, newPage, signIn, startConsoleStack, type ConsoleStack } from './support.js';

interface Hook {
  server: Server;
  url: string;
  bodies: Record<string, any>[];
}

/** A real HTTP receiver for the approval webhook. */
async function startHook(): Promise<Hook> {
  const bodies: Record<string, any>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, any>);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Callbacks of page.evaluate run in the browser and reach its document through globalThis: the
// tests compile without the DOM library.
describe('console: agents, pairing approval with grants, the approvals inbox (real Chromium)', function () {
  this.timeout(240_000);
  let stack: ConsoleStack;
  let hook: Hook;
  let browser: Browser;
  let alice: { id: string; password: string };
  let bob: { id: string; password: string };
  let page: Page;
  let agentId: string;
  let agentToken: string;

  before(async () => {
    hook = await startHook();
    [stack, browser] = await Promise.all([startConsoleStack({ approvalWebhookUrl: hook.url }), launchBrowser()]);
    alice = await createUser(stack, 'owner', 'alice');
    bob = await createUser(stack, 'owner', 'bob');
    ({ page } = await newPage(browser));
    await signIn(page, stack.baseUrl, alice);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    hook?.server.close();
  });

  it('approves a device flow started over HTTP, binding a new agent with grants; the poller gets the token', async () => {
    const address = randomAddress();
    const started = await call(stack.baseUrl, 'POST', '/api/v1/pairing/flows', { body: { device_name: 'alice-thinkpad' }, headers: { 'x-forwarded-for': address } });
    expect(started.status).to.equal(201);
    expect(started.body.verification_uri).to.equal(`${stack.baseUrl}/console/pair`);
    expect(started.body.verification_uri_complete).to.contain('/console/pair?user_code=');
    const pending = await call(stack.baseUrl, 'POST', `/api/v1/pairing/flows/${started.body.flow_id}/poll`, { body: { flow_secret: started.body.flow_secret }, headers: { 'x-forwarded-for': address } });
    expect(pending.body.error.code).to.equal('authorization_pending');

    await page.goto(started.body.verification_uri_complete);
    expect(await page.locator('dl.facts').textContent()).to.contain('alice-thinkpad');
    expect(await page.locator('dl.facts').textContent()).to.contain(address);
    await page.getByLabel('Name of the new agent').fill('Alice laptop Codex');
    await page.getByLabel('OPS: Operations').check();
    await page.getByLabel('read: every reading tool').check();
    await page.getByLabel('write: every tool that creates or changes').check();
    await page.locator('fieldset:has(legend:text("Always ask me before these kinds"))').getByLabel('write', { exact: true }).check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/console\/agents\?notice=paired/);

    await new Promise((r) => setTimeout(r, 300));
    const delivered = await call(stack.baseUrl, 'POST', `/api/v1/pairing/flows/${started.body.flow_id}/poll`, { body: { flow_secret: started.body.flow_secret }, headers: { 'x-forwarded-for': address } });
    expect(delivered.status, delivered.text).to.equal(200);
    agentToken = delivered.body.access_token;
    agentId = delivered.body.agent.id;
    expect(delivered.body.agent).to.include({ display_name: 'Alice laptop Codex', owner_user_id: alice.id });
    const me = await call(stack.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${agentToken}` } });
    expect(me.body.grants).to.have.length(1);
    expect(me.body.grants[0]).to.deep.include({ workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
    expect(me.body.grants[0].constraints).to.deep.equal({ approval_required_kinds: ['write'] });

    // The approval and its grant name the signed-in human in the audit log.
    const { audit, orm } = stack.gw.gateway.deps;
    const events = (await audit.query(orm.em.fork(), { agentId }, 20)).items;
    expect(events.find((e) => e.kind === 'pairing.flow_approved')?.actor).to.deep.equal({ type: 'user', id: alice.id });
    expect(events.find((e) => e.kind === 'grant.created')?.actor).to.deep.equal({ type: 'user', id: alice.id });
  });

  it('refuses, at the field, a grant on a project Tasker does not have, and creates nothing', async () => {
    await page.goto(`${stack.baseUrl}/console/agents/${agentId}/grants/new`);
    // The editor offers only Tasker's projects: a tampered form names another one.
    await page.evaluate(() => {
      const list = (globalThis as any).document.querySelector('input[name="projects"]').closest('ul');
      list.insertAdjacentHTML('beforeend', '<li><input type="checkbox" id="ghost" name="projects" value="GHOST" checked><label for="ghost">GHOST</label></li>');
    });
    await page.getByLabel('read: every reading tool').check();
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/agents/${agentId}/grants`)), page.getByRole('button', { name: 'Add grant' }).click()]);
    expect(response.status()).to.equal(400);
    expect(await page.locator('#err-projects').textContent()).to.contain('Tasker has no project GHOST');
    const grants = await stack.client.request('GET', `/agents/${agentId}/grants`);
    expect(grants.body.items).to.have.length(1);
  });

  it('shows a parked write in the inbox live, approves it, and carries it out exactly once', async () => {
    await page.goto(`${stack.baseUrl}/console/approvals`);
    await page.waitForSelector('text=Live: new requests appear here.');
    const name = `Console approval ${Date.now()}`;
    const parked = await call(stack.baseUrl, 'POST', '/api/v1/projects/OPS/work-items', { body: { name, description: 'secret plans' }, headers: { authorization: `Bearer ${agentToken}` } });
    expect(parked.status, parked.text).to.equal(202);
    const actionId = parked.body.action_id as string;

    // Server-sent events: the card and the count arrive without a reload.
    await page.waitForSelector(`[data-action-id="${actionId}"]`, { timeout: 15_000 });
    expect(await page.title()).to.match(/^\(1\) Approvals/);
    const card = page.locator(`[data-action-id="${actionId}"]`);
    expect(await card.textContent()).to.contain('create_work_item');
    await card.locator('summary').click();
    expect(await card.locator('pre.args').textContent()).to.contain('[masked]');
    expect(await card.locator('pre.args').textContent()).not.to.contain('secret plans');

    const webhook = await waitFor('the webhook', () => hook.bodies.find((b) => b.action?.id === actionId));
    expect(webhook).to.deep.include({ type: 'approval.requested', inbox_url: `${stack.baseUrl}/console/approvals/${actionId}` });
    expect(JSON.stringify(webhook)).not.to.contain('secret plans');

    const phone = await newPage(browser, { width: 390, height: 844 });
    await signIn(phone.page, stack.baseUrl, alice);
    await phone.page.goto(`${stack.baseUrl}/console/approvals`);
    await phone.page.screenshot({ path: await artifactPath('approvals-inbox-phone.png'), fullPage: true });
    const overflow = await phone.page.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return (root.scrollWidth as number) - (root.clientWidth as number);
    });
    expect(overflow, 'no sideways scrolling on a phone').to.be.at.most(0);
    await phone.context.close();

    await card.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(new RegExp(`/console/approvals/${actionId}$`));
    expect(await page.locator('h1').textContent(), (await page.locator('main').textContent()) ?? '').to.contain('succeeded');
    expect(await page.locator('[data-result]').textContent()).to.contain(name);
    expect(stack.sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at)).to.have.length(1);

    // A second approval (a double click, another tab) changes nothing.
    const again = await page.evaluate(async (id) => {
      const csrf = (globalThis as any).document.querySelector('input[name="_csrf"]').value as string;
      return (await fetch(`/console/approvals/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}` })).status;
    }, actionId);
    expect(again).to.equal(409);
    expect(stack.sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at)).to.have.length(1);
    const { audit, orm } = stack.gw.gateway.deps;
    const approved = (await audit.query(orm.em.fork(), { agentId, kind: 'approval.approved' }, 10)).items;
    expect(approved.map((e) => e.actor)).to.deep.equal([{ type: 'user', id: alice.id }]);
  });

  it('shows another owner nothing of this agent: 404, as if it did not exist', async () => {
    const other = await newPage(browser);
    await signIn(other.page, stack.baseUrl, bob);
    const res = await other.page.goto(`${stack.baseUrl}/console/agents/${agentId}`);
    expect(res?.status()).to.equal(404);
    expect(await other.page.locator('main').textContent()).not.to.contain('Alice laptop Codex');
    await other.page.goto(`${stack.baseUrl}/console/agents`);
    expect(await other.page.locator('main').textContent()).not.to.contain('Alice laptop Codex');
    const audit = await other.page.goto(`${stack.baseUrl}/console/audit?agent_id=${agentId}`);
    expect(audit?.status()).to.equal(404);
    await other.context.close();
  });

  it('issues a token shown once, suspends and revokes (with confirmation) the agent', async () => {
    await page.goto(`${stack.baseUrl}/console/agents/${agentId}`);
    await page.getByLabel('Label').fill('second machine');
    await page.getByRole('button', { name: 'Issue a token' }).click();
    const secret = await page.locator('#secret').inputValue();
    expect(secret).to.match(/^agw_[A-Za-z0-9]{12}_[A-Za-z0-9]{43}$/);
    expect((await call(stack.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${secret}` } })).status).to.equal(200);
    await page.goto(`${stack.baseUrl}/console/agents/${agentId}`);
    expect(await page.locator('main').textContent()).not.to.contain(secret);

    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.waitForURL(/notice=suspended/);
    expect((await call(stack.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${secret}` } })).status).to.equal(401);
    await page.getByRole('link', { name: 'Revoke…' }).click();
    await page.getByRole('button', { name: 'Yes, revoke for good' }).click();
    await page.waitForURL(/notice=revoked/);
    expect(await page.locator('.status').first().textContent()).to.equal('revoked');
  });
});
