import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, createUser, launchBrowser, newPage, signIn, startConsoleStack, type ConsoleStack } from './support.js';

const NEW_PASSWORD = 'a different long passphrase';

/** Whether this browser profile is still signed in: a console page either renders or sends it to sign-in. */
async function signedIn(page: Page, baseUrl: string): Promise<boolean> {
  await page.goto(`${baseUrl}/console/agents`);
  return !/\/console\/sign-in/.test(page.url());
}

/** A sign-in attempt's HTTP status, from the page's own form. */
async function trySignIn(page: Page, baseUrl: string, id: string, password: string): Promise<number> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('User id').fill(id);
  await page.getByLabel('Password').fill(password);
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  return response.status();
}

describe('console: invitations, and sessions ended by a password change or a disabled account (real Chromium)', function () {
  this.timeout(150_000);
  let stack: ConsoleStack;
  let browser: Browser;
  let admin: { id: string; password: string };
  let adminPage: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchBrowser()]);
    admin = await createUser(stack, 'admin', 'root');
    ({ page: adminPage } = await newPage(browser));
    await signIn(adminPage, stack.baseUrl, admin);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('lets an admin invite an owner by a one-time link that works once', async () => {
    const email = `invitee-${process.pid}@example.com`;
    await adminPage.goto(`${stack.baseUrl}/console/users`);
    await adminPage.getByLabel('Email').fill(email);
    await adminPage.getByLabel('Role').selectOption('owner');
    await adminPage.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await adminPage.locator('#secret').inputValue();
    expect(link).to.match(new RegExp(`^${stack.baseUrl}/console/invite\\?token=agwv_[A-Za-z0-9_-]{43}$`));
    // Shown once: the users page, opened again, no longer holds it.
    await adminPage.goto(`${stack.baseUrl}/console/users`);
    expect(await adminPage.content()).not.to.contain(link);

    const invitee = await newPage(browser);
    await invitee.page.goto(link);
    expect(await invitee.page.locator('main').textContent()).to.contain('You are invited as owner.');
    expect(await invitee.page.getByLabel('Email').inputValue()).to.equal(email);
    const id = `invitee-${process.pid}`;
    await invitee.page.getByLabel(/^User id/).fill(id);
    await invitee.page.getByLabel('Your name').fill('Invited Owner');
    await invitee.page.getByLabel(/^Password/).fill(PASSWORD);
    await invitee.page.getByRole('button', { name: 'Create account' }).click();
    await invitee.page.waitForURL(/\/console\/agents/);
    expect(await invitee.page.locator('.role').textContent()).to.equal('owner');

    // The link works once: a second visit finds it used.
    const other = await newPage(browser);
    const again = await other.page.goto(link);
    expect(again?.status()).to.equal(403);
    expect(await other.page.locator('main').textContent()).to.contain('not valid');
    await other.context.close();
    await invitee.context.close();

    await adminPage.goto(`${stack.baseUrl}/console/users`);
    expect(await adminPage.locator('table').textContent()).to.contain(id);
    const { audit, orm } = stack.gw.gateway.deps;
    const kinds = (await audit.query(orm.em.fork(), { kind: 'console.*' }, 50)).items.map((e) => e.kind);
    expect(kinds.filter((k) => /invit/.test(k)).length, kinds.join(', ')).to.be.greaterThan(0);
  });

  it("ends the user's other sessions when they change their password", async () => {
    const bob = await createUser(stack, 'owner', 'bob');
    const laptop = await newPage(browser);
    const phone = await newPage(browser, { width: 390, height: 844 });
    await signIn(laptop.page, stack.baseUrl, bob);
    await signIn(phone.page, stack.baseUrl, bob);

    await laptop.page.goto(`${stack.baseUrl}/console/account`);
    await laptop.page.getByLabel('Current password').fill(bob.password);
    await laptop.page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await laptop.page.getByRole('button', { name: 'Change password' }).click();
    await laptop.page.waitForURL(/\/console\/sign-in/);

    expect(await signedIn(phone.page, stack.baseUrl), 'the other session ended').to.equal(false);
    expect(await signedIn(laptop.page, stack.baseUrl), 'this session ended too').to.equal(false);
    expect(await trySignIn(phone.page, stack.baseUrl, bob.id, bob.password), 'the old password').to.equal(401);
    expect(await trySignIn(phone.page, stack.baseUrl, bob.id, NEW_PASSWORD), 'the new password').to.equal(303);
    expect(await signedIn(phone.page, stack.baseUrl)).to.equal(true);

    const { audit, orm } = stack.gw.gateway.deps;
    const changed = (await audit.query(orm.em.fork(), { kind: 'console.password_changed' }, 10)).items.find((e) => e.subject?.id === bob.id);
    expect(changed?.actor).to.deep.equal({ type: 'user', id: bob.id });
    await laptop.context.close();
    await phone.context.close();
  });

  it('refuses a wrong current password and keeps every session', async () => {
    const carol = await createUser(stack, 'owner', 'carol');
    const one = await newPage(browser);
    const two = await newPage(browser);
    await signIn(one.page, stack.baseUrl, carol);
    await signIn(two.page, stack.baseUrl, carol);
    await one.page.goto(`${stack.baseUrl}/console/account`);
    await one.page.getByLabel('Current password').fill('not the password at all');
    await one.page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    const [response] = await Promise.all([one.page.waitForResponse((r) => r.url().endsWith('/console/account/password')), one.page.getByRole('button', { name: 'Change password' }).click()]);
    expect(response.status()).to.equal(400);
    expect(await signedIn(one.page, stack.baseUrl)).to.equal(true);
    expect(await signedIn(two.page, stack.baseUrl)).to.equal(true);
    await one.context.close();
    await two.context.close();
  });

  it("ends a user's sessions when an admin disables them, and refuses their sign-in", async () => {
    const dave = await createUser(stack, 'owner', 'dave');
    const session = await newPage(browser);
    await signIn(session.page, stack.baseUrl, dave);
    expect(await signedIn(session.page, stack.baseUrl)).to.equal(true);

    await adminPage.goto(`${stack.baseUrl}/console/users`);
    const row = adminPage.locator('tr', { has: adminPage.locator(`code:text-is("${dave.id}")`) });
    await row.getByRole('button', { name: 'Disable' }).click();
    await adminPage.waitForURL(/notice=user_disabled/);
    expect(await adminPage.locator('tr', { has: adminPage.locator(`code:text-is("${dave.id}")`) }).textContent()).to.contain('disabled');

    expect(await signedIn(session.page, stack.baseUrl), 'the session ended').to.equal(false);
    expect(await trySignIn(session.page, stack.baseUrl, dave.id, dave.password)).to.equal(401);
    // The admin's own session is untouched.
    expect(await signedIn(adminPage, stack.baseUrl)).to.equal(true);

    const { audit, orm } = stack.gw.gateway.deps;
    const disabled = (await audit.query(orm.em.fork(), { kind: 'console.user_disabled' }, 10)).items.find((e) => e.subject?.id === dave.id);
    expect(disabled?.actor).to.deep.equal({ type: 'user', id: admin.id });
    expect(disabled?.detail).to.deep.include({ sessions_ended: 1 });
    await session.context.close();
  });
});
