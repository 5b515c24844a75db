import type { ActionView } from '../../approvals/index.js';
import { html, type Html } from '../html.js';
import { when } from './agents.js';
import { csrfField } from './forms.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export interface InboxItem {
  action: ActionView;
  agentName: string;
  /** The arguments as shown: masked unless revealed. */
  shownArguments: unknown;
  masked: boolean;
}

function resource(a: ActionView): string {
  const r = a.resource;
  return [r.workspace, r.project, r.work_item].filter((x) => x).join(' / ') || '(workspace)';
}

function decisionForms(a: ActionView, csrf: string | undefined): Html {
  return html`<div class="actions">
    <form method="post" action="/console/approvals/${a.id}/approve" class="inline">${csrfField(csrf)}<button type="submit" class="primary">Approve</button></form>
    <form method="post" action="/console/approvals/${a.id}/deny" class="inline">${csrfField(csrf)}<button type="submit" class="danger">Deny</button></form>
  </div>`;
}

function actionCard(item: InboxItem, csrf: string | undefined, mine: boolean): Html {
  const a = item.action;
  return html`<li class="card action" data-action-id="${a.id}">
    <h3><a href="/console/approvals/${a.id}">${a.tool}</a> <span class="muted">by ${item.agentName}</span></h3>
    <dl class="facts">
      <dt>Resource</dt><dd>${resource(a)}</dd>
      <dt>Why it waits</dt><dd><ul>${a.approval_reasons.map((r) => html`<li>${r.message} <span class="muted">(${r.code})</span></li>`)}</ul></dd>
      <dt>Expires</dt><dd>${when(a.expires_at)}</dd>
    </dl>
    <details><summary>Arguments${item.masked ? ' (some fields masked)' : ''}</summary><pre class="args">${JSON.stringify(item.shownArguments, null, 2)}</pre>
      ${item.masked ? html`<p><a href="/console/approvals/${a.id}?reveal=1">Reveal masked fields</a></p>` : ''}</details>
    ${mine && a.status === 'pending' ? decisionForms(a, csrf) : ''}
  </li>`;
}

/** The list part of the inbox, also served alone for the live refresh. */
export function inboxList(pending: InboxItem[], recent: InboxItem[], csrf: string | undefined, userId: string): Html {
  return html`<div id="inbox" data-pending="${String(pending.length)}">
    <h2 id="pending-heading">Waiting for you <span class="badge" aria-live="polite" data-inbox-count>${String(pending.length)}</span></h2>
    ${pending.length === 0 ? html`<p>Nothing waits for your approval.</p>` : html`<ul class="cards">${pending.map((i) => actionCard(i, csrf, i.action.owner_user_id === userId))}</ul>`}
    <h2>Recently decided</h2>
    ${recent.length === 0 ? html`<p class="muted">Nothing yet.</p>` : html`<ul class="compact">${recent.map(
      (i) => html`<li><a href="/console/approvals/${i.action.id}">${i.action.tool}</a> by ${i.agentName}: <span class="status status-${i.action.status}">${i.action.status}</span> ${when(i.action.decided_at ?? i.action.created_at)}</li>`,
    )}</ul>`}
  </div>`;
}

export function inboxPage(frame: Frame, pending: InboxItem[], recent: InboxItem[], notice?: string): Html {
  return page({
    ...frame,
    title: 'Approvals',
    section: 'approvals',
    scripts: ['/console/assets/inbox.js'],
    ...(notice ? { notice } : {}),
    body: html`<h1>Approvals</h1>
    <p class="muted" data-live-status aria-live="polite">Reload to see new requests.</p>
    ${inboxList(pending, recent, frame.csrfToken, frame.user?.id ?? '')}`,
  });
}

export function actionPage(frame: Frame, item: InboxItem, mine: boolean): Html {
  const a = item.action;
  return page({
    ...frame,
    title: `Action ${a.tool}`,
    section: 'approvals',
    body: html`<p><a href="/console/approvals">← Approvals</a></p>
    <h1>${a.tool} <span class="status status-${a.status}">${a.status}</span></h1>
    <ul class="cards">${actionCard(item, frame.csrfToken, mine)}</ul>
    ${a.decided_by ? html`<p>Decided by ${a.decided_by} ${when(a.decided_at)}${a.decision_note ? html`: ${a.decision_note}` : ''}</p>` : ''}
    ${a.status === 'succeeded' ? html`<h2>Result</h2><pre class="args" data-result>${JSON.stringify(a.result, null, 2)}</pre>` : ''}
    ${a.error ? html`<h2>Error</h2><p class="error">${a.error.message} <span class="muted">(${a.error.code})</span></p>` : ''}
    ${!mine && a.status === 'pending' ? html`<p class="muted">Only the agent's owner (${a.owner_user_id}) can approve or deny.</p>` : ''}`,
  });
}
