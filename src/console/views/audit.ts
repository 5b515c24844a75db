import type { AuditRecord, ChainVerdict } from '../../audit/index.js';
import type { AgentView } from '../../identity/index.js';
import { html, type Html } from '../html.js';
import { when } from './agents.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export interface AuditFilterValues {
  agent_id: string;
  kind: string;
  since: string;
  until: string;
}

const KINDS = ['', 'agent.*', 'token.*', 'grant.*', 'pairing.*', 'approval.*', 'decision', 'outcome', 'console.*'];

export function auditPage(frame: Frame, o: { agents: AgentView[]; filter: AuditFilterValues; events: AuditRecord[]; nextHref: string | null; admin?: { policyRevision: string | null; verdict?: ChainVerdict } }): Html {
  const f = o.filter;
  return page({
    ...frame,
    title: 'Audit',
    section: 'audit',
    body: html`<h1>Audit</h1>
    ${o.admin ? html`<section aria-labelledby="state"><h2 id="state">State</h2><dl class="facts">
      <dt>Policy revision</dt><dd><code>${o.admin.policyRevision ?? 'no policy loaded'}</code></dd>
      <dt>Audit chain</dt><dd data-chain-state>${o.admin.verdict ? (o.admin.verdict.ok ? html`<span class="status status-active">intact</span> ${o.admin.verdict.checked} events checked` : html`<span class="status status-revoked">broken</span> at event ${o.admin.verdict.brokenSeq}: ${o.admin.verdict.reason}`) : html`<a href="/console/audit?verify=1">Verify the chain now</a>`}</dd>
    </dl></section>` : ''}
    <form method="get" action="/console/audit" class="filters">
      <div class="field"><label for="a-agent">Agent</label><select id="a-agent" name="agent_id"><option value="">${frame.user?.role === 'admin' ? 'every agent' : 'all my agents'}</option>${o.agents.map((a) => html`<option value="${a.id}"${a.id === f.agent_id ? html` selected` : ''}>${a.display_name}</option>`)}</select></div>
      <div class="field"><label for="a-kind">Kind</label><select id="a-kind" name="kind">${KINDS.map((k) => html`<option value="${k}"${k === f.kind ? html` selected` : ''}>${k || 'any'}</option>`)}</select></div>
      <div class="field"><label for="a-since">From (UTC)</label><input id="a-since" type="datetime-local" name="since" value="${f.since}"></div>
      <div class="field"><label for="a-until">Until (UTC)</label><input id="a-until" type="datetime-local" name="until" value="${f.until}"></div>
      <button type="submit">Filter</button>
    </form>
    ${o.events.length === 0 ? html`<p>No events match.</p>` : html`<div class="table-wrap"><table><caption class="sr-only">Audit events, newest first</caption>
      <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Actor</th><th scope="col">Subject</th><th scope="col">Outcome</th></tr></thead>
      <tbody>${o.events.map((e) => html`<tr><td>${e.seq}</td><td>${when(e.occurred_at)}</td><td><code>${e.kind}</code></td><td>${e.actor.type}:${e.actor.id}</td><td>${e.subject ? `${e.subject.type} ${e.subject.id}` : ''}</td><td>${e.outcome}</td></tr>`)}</tbody></table></div>`}
    ${o.nextHref ? html`<p><a href="${o.nextHref}">Older events</a></p>` : ''}`,
  });
}
