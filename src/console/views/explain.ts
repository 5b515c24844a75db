import type { Explanation, MatchedRule } from '../../decision/index.js';
import type { AgentView } from '../../identity/index.js';
import { html, type Html } from '../html.js';
import { csrfField, fieldError, invalidAttrs, type FieldErrors } from './forms.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export interface ExplainValues {
  agent_id: string;
  tool: string;
  arguments: string;
}

function rulesOf(rules: MatchedRule[]): Html {
  if (!rules.length) return html`none traced`;
  return html`<ul class="rules">${rules.map((r) => html`<li><code>${r.rule}</code> <span class="muted">${r.file}:${r.line}</span></li>`)}</ul>`;
}

function verdictOf({ assessment: a, matchedRules }: Explanation): Html {
  const reasons = a.verdict === 'approval_required' ? a.approvalReasons : a.reasons;
  return html`<section aria-labelledby="verdict" class="card" data-verdict="${a.verdict}"><h2 id="verdict">Decision: ${a.verdict.replace('_', ' ')}</h2>
    ${reasons.length ? html`<h3>Reasons</h3><ul>${reasons.map((r) => html`<li>${r.message} <span class="muted">(${r.code})</span></li>`)}</ul>` : ''}
    ${a.fields.length ? html`<h3>Argument errors</h3><ul>${a.fields.map((f) => html`<li><code>${f.pointer || '/'}</code> ${f.message}</li>`)}</ul>` : ''}
    <dl class="facts"><dt>Matched grants</dt><dd>${a.matchedGrants.length ? a.matchedGrants.map((g) => html`<code>${g}</code> `) : 'none'}</dd>
      <dt>Matched rules</dt><dd data-matched-rules>${rulesOf(matchedRules)}</dd>
      <dt>Resource</dt><dd>${[a.resource.workspace, a.resource.project, a.resource.work_item].filter((x) => x).join(' / ')}</dd>
      <dt>Policy revision</dt><dd><code>${a.policyRevision ?? 'none'}</code></dd></dl>
    <p class="muted">Nothing was run or recorded.</p></section>`;
}

export function explainPage(frame: Frame, o: { agents: AgentView[]; tools: string[]; values: ExplainValues; errors: FieldErrors; explanation?: Explanation }): Html {
  const v = o.values;
  return page({
    ...frame,
    title: 'Explain',
    section: 'explain',
    body: html`<h1>Explain a call</h1>
    <p>What would the policy decide if this agent made this call now? Nothing is run.</p>
    <form method="post" action="/console/explain" class="stack" novalidate>
      ${csrfField(frame.csrfToken)}
      <div class="field"><label for="e-agent">Agent</label><select id="e-agent" name="agent_id"${invalidAttrs(o.errors, 'agent_id')}>${o.agents.map((a) => html`<option value="${a.id}"${a.id === v.agent_id ? html` selected` : ''}>${a.display_name} (${a.status})</option>`)}</select>${fieldError(o.errors, 'agent_id')}</div>
      <div class="field"><label for="e-tool">Tool</label><select id="e-tool" name="tool"${invalidAttrs(o.errors, 'tool')}>${o.tools.map((t) => html`<option${t === v.tool ? html` selected` : ''}>${t}</option>`)}</select>${fieldError(o.errors, 'tool')}</div>
      <div class="field"><label for="e-args">Arguments (JSON)</label><textarea id="e-args" name="arguments" rows="6" class="mono" spellcheck="false"${invalidAttrs(o.errors, 'arguments')}>${v.arguments}</textarea>${fieldError(o.errors, 'arguments')}</div>
      <button type="submit" class="primary">Explain</button>
    </form>
    ${o.explanation ? verdictOf(o.explanation) : ''}`,
  });
}
