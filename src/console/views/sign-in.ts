import { html, type Html } from '../html.js';
import { page } from './layout.js';
import { csrfField, errorSummary, textField, type FieldErrors } from './forms.js';

export interface SignInView {
  csrfToken: string;
  id?: string;
  next: string;
  error?: string;
  oidc: boolean;
  local: boolean;
}

export function signInPage(v: SignInView): Html {
  const none: FieldErrors = new Map();
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
    ${v.error ? html`<div class="error-summary" role="alert"><p>${v.error}</p></div>` : ''}
    ${v.oidc ? html`<p><a class="button primary" href="/console/oidc/start?next=${encodeURIComponent(v.next)}">Sign in with your organisation</a></p>` : ''}
    ${v.local ? html`<form method="post" action="/console/sign-in" class="stack">
      ${csrfField(v.csrfToken)}
      <input type="hidden" name="next" value="${v.next}">
      ${textField('id', 'User id', v.id ?? '', none, html`autocomplete="username" required autocapitalize="none" spellcheck="false"`)}
      ${textField('password', 'Password', '', none, html`type="password" autocomplete="current-password" required`)}
      <button type="submit" class="primary">Sign in</button>
    </form>` : ''}`,
  });
}

export interface AccountFormView {
  title: string;
  intro: string;
  action: string;
  csrfToken: string;
  token: string;
  values: { id: string; email: string; display_name: string };
  errors: FieldErrors;
  error?: string;
  emailLocked?: boolean;
}

/** First-run setup and invitation acceptance: choose a user id, name and password. */
export function accountForm(v: AccountFormView): Html {
  return page({
    title: v.title,
    body: html`<h1>${v.title}</h1><p>${v.intro}</p>
    ${errorSummary(v.error, v.errors)}
    <form method="post" action="${v.action}" class="stack" novalidate>
      ${csrfField(v.csrfToken)}
      <input type="hidden" name="token" value="${v.token}">
      ${textField('id', 'User id (also the owner id of your agents)', v.values.id, v.errors, html`autocomplete="username" required autocapitalize="none" spellcheck="false"`)}
      ${textField('email', 'Email', v.values.email, v.errors, html`type="email" autocomplete="email" required${v.emailLocked ? html` readonly` : ''}`)}
      ${textField('display_name', 'Your name', v.values.display_name, v.errors, html`autocomplete="name" required`)}
      ${textField('password', 'Password (at least 12 characters)', '', v.errors, html`type="password" autocomplete="new-password" required minlength="12"`)}
      <button type="submit" class="primary">Create account</button>
    </form>`,
  });
}

export function linkUnusable(title: string, message: string): Html {
  return page({ title, body: html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/console/sign-in">Sign in</a></p>` });
}
