import type { OAuthBinding } from '../../oauth/index.js';
import { html, type Html } from '../html.js';
import { when } from './agents.js';
import { csrfField } from './forms.js';

/** An agent's OAuth clients (consented grants) with a Revoke button each: revoking ends the grant and its agw_ tokens. */
export function oauthClientsSection(agentId: string, clients: OAuthBinding[], csrf: string | undefined): Html {
  return html`<section aria-labelledby="oauth-clients"><h2 id="oauth-clients">OAuth clients</h2>
    ${clients.length === 0
      ? html`<p>No application signed in as this agent with OAuth.</p>`
      : html`<div class="table-wrap"><table><caption class="sr-only">OAuth clients of this agent</caption>
        <thead><tr><th scope="col">Application</th><th scope="col">Host</th><th scope="col">Allowed</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
        <tbody>${clients.map(
          (c) => html`<tr><td>${c.clientName}</td><td>${c.clientHost}</td><td>${when(c.createdAt.toISOString())}</td><td>${when(c.lastUsedAt?.toISOString() ?? null)}</td>
            <td><form method="post" action="/console/agents/${agentId}/oauth-clients/${c.grantId}/revoke" class="inline">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke ${c.clientName}">Revoke</button></form></td></tr>`,
        )}</tbody></table></div>`}
  </section>`;
}
