import type { AgentView } from '../../identity/index.js';
import type { GrantFormValues } from '../grant-input.js';
import { html, type Html } from '../html.js';
import { csrfField, errorSummary, type FieldErrors } from './forms.js';
import { grantFields, type GrantChoices } from './grant-form.js';
import { page, type PageFrame } from './layout.js';

export function grantEditorPage(frame: Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>, agent: AgentView, choices: GrantChoices, values: GrantFormValues, errors: FieldErrors, error?: string): Html {
  return page({
    ...frame,
    title: `New grant for ${agent.display_name}`,
    section: 'agents',
    body: html`<p><a href="/console/agents/${agent.id}">← ${agent.display_name}</a></p>
    <h1>New grant for ${agent.display_name}</h1>
    ${errorSummary(error, errors)}
    <form method="post" action="/console/agents/${agent.id}/grants" class="stack" novalidate>
      ${csrfField(frame.csrfToken)}
      ${grantFields(choices, values, errors)}
      <button type="submit" class="primary">Add grant</button>
    </form>`,
  });
}
