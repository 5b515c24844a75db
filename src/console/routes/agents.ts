import { Router, type Response } from 'express';
import { GatewayError } from '../../errors/index.js';
import { agentView, type AgentView } from '../../identity/index.js';
import { sql } from '../../store/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { emptyGrantForm, grantFormValues, grantFromForm } from '../grant-input.js';
import { grantChoices } from '../grant-choices.js';
import { html } from '../html.js';
import { noticeFor } from '../notices.js';
import { ownerScope, visibleAgent } from '../ownership.js';
import { oauthClientsSection } from '../views/oauth-clients.js';
import { agentPage, agentsPage, confirmRevokePage, secretPage, type AgentRow } from '../views/agents.js';
import { byField } from '../views/forms.js';
import { grantEditorPage } from '../views/grant-editor.js';
import { actingHuman, field, pathId, send, sessionOf } from '../web.js';

async function withLastUse(deps: ConsoleDeps, agents: AgentView[]): Promise<AgentRow[]> {
  if (agents.length === 0) return [];
  const rows = await sql<{ agent_id: string; last_used_at: Date | string | null }>(
    deps.gateway.orm.em.fork(),
    'select agent_id, max(last_used_at) as last_used_at from agent_tokens where agent_id = any(?::uuid[]) group by agent_id',
    [agents.map((a) => a.id)],
  );
  const last = new Map(rows.map((r) => [r.agent_id, r.last_used_at ? new Date(r.last_used_at).toISOString() : null]));
  return agents.map((a) => ({ ...a, last_used_at: last.get(a.id) ?? null }));
}

function tokenInstructions(origin: string, secret: string) {
  return html`<h2>Connect Codex</h2>
    <pre class="command"><code>export TASKER_GATEWAY_TOKEN='${secret}'
codex mcp add tasker --url ${origin}/mcp --bearer-token-env-var TASKER_GATEWAY_TOKEN</code></pre>
    <p>Any other MCP client: <code>${origin}/mcp</code> with <code>Authorization: Bearer</code> and this token.</p>`;
}

function codeInstructions(origin: string, code: string) {
  return html`<h2>On the developer's machine</h2>
    <p>The code works once, within minutes. The developer runs:</p>
    <pre class="command"><code>curl -sS -X POST ${origin}/api/v1/pairing/exchange \\
  -H 'content-type: application/json' \\
  -d '{"code": "${code}", "device_name": "'"$(hostname)"'"}'</code></pre>
    <p>The answer holds the agent's token (<code>access_token</code>), shown to them once.</p>`;
}

function expiryInDays(raw: string): Date | null {
  if (raw.trim() === '') return null;
  if (!/^\d{1,4}$/.test(raw.trim()) || Number(raw) < 1) throw new GatewayError('validation_failed', 'The expiry must be a whole number of days, at least 1.', { fields: [{ pointer: '/expires_in_days', message: 'a whole number of days' }] });
  return new Date(Date.now() + Number(raw) * 86400_000);
}

/** Agents, their tokens, pairing codes and grants: each action through the same service the internal API calls. */
export function agentsRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { identity, orm, pairing, validator, config } = deps.gateway;

  const listPage = async (res: Response, cursor: string | undefined, form = { display_name: '', errors: byField([]) } as { display_name: string; errors: ReturnType<typeof byField>; error?: string }, notice?: string, status = 200) => {
    const page = await identity.agents.list(orm.em.fork(), ownerScope(res), 50, cursor);
    send(res, agentsPage(await frameOf(deps, res), await withLastUse(deps, page.items), page.next_cursor, form, notice), status);
  };

  const showAgent = async (res: Response, agentId: string, notice?: string) => {
    const agent = await visibleAgent(deps, res, agentId);
    const em = orm.em.fork();
    const [tokens, grants] = await Promise.all([identity.tokens.list(em, agent.id), identity.grants.list(em.fork(), agent.id, true)]);
    // Live grants whose projects Tasker has since lost are flagged on the page.
    const missingProjects = (await identity.grants.missingProjects(grants.filter((g) => g.state === 'active'))) ?? new Map<string, string[]>();
    const oauth = deps.oauth();
    const frame = await frameOf(deps, res);
    const oauthClients = oauth ? oauthClientsSection(agent.id, await oauth.bindings.listForAgent(em.fork(), agent.id), frame.csrfToken) : undefined;
    send(res, agentPage(frame, { agent: agentView(agent), tokens, grants, missingProjects, ...(oauthClients ? { oauthClients } : {}) }, notice));
  };

  router.get('/agents', async (req, res) => {
    await listPage(res, typeof req.query.cursor === 'string' ? req.query.cursor : undefined, undefined, noticeFor(req.query.notice));
  });

  router.post('/agents', async (req, res) => {
    const { user } = sessionOf(res);
    const displayName = field(req.body, 'display_name').trim();
    let body: { display_name: string; owner_user_id: string; owner_email: string };
    try {
      body = validator.body('internal/agent-create.json', { owner_user_id: user.id, owner_email: user.email, display_name: displayName });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return listPage(res, undefined, { display_name: displayName, errors: byField(err.fields), error: 'The agent needs a name (1 to 100 characters).' }, undefined, 400);
    }
    const agent = await orm.em.fork().transactional((tx) => identity.agents.create(tx, { ownerUserId: body.owner_user_id, ownerEmail: body.owner_email, displayName: body.display_name }, actingHuman(req, res)));
    res.redirect(303, `/console/agents/${agent.id}?notice=created`);
  });

  router.get('/agents/:agentId', async (req, res) => {
    await showAgent(res, pathId(req.params.agentId), noticeFor(req.query.notice));
  });

  for (const action of ['suspend', 'reactivate'] as const) {
    router.post(`/agents/:agentId/${action}`, async (req, res) => {
      const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
      await identity.agents.transition(orm.em.fork(), agent.id, action, actingHuman(req, res));
      res.redirect(303, `/console/agents/${agent.id}?notice=${action === 'suspend' ? 'suspended' : 'reactivated'}`);
    });
  }

  router.get('/agents/:agentId/revoke', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    send(res, confirmRevokePage(await frameOf(deps, res), agentView(agent)));
  });

  router.post('/agents/:agentId/revoke', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const reason = field(req.body, 'reason').trim().slice(0, 500);
    await identity.agents.transition(orm.em.fork(), agent.id, 'revoke', actingHuman(req, res), reason || undefined);
    res.redirect(303, `/console/agents/${agent.id}?notice=revoked`);
  });

  router.post('/agents/:agentId/tokens', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const label = field(req.body, 'label').trim().slice(0, 100);
    const issued = await identity.tokens.issue(orm.em.fork(), agent.id, { label, expiresAt: expiryInDays(field(req.body, 'expires_in_days')) }, actingHuman(req, res));
    res.set('Cache-Control', 'no-store');
    send(res, secretPage(await frameOf(deps, res), { title: 'New token', agent: agentView(agent), secretLabel: 'Agent token', secret: issued.secret, expiresAt: issued.token.expires_at, instructions: tokenInstructions(deps.origin(), issued.secret) }), 201);
  });

  router.post('/agents/:agentId/tokens/:tokenId/rotate', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const rotated = await identity.tokens.rotate(orm.em.fork(), agent.id, pathId(req.params.tokenId), config.tokenRotationOverlapSeconds, actingHuman(req, res));
    const overlap = html`<p>The old token keeps working until ${rotated.previous.expires_at ?? 'it is revoked'}, so the agent can switch without a failed call.</p>`;
    send(res, secretPage(await frameOf(deps, res), { title: 'Rotated token', agent: agentView(agent), secretLabel: 'New agent token', secret: rotated.secret, expiresAt: rotated.token.expires_at, instructions: html`${overlap}${tokenInstructions(deps.origin(), rotated.secret)}` }), 201);
  });

  router.post('/agents/:agentId/tokens/:tokenId/revoke', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    await identity.tokens.revoke(orm.em.fork(), agent.id, pathId(req.params.tokenId), actingHuman(req, res));
    res.redirect(303, `/console/agents/${agent.id}?notice=token_revoked`);
  });

  router.post('/agents/:agentId/pairing-codes', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const created = await pairing.codes.create(orm.em.fork(), agent.id, undefined, actingHuman(req, res));
    send(res, secretPage(await frameOf(deps, res), { title: 'Pairing code', agent: agentView(agent), secretLabel: 'Pairing code', secret: created.code, expiresAt: created.expires_at, instructions: codeInstructions(deps.origin(), created.code) }), 201);
  });

  router.get('/agents/:agentId/grants/new', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const choices = await grantChoices(deps);
    send(res, grantEditorPage(await frameOf(deps, res), agentView(agent), choices, emptyGrantForm(choices.workspace), byField([])));
  });

  router.post('/agents/:agentId/grants', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    const choices = await grantChoices(deps);
    const values = grantFormValues(req.body, choices.workspace);
    try {
      await identity.grants.create(orm.em.fork(), agent.id, grantFromForm(values, validator), actingHuman(req, res));
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      return send(res, grantEditorPage(await frameOf(deps, res), agentView(agent), choices, values, byField(err.fields), err.message), 400);
    }
    res.redirect(303, `/console/agents/${agent.id}?notice=grant_created`);
  });

  router.post('/agents/:agentId/grants/:grantId/revoke', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(req.params.agentId));
    await identity.grants.revoke(orm.em.fork(), agent.id, pathId(req.params.grantId), actingHuman(req, res));
    res.redirect(303, `/console/agents/${agent.id}?notice=grant_revoked`);
  });

  return router;
}
