import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { call } from '../support/index.js';
import { createUser, launchBrowser, newPage, signIn, startConsoleStack, type ConsoleStack } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The audit table's sequence numbers, top to bottom. */
async function seqs(page: Page): Promise<number[]> {
  return (await page.locator('table tbody tr td:first-child').allTextContents()).map(Number);
}

async function kinds(page: Page): Promise<string[]> {
  return page.locator('table tbody tr td:nth-child(3)').allTextContents();
}

describe('console: Explain with the rules that decided, and the audit page filters (real Chromium)', function () {
  this.timeout(150_000);
  let stack: ConsoleStack;
  let browser: Browser;
  let admin: { id: string; password: string };
  let alice: { id: string; password: string };
  let page: Page;
  let agentId: string;
  let grantId: string;

  before(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchBrowser()]);
    admin = await createUser(stack, 'admin', 'root');
    alice = await createUser(stack, 'owner', 'alice');
    const agent = await stack.client.createAgent('Alice explain agent', alice.id);
    agentId = agent.id;
    grantId = (await stack.client.createGrant(agentId, { workspace: 'nodedc', projects: ['OPS'], tools: ['read'] })).id;
    ({ page } = await newPage(browser));
    await signIn(page, stack.baseUrl, alice);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const explain = async (tool: string, args: string) => {
    await page.goto(`${stack.baseUrl}/console/explain?agent_id=${agentId}`);
    await page.getByLabel('Agent').selectOption(agentId);
    await page.getByLabel('Tool').selectOption(tool);
    await page.getByLabel('Arguments (JSON)').fill(args);
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.waitForSelector('[data-verdict]');
    const card = page.locator('[data-verdict]');
    return {
      verdict: await card.getAttribute('data-verdict'),
      text: (await card.textContent()) ?? '',
      rules: await card.locator('[data-matched-rules] li').allTextContents(),
    };
  };

  it('explains a read and a destructive write with reasons, matched grants and matched rules, acting on nothing', async () => {
    const before = JSON.stringify(stack.sandbox.data.workItems);
    const read = await explain('get_work_item', '{"work_item": "OPS-1"}');
    expect(read.verdict).to.equal('allow');
    expect(read.text).to.contain(grantId);
    expect(read.rules.length, 'the rules that allowed are named').to.be.greaterThan(0);
    for (const rule of read.rules) expect(rule).to.match(/\S+\s+\S+\.rego:\d+$/);

    const write = await explain('delete_work_item', '{"work_item": "OPS-1"}');
    expect(write.verdict).to.equal('deny');
    expect(write.text).to.match(/Reasons/);
    expect(write.rules.length, 'the rules that denied are named').to.be.greaterThan(0);
    expect(write.rules).not.to.deep.equal(read.rules);
    expect(write.text).to.contain('Nothing was run or recorded.');

    // Nothing was executed: Tasker is unchanged and the audit has no decision or outcome of the agent.
    expect(JSON.stringify(stack.sandbox.data.workItems)).to.equal(before);
    const { audit, orm } = stack.gw.gateway.deps;
    const events = (await audit.query(orm.em.fork(), { agentId }, 100)).items;
    expect(events.filter((e) => e.kind === 'decision' || e.kind === 'outcome')).to.deep.equal([]);

    // The same step as the agent's own explain tool: the same rules for the same call.
    const issued = await stack.client.issueToken(agentId);
    const viaTool = await call(stack.baseUrl, 'POST', '/api/v1/explain', { body: { tool: 'delete_work_item', arguments: { work_item: 'OPS-1' } }, headers: { authorization: `Bearer ${issued.secret}` } });
    expect(viaTool.status, viaTool.text).to.equal(200);
    const toolRules = (viaTool.body.matched_rules as { rule: string; file: string; line: number }[]).map((r) => `${r.rule} ${r.file}:${r.line}`);
    expect(write.rules.map((r) => r.replace(/\s+/g, ' ').trim())).to.deep.equal(toolRules);
  });

  it('refuses arguments that are not JSON at the field and explains nothing', async () => {
    await page.goto(`${stack.baseUrl}/console/explain?agent_id=${agentId}`);
    await page.getByLabel('Arguments (JSON)').fill('{work_item: OPS-1');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/explain') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Explain' }).click()]);
    expect(response.status()).to.equal(400);
    expect(await page.locator('#err-arguments').textContent()).to.contain('must be JSON');
    expect(await page.locator('[data-verdict]').count()).to.equal(0);
  });

  it('filters the audit by agent, kind and time, and pages with a cursor', async () => {
    // A second agent of alice's, with more token events than one page holds.
    const busy = await stack.client.createAgent('Alice busy agent', alice.id);
    for (let i = 0; i < 53; i += 1) await stack.client.issueToken(busy.id, { label: `t${i}` });
    await sleep(1100);
    const cut = new Date(Math.floor(Date.now() / 1000) * 1000);
    await sleep(1100);
    await stack.client.createGrant(busy.id, { workspace: 'nodedc', projects: ['OPS'], tools: ['read'] });

    await page.goto(`${stack.baseUrl}/console/audit`);
    await page.getByLabel('Agent').selectOption(busy.id);
    await page.getByLabel('Kind').selectOption('token.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/kind=token\.\*/);
    const first = await seqs(page);
    expect(first).to.have.length(50);
    expect(new Set(await kinds(page))).to.deep.equal(new Set(['token.issued']));
    expect([...first].sort((a, b) => b - a), 'newest first').to.deep.equal(first);

    await page.getByRole('link', { name: 'Older events' }).click();
    const second = await seqs(page);
    expect(second).to.have.length(3);
    expect(Math.max(...second)).to.be.lessThan(Math.min(...first));
    expect(new Set(await kinds(page))).to.deep.equal(new Set(['token.issued']));
    expect(await page.getByRole('link', { name: 'Older events' }).count()).to.equal(0);
    // The filters survive paging: the form still shows them.
    expect(await page.getByLabel('Agent').inputValue()).to.equal(busy.id);

    // Time: the grant came after the cut, the tokens before it.
    const at = cut.toISOString().slice(0, 19);
    await page.goto(`${stack.baseUrl}/console/audit?agent_id=${busy.id}&since=${at}`);
    expect(await kinds(page)).to.deep.equal(['grant.created']);
    await page.goto(`${stack.baseUrl}/console/audit?agent_id=${busy.id}&until=${at}`);
    const earlier = await kinds(page);
    expect(earlier).not.to.include('grant.created');
    expect(earlier).to.include('token.issued');

    // A start in the future, through the form: nothing matches.
    await page.getByLabel('From (UTC)').fill(new Date(Date.now() + 3_600_000).toISOString().slice(0, 16));
    await page.getByLabel('Until (UTC)').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/since=/);
    expect(await page.locator('main').textContent()).to.contain('No events match.');

    // An owner sees no chain state: that is for admins.
    expect(await page.locator('[data-chain-state]').count()).to.equal(0);
  });

  it("shows an admin the audit chain's verification state", async () => {
    const other = await newPage(browser);
    await signIn(other.page, stack.baseUrl, admin);
    await other.page.goto(`${stack.baseUrl}/console/audit`);
    const state = other.page.locator('[data-chain-state]');
    expect(await state.textContent()).to.contain('Verify the chain now');
    await state.getByRole('link', { name: 'Verify the chain now' }).click();
    await other.page.waitForURL(/verify=1/);
    const verdict = (await other.page.locator('[data-chain-state]').textContent()) ?? '';
    expect(verdict).to.contain('intact');
    expect(Number(/(\d+) events checked/.exec(verdict)?.[1])).to.be.greaterThan(55);
    await other.context.close();
  });
});
