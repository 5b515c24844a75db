import type { AgentView } from '../../identity/index.js';
import type { FlowView } from '../../pairing/index.js';
import type { GrantFormValues } from '../grant-input.js';
import { html, type Html } from '../html.js';
import { when } from './agents.js';
import { csrfField, errorSummary, fieldError, invalidAttrs, type FieldErrors } from './forms.js';
import { grantFields, type GrantChoices } from './grant-form.js';
import { page, type PageFrame } from './layout.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

export function pairEntryPage(frame: Frame, userCode: string, error?: string): Html {
  return page({
    ...frame,
    title: 'Pair a device',
    section: 'pair',
    body: html`<h1>Pair a device</h1>
    <p>A developer started <code>pairing</code> on their machine and was shown a code such as <code>WDXR-94KT</code>. Enter it to see the request.</p>
    ${error ? html`<div class="error-summary" role="alert"><p>${error}</p></div>` : ''}
    <form method="get" action="/console/pair" class="inline">
      <div class="field"><label for="f-user_code">Code</label><input id="f-user_code" name="user_code" value="${userCode}" autocomplete="off" autocapitalize="characters" spellcheck="false" required></div>
      <button type="submit" class="primary">Look up</button>
    </form>`,
  });
}

export interface PairApprovalView {
  userCode: string;
  flow: FlowView;
  agents: AgentView[];
  choices: GrantChoices;
  values: GrantFormValues;
  target: 'new' | 'existing';
  displayName: string;
  agentId: string;
  errors: FieldErrors;
  error?: string;
}

export function pairApprovalPage(frame: Frame, v: PairApprovalView): Html {
  const f = v.flow;
  const pending = f.status === 'pending';
  return page({
    ...frame,
    title: 'Approve a device',
    section: 'pair',
    body: html`<h1>Pairing request ${v.userCode}</h1>
    <dl class="facts">
      <dt>Device</dt><dd>${f.device_name}</dd>
      <dt>From address</dt><dd>${f.client_address}</dd>
      <dt>Asked at</dt><dd>${when(f.created_at)}</dd>
      <dt>Expires</dt><dd>${when(f.expires_at)}</dd>
      <dt>Status</dt><dd><span class="status status-${f.status}">${f.status}</span></dd>
    </dl>
    ${pending ? html`
    <p>Approve only if you started this on your own machine just now.</p>
    ${errorSummary(v.error, v.errors)}
    <form method="post" action="/console/pair/approve" class="stack" novalidate>
      ${csrfField(frame.csrfToken)}
      <input type="hidden" name="user_code" value="${v.userCode}">
      ${bindingFieldset(v)}
      <h2>Grants</h2>
      <p class="hint">Choose what the agent may do. Leave projects and tools empty to pair without a grant (the agent can sign in but do nothing).</p>
      ${grantFields(v.choices, v.values, v.errors, 'p')}
      <div class="actions"><button type="submit" class="primary">Approve</button></div>
    </form>
    <form method="post" action="/console/pair/deny" class="inline">
      ${csrfField(frame.csrfToken)}<input type="hidden" name="user_code" value="${v.userCode}">
      <button type="submit" class="danger">Deny</button>
    </form>` : html`<p>This request is ${f.status}; nothing more to decide.</p>`}`,
  });
}

/** Which agent a device or OAuth client is bound to: a new one by name, or one of the owner's. */
export interface BindingChoice {
  target: 'new' | 'existing';
  displayName: string;
  agentId: string;
  agents: AgentView[];
  errors: FieldErrors;
}

export function bindingFieldset(v: BindingChoice): Html {
  return html`<fieldset class="choices"><legend>Bind it to</legend>
        <p><input type="radio" id="t-new" name="target" value="new"${v.target === 'new' ? html` checked` : ''}> <label for="t-new">a new agent named</label>
           <input aria-label="Name of the new agent" name="display_name" value="${v.displayName}" maxlength="100"${invalidAttrs(v.errors, 'display_name')}></p>
        ${fieldError(v.errors, 'display_name')}
        ${v.agents.length ? html`<p><input type="radio" id="t-existing" name="target" value="existing"${v.target === 'existing' ? html` checked` : ''}> <label for="t-existing">an existing agent</label>
           <select aria-label="Existing agent" name="agent_id"${invalidAttrs(v.errors, 'agent_id')}>${v.agents.map((a) => html`<option value="${a.id}"${a.id === v.agentId ? html` selected` : ''}>${a.display_name}</option>`)}</select></p>
           ${fieldError(v.errors, 'agent_id')}` : ''}
      </fieldset>`;
}
