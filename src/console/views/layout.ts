import { html, type Html, type HtmlPart } from '../html.js';
import type { ConsoleUser } from '../users.js';

export interface PageFrame {
  title: string;
  /** The signed-in human; absent on sign-in, setup and error pages. */
  user?: ConsoleUser;
  csrfToken?: string;
  /** Pending approvals of this user, shown in the navigation and the title. */
  pending?: number;
  /** Which navigation entry is the current page. */
  section?: 'agents' | 'approvals' | 'pair' | 'audit' | 'explain' | 'users' | 'account';
  /** A short status line after an action (role=status). */
  notice?: string;
  /** Extra scripts under /console/assets/ (the console script is always loaded). */
  scripts?: string[];
  body: HtmlPart;
}

function navLink(frame: PageFrame, section: NonNullable<PageFrame['section']>, href: string, label: HtmlPart): Html {
  const current = frame.section === section;
  return html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
}

function navigation(frame: PageFrame): Html {
  if (!frame.user) return html``;
  const pending = frame.pending ?? 0;
  return html`<nav aria-label="Console">
    <ul class="nav">
      ${navLink(frame, 'agents', '/console/agents', 'Agents')}
      ${navLink(frame, 'approvals', '/console/approvals', html`Approvals <span class="badge" data-pending-count aria-live="polite">${pending > 0 ? String(pending) : ''}</span>`)}
      ${navLink(frame, 'pair', '/console/pair', 'Pair a device')}
      ${navLink(frame, 'audit', '/console/audit', 'Audit')}
      ${navLink(frame, 'explain', '/console/explain', 'Explain')}
      ${frame.user.role === 'admin' ? navLink(frame, 'users', '/console/users', 'Users') : ''}
      ${navLink(frame, 'account', '/console/account', 'Account')}
    </ul>
    <form method="post" action="/console/sign-out" class="sign-out">
      <input type="hidden" name="_csrf" value="${frame.csrfToken ?? ''}">
      <button type="submit" class="link">Sign out ${frame.user.id}</button>
    </form>
  </nav>`;
}

/** The page shell: landmarks, skip link, navigation, one stylesheet and static scripts only. */
export function page(frame: PageFrame): Html {
  const pending = frame.pending ?? 0;
  const title = `${pending > 0 && frame.user ? `(${pending}) ` : ''}${frame.title} · Agent Gateway`;
  const scripts = ['/console/assets/console.js', ...(frame.scripts ?? [])];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title data-base-title="${frame.title} · Agent Gateway">${title}</title>
<link rel="stylesheet" href="/console/assets/console.css">
${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <p class="brand"><a href="/console/">NODE.DC Agent Gateway</a>${frame.user ? html` <span class="role">${frame.user.role}</span>` : ''}</p>
  ${navigation(frame)}
</header>
<main id="main" tabindex="-1">
${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
${frame.body}
</main>
</body>
</html>`;
}

/** A page for an error: the uniform error's message, never a stack. */
export function errorPage(status: number, message: string, frame: Partial<PageFrame> = {}): Html {
  const heading = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 429 ? 'Too many attempts' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return page({ ...frame, title: heading, body: html`<h1>${heading}</h1><p class="error" role="alert">${message}</p><p><a href="/console/">Back to the console</a></p>` });
}
