import type { AgentView } from '../../identity/index.js';
import type { GrantFormValues } from '../grant-input.js';
import { html, type Html } from '../html.js';
import { csrfField, errorSummary, type FieldErrors } from './forms.js';
import { grantFields, type GrantChoices } from './grant-form.js';
import { page, type PageFrame } from './layout.js';
import { bindingFieldset } from './pair.js';

type Frame = Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>;

/** What the owner is told about the client asking: its claimed name and what is not a claim (hosts). */
export interface ConsentClient {
  uid: string;
  name: string;
  /** For a client-ID metadata document: the host of its URL (the name is the client's own claim). */
  documentHost?: string;
  /** Where the browser is sent back to: the client's redirect URI host. */
  redirectHost: string;
  /** Whether the redirect goes to this computer (a loopback address): a CLI or desktop app. */
  loopback: boolean;
  scopes: string[];
}

export interface ConsentView {
  client: ConsentClient;
  agents: AgentView[];
  choices: GrantChoices;
  values: GrantFormValues;
  target: 'new' | 'existing';
  displayName: string;
  agentId: string;
  errors: FieldErrors;
  error?: string;
}

/**
 * The OAuth consent page: the same binding and grant fields as the device pairing page, so an
 * owner decides the same things whichever way the agent connects. Field names are stable: tests
 * (and H3's SDK test) fill them by label.
 */
export function oauthConsentPage(frame: Frame, v: ConsentView): Html {
  const c = v.client;
  return page({
    ...frame,
    title: 'Allow an application',
    section: 'pair',
    body: html`<h1>Allow ${c.name} to act as an agent?</h1>
    <dl class="facts">
      <dt>Application</dt><dd>${c.name}${c.documentHost ? html` <span class="hint">(described by ${c.documentHost})</span>` : ''}</dd>
      <dt>Returns to</dt><dd>${c.redirectHost}${c.loopback ? html` <span class="hint">(a program on the computer that opened this page)</span>` : ''}</dd>
      <dt>Asks for</dt><dd>${c.scopes.length ? c.scopes.join(', ') : 'tasker'}</dd>
    </dl>
    <p>Allow only if you started this sign-in yourself just now. The application gets an agent's access, limited by the grants you choose here.</p>
    ${errorSummary(v.error, v.errors)}
    <form method="post" action="/console/oauth/consent/${c.uid}" class="stack" novalidate>
      ${csrfField(frame.csrfToken)}
      ${bindingFieldset(v)}
      <h2>Grants</h2>
      <p class="hint">Choose what the agent may do. Leave projects and tools empty to allow without a new grant (an existing agent keeps its grants; a new one can sign in but do nothing).</p>
      ${grantFields(v.choices, v.values, v.errors, 'o')}
      <div class="actions"><button type="submit" name="decision" value="allow" class="primary">Approve</button></div>
    </form>
    <form method="post" action="/console/oauth/consent/${c.uid}/deny" class="inline">
      ${csrfField(frame.csrfToken)}
      <button type="submit" class="danger">Deny</button>
    </form>`,
  });
}

/** The interaction is gone (expired, finished, or opened in another browser). */
export function oauthConsentGonePage(frame: Frame): Html {
  return page({
    ...frame,
    title: 'Sign-in expired',
    section: 'pair',
    body: html`<h1>This sign-in request is no longer open</h1>
    <p>It expired, was already answered, or was opened in a different browser than the one that started it. Start the sign-in again from the application.</p>`,
  });
}
