import { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { GatewayError } from '../../errors/index.js';
import { checkGrantNames, type AgentView, type NewGrant } from '../../identity/index.js';
import type { OAuthServer } from '../../oauth/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { emptyGrantForm, grantFormIsEmpty, grantFormValues, grantFromForm } from '../grant-input.js';
import { grantChoices } from '../grant-choices.js';
import { CONTENT_SECURITY_POLICY } from '../security.js';
import { byField } from '../views/forms.js';
import { oauthConsentGonePage, oauthConsentPage, type ConsentClient } from '../views/oauth-consent.js';
import { actingHuman, field, send, sessionOf } from '../web.js';
import { approvalFormFrom, approvalTarget, type ApprovalForm } from './pair.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const UID = /^[A-Za-z0-9_-]{10,64}$/;

/**
 * The consent step of the gateway's authorization server: oidc-provider sends the browser here
 * (its interaction URL); the signed-in owner binds the client to a new or existing agent of theirs
 * and chooses grants, or denies. The interaction is tied to the browser that started it (the
 * provider's interaction cookie), so a link forwarded to someone else opens nothing.
 */
export function oauthConsentRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { orm, identity, validator, audit } = deps.gateway;

  const server = (): OAuthServer => {
    const s = deps.oauth();
    if (!s) throw new GatewayError('not_found', 'The OAuth authorization server is not enabled.');
    return s;
  };

  /** The open interaction of this browser with this uid, or nothing. */
  const details = async (req: Request, res: Response): Promise<Details | undefined> => {
    const uid = String(req.params.uid ?? '');
    if (!UID.test(uid)) return undefined;
    try {
      const d = await server().provider().interactionDetails(req, res);
      return d.uid === uid ? d : undefined;
    } catch {
      return undefined;
    }
  };

  const describe = async (d: Details): Promise<ConsentClient> => {
    const clientId = String(d.params.client_id);
    const client = await server().provider().Client.find(clientId);
    const redirect = URL.parse(String(d.params.redirect_uri ?? ''));
    const documentHost = /^https?:\/\//i.test(clientId) ? (URL.parse(clientId)?.host ?? undefined) : undefined;
    return {
      uid: d.uid,
      name: client?.clientName ?? (documentHost ? `An application at ${documentHost}` : 'An unnamed application'),
      ...(documentHost ? { documentHost } : {}),
      redirectHost: redirect?.host ?? 'unknown',
      loopback: redirect?.protocol === 'http:' && LOOPBACK.has(redirect.hostname),
      scopes: String(d.params.scope ?? '').split(' ').filter(Boolean),
    };
  };

  const ownActiveAgents = async (res: Response): Promise<AgentView[]> => (await identity.agents.list(orm.em.fork(), { ownerUserId: sessionOf(res).user.id, status: 'active' }, 200)).items;

  const show = async (res: Response, d: Details, form: ApprovalForm, errors = byField([]), error?: string, status = 200) => {
    const [client, agents, choices] = await Promise.all([describe(d), ownActiveAgents(res), grantChoices(deps)]);
    // The browser follows the answer of this form on to the client's redirect URI: the CSP must let the form go there.
    const redirect = URL.parse(String(d.params.redirect_uri ?? ''));
    if (redirect && /^https?:$/.test(redirect.protocol)) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY.replace("form-action 'self'", `form-action 'self' ${redirect.origin}`));
    send(res, oauthConsentPage(await frameOf(deps, res), { client, agents, choices, errors, ...form, ...(error ? { error } : {}) }), status);
  };

  const gone = async (res: Response) => send(res, oauthConsentGonePage(await frameOf(deps, res)), 404);

  router.get('/oauth/consent/:uid', async (req, res) => {
    const d = await details(req, res);
    if (!d) return gone(res);
    const choices = await grantChoices(deps);
    const client = await describe(d);
    await show(res, d, { target: 'new', displayName: client.name.slice(0, 100), agentId: '', values: emptyGrantForm(choices.workspace) });
  });

  router.post('/oauth/consent/:uid', async (req, res) => {
    const d = await details(req, res);
    if (!d) return gone(res);
    const user = sessionOf(res).user;
    const catalogue = identity.grants.catalogue;
    const form = approvalFormFrom(req.body, catalogue?.workspace ?? '');
    let grant: NewGrant | undefined;
    let target: Awaited<ReturnType<typeof approvalTarget>>;
    try {
      target = await approvalTarget(deps, res, form);
      grant = grantFormIsEmpty(form.values) ? undefined : grantFromForm(form.values, validator);
      if (grant && catalogue) await checkGrantNames(catalogue, grant);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      return show(res, d, form, byField(err.fields), err.message, 400);
    }
    const client = await describe(d);
    const oauth = server();
    const provider = oauth.provider();
    const clientId = String(d.params.client_id);
    const oidcGrant = new provider.Grant({ accountId: user.id, clientId });
    oidcGrant.addOIDCScope('openid offline_access tasker');
    oidcGrant.addResourceScope(oauth.urls().mcpResource, 'tasker offline_access');
    const grantId = await oidcGrant.save();
    const ctx = actingHuman(req, res);
    await orm.em.fork().transactional(async (tx) => {
      const agent =
        'agentId' in target
          ? await identity.agents.lock(tx, target.agentId)
          : await identity.agents.create(tx, { ownerUserId: user.id, ownerEmail: target.newAgent.ownerEmail, displayName: target.newAgent.displayName }, ctx);
      if (agent.status !== 'active') throw new GatewayError('conflict', `The agent is ${agent.status}; only active agents can be bound.`);
      if (grant) await identity.grants.create(tx, agent.id, grant, ctx);
      await oauth.bindings.create(tx, { grantId, clientId, clientName: client.name.slice(0, 200), clientHost: client.documentHost ?? client.redirectHost, agentId: agent.id, userId: user.id });
      await audit.append(tx, {
        kind: 'oauth.consent_granted',
        actor: ctx.actor,
        agentId: agent.id,
        ownerUserId: agent.ownerUserId,
        subject: { type: 'oauth_grant', id: grantId },
        requestId: ctx.requestId ?? null,
        outcome: 'success',
        detail: { client_id: clientId, client_name: client.name, redirect_host: client.redirectHost, granted: !!grant },
      });
    });
    await provider.interactionFinished(req, res, { login: { accountId: user.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
  });

  router.post('/oauth/consent/:uid/deny', async (req, res) => {
    const d = await details(req, res);
    if (!d) return gone(res);
    const client = await describe(d);
    const ctx = actingHuman(req, res);
    await audit.append(orm.em.fork(), {
      kind: 'oauth.consent_denied',
      actor: ctx.actor,
      subject: { type: 'oauth_client', id: String(d.params.client_id) },
      requestId: ctx.requestId ?? null,
      outcome: 'success',
      detail: { client_name: client.name, redirect_host: client.redirectHost },
    });
    await server().provider().interactionFinished(req, res, { error: 'access_denied', error_description: 'The owner denied this application access.' }, { mergeWithLastSubmission: false });
  });

  return router;
}
