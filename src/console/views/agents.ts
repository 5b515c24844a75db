import type { AgentView, GrantView, TokenView } from '../../identity/index.js';
import { grantSentence } from '../../decision/index.js';
import { html, type Html } from '../html.js';
import { csrfField, errorSummary, textField, type FieldErrors } from './forms.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export function when(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time>`;
}

function statusBadge(status: string): Html {
  return html`<span class="status status-${status}">${status}</span>`;
}

export interface AgentRow extends AgentView {
  last_used_at: string | null;
}

export function agentsPage(frame: Frame, agents: AgentRow[], nextCursor: string | null, form: { display_name: string; errors: FieldErrors; error?: string }, notice?: string): Html {
  const admin = frame.user?.role === 'admin';
  return page({
    ...frame,
    title: 'Agents',
    section: 'agents',
    ...(notice ? { notice } : {}),
    body: html`<h1>Agents</h1>
    <section aria-labelledby="new-agent"><h2 id="new-agent">New agent</h2>
      ${errorSummary(form.error, form.errors)}
      <form method="post" action="/console/agents" class="inline">
        ${csrfField(frame.csrfToken)}
        ${textField('display_name', 'Name', form.display_name, form.errors, html`required maxlength="100" placeholder="Ana's laptop Codex"`)}
        <button type="submit" class="primary">Create agent</button>
      </form>
    </section>
    <section aria-labelledby="agent-list"><h2 id="agent-list">${admin ? 'Every agent' : 'Your agents'}</h2>
    ${agents.length === 0 ? html`<p>No agents yet. Create one above, or <a href="/console/pair">approve a device</a> that asked to pair.</p>` : html`
      <ul class="cards">${agents.map(
        (a) => html`<li class="card"><h3><a href="/console/agents/${a.id}">${a.display_name}</a></h3>
          <p>${statusBadge(a.status)} ${admin ? html`<span class="muted">owner ${a.owner_user_id}</span>` : ''}</p>
          <p class="muted">Last used ${when(a.last_used_at)} · created ${when(a.created_at)}</p></li>`,
      )}</ul>`}
    ${nextCursor ? html`<p><a href="/console/agents?cursor=${encodeURIComponent(nextCursor)}">Older agents</a></p>` : ''}
    </section>`,
  });
}

function actionButton(action: string, label: string, csrf: string | undefined, cls = ''): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfField(csrf)}<button type="submit" class="${cls}">${label}</button></form>`;
}

export interface AgentPageData {
  agent: AgentView;
  tokens: TokenView[];
  grants: GrantView[];
  /** Grant id -> projects it names that Tasker no longer has. */
  missingProjects?: ReadonlyMap<string, string[]>;
  /** The agent's OAuth clients section (src/console/views/oauth-clients.ts), when the authorization server is mounted. */
  oauthClients?: Html;
}

function missingProjectsNote(gone: string[] | undefined): Html | string {
  if (!gone?.length) return '';
  return html`<p class="warning" role="status">Tasker no longer has ${gone.length === 1 ? 'project' : 'projects'} ${gone.join(', ')}: this grant gives nothing there. Revoke it and add one for the projects that exist.</p>`;
}

export function agentPage(frame: Frame, d: AgentPageData, notice?: string): Html {
  const a = d.agent;
  const base = `/console/agents/${a.id}`;
  const csrf = frame.csrfToken;
  const live = a.status !== 'revoked';
  return page({
    ...frame,
    title: a.display_name,
    section: 'agents',
    ...(notice ? { notice } : {}),
    body: html`<p><a href="/console/agents">← Agents</a></p>
    <h1>${a.display_name}</h1>
    <p>${statusBadge(a.status)} <span class="muted">owner ${a.owner_user_id} · id <code>${a.id}</code></span></p>
    ${live ? html`<div class="actions">
      ${a.status === 'active' ? actionButton(`${base}/suspend`, 'Suspend', csrf) : actionButton(`${base}/reactivate`, 'Reactivate', csrf)}
      <a class="button danger" href="${base}/revoke">Revoke…</a>
    </div>` : ''}

    <section aria-labelledby="tokens"><h2 id="tokens">Tokens</h2>
      ${d.tokens.length === 0 ? html`<p>No tokens yet.</p>` : html`<div class="table-wrap"><table><caption class="sr-only">Tokens of this agent</caption>
        <thead><tr><th scope="col">Prefix</th><th scope="col">Label</th><th scope="col">State</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
        <tbody>${d.tokens.map(
          (t) => html`<tr><td><code>${t.prefix}</code></td><td>${t.label || html`<span class="muted">(none)</span>`}</td><td>${statusBadge(t.state)}</td><td>${when(t.expires_at)}</td><td>${when(t.last_used_at)}</td>
            <td>${t.state === 'active' ? html`${t.rotated_to_id ? '' : actionButton(`${base}/tokens/${t.id}/rotate`, 'Rotate', csrf)} ${actionButton(`${base}/tokens/${t.id}/revoke`, 'Revoke', csrf, 'danger')}` : ''}</td></tr>`,
        )}</tbody></table></div>`}
      ${a.status === 'active' ? html`<form method="post" action="${base}/tokens" class="inline">${csrfField(csrf)}
        <div class="field"><label for="f-label">Label</label><input id="f-label" name="label" maxlength="100" placeholder="ana-thinkpad"></div>
        <div class="field"><label for="f-days">Expires after (days, empty: never)</label><input id="f-days" name="expires_in_days" inputmode="numeric" size="5"></div>
        <button type="submit">Issue a token</button></form>
      <form method="post" action="${base}/pairing-codes" class="inline">${csrfField(csrf)}<button type="submit">Create a pairing code</button></form>` : ''}
    </section>
    ${d.oauthClients ?? ''}

    <section aria-labelledby="grants"><h2 id="grants">Grants</h2>
      ${d.grants.length === 0 ? html`<p>No grants: the agent can sign in but do nothing.</p>` : html`<ul class="cards">${d.grants.map(
        (g) => html`<li class="card"><p>${grantSentence({ id: g.id, workspace: g.workspace, projects: g.projects, tools: g.tools, constraints: g.constraints, expires_at: g.expires_at })}</p>
          ${missingProjectsNote(d.missingProjects?.get(g.id))}
          <p>${statusBadge(g.state)} <span class="muted">by ${g.created_by} · ${when(g.created_at)}</span></p>
          ${g.state === 'active' ? actionButton(`${base}/grants/${g.id}/revoke`, 'Revoke grant', csrf, 'danger') : ''}</li>`,
      )}</ul>`}
      ${live ? html`<p><a class="button" href="${base}/grants/new">Add a grant</a></p>` : ''}
    </section>
    <p><a href="/console/audit?agent_id=${a.id}">This agent's audit events</a> · <a href="/console/explain?agent_id=${a.id}">Explain a call</a></p>`,
  });
}

export function confirmRevokePage(frame: Frame, agent: AgentView): Html {
  return page({
    ...frame,
    title: `Revoke ${agent.display_name}`,
    section: 'agents',
    body: html`<h1>Revoke ${agent.display_name}?</h1>
    <p>Revocation is final: every token of this agent stops working at once, and the agent cannot be reactivated.</p>
    <form method="post" action="/console/agents/${agent.id}/revoke" class="stack">${csrfField(frame.csrfToken)}
      <div class="field"><label for="f-reason">Reason (kept in the audit log)</label><input id="f-reason" name="reason" maxlength="500"></div>
      <div class="actions"><button type="submit" class="danger">Yes, revoke for good</button> <a class="button" href="/console/agents/${agent.id}">Cancel</a></div>
    </form>`,
  });
}

/** A secret shown exactly once, with a copy button and what to do with it. */
export function secretPage(frame: Frame, o: { title: string; agent: AgentView; secretLabel: string; secret: string; expiresAt: string | null; instructions: Html }): Html {
  return page({
    ...frame,
    title: o.title,
    section: 'agents',
    body: html`<h1>${o.title}</h1>
    <p class="warning" role="alert">Shown exactly once: copy it now. The gateway keeps only a hash.</p>
    <div class="field secret"><label for="secret">${o.secretLabel}</label>
      <input id="secret" readonly value="${o.secret}" class="mono" data-secret autocomplete="off" spellcheck="false">
      <button type="button" data-copy="secret" hidden>Copy</button> <span class="muted" data-copy-status aria-live="polite"></span></div>
    <p class="muted">Expires ${when(o.expiresAt)}</p>
    ${o.instructions}
    <p><a href="/console/agents/${o.agent.id}">Back to ${o.agent.display_name}</a></p>`,
  });
}
