import { html, type Html } from '../html.js';
import type { ConsoleUser } from '../users.js';
import { when } from './agents.js';
import { csrfField, errorSummary, textField, type FieldErrors } from './forms.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export function usersPage(frame: Frame, users: ConsoleUser[], o: { errors: FieldErrors; error?: string; invitation?: { link: string; expiresAt: string }; notice?: string }): Html {
  return page({
    ...frame,
    title: 'Users',
    section: 'users',
    ...(o.notice ? { notice: o.notice } : {}),
    body: html`<h1>Users</h1>
    <section aria-labelledby="invite"><h2 id="invite">Invite someone</h2>
      ${errorSummary(o.error, o.errors)}
      ${o.invitation ? html`<div class="field secret"><label for="secret">Invitation link (shown once, works once, until ${o.invitation.expiresAt})</label>
        <input id="secret" readonly value="${o.invitation.link}" class="mono" data-secret><button type="button" data-copy="secret" hidden>Copy</button> <span class="muted" data-copy-status aria-live="polite"></span></div>` : ''}
      <form method="post" action="/console/users/invitations" class="inline">${csrfField(frame.csrfToken)}
        ${textField('email', 'Email', '', o.errors, html`type="email" required`)}
        <div class="field"><label for="f-role">Role</label><select id="f-role" name="role"><option value="owner">owner: their own agents</option><option value="admin">admin: everything</option></select></div>
        <button type="submit" class="primary">Create invitation link</button>
      </form>
    </section>
    <section aria-labelledby="people"><h2 id="people">Accounts</h2>
    <div class="table-wrap"><table><caption class="sr-only">Console accounts</caption>
      <thead><tr><th scope="col">User id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Sign-in</th><th scope="col">Last sign-in</th><th scope="col">State</th></tr></thead>
      <tbody>${users.map(
        (u) => html`<tr><td><code>${u.id}</code></td><td>${u.displayName}<br><span class="muted">${u.email}</span></td><td>${u.role}</td><td>${u.source}</td><td>${when(u.lastSignInAt?.toISOString())}</td>
        <td>${u.disabledAt ? 'disabled' : 'enabled'} ${u.id === frame.user?.id ? '' : html`<form method="post" action="/console/users/${encodeURIComponent(u.id)}/${u.disabledAt ? 'enable' : 'disable'}" class="inline">${csrfField(frame.csrfToken)}<button type="submit"${u.disabledAt ? '' : html` class="danger"`}>${u.disabledAt ? 'Enable' : 'Disable'}</button></form>`}</td></tr>`,
      )}</tbody></table></div></section>`,
  });
}

export function accountPage(frame: Frame, o: { errors: FieldErrors; error?: string; notice?: string }): Html {
  const u = frame.user!;
  return page({
    ...frame,
    title: 'Account',
    section: 'account',
    ...(o.notice ? { notice: o.notice } : {}),
    body: html`<h1>Your account</h1>
    <dl class="facts"><dt>User id</dt><dd><code>${u.id}</code></dd><dt>Email</dt><dd>${u.email}</dd><dt>Role</dt><dd>${u.role}</dd><dt>Signs in with</dt><dd>${u.source === 'oidc' ? 'your organisation (OpenID Connect)' : 'a password'}</dd></dl>
    ${u.source === 'local' ? html`<h2>Change password</h2>${errorSummary(o.error, o.errors)}
    <form method="post" action="/console/account/password" class="stack" novalidate>${csrfField(frame.csrfToken)}
      ${textField('current_password', 'Current password', '', o.errors, html`type="password" autocomplete="current-password" required`)}
      ${textField('new_password', 'New password (at least 12 characters)', '', o.errors, html`type="password" autocomplete="new-password" required minlength="12"`)}
      <button type="submit" class="primary">Change password</button>
    </form><p class="muted">Changing it signs you out everywhere.</p>` : ''}`,
  });
}
