import { Router } from 'express';
import { GatewayError } from '../../errors/index.js';
import type { ConsoleDeps } from '../deps.js';
import { visibleAgent } from '../ownership.js';
import { actingHuman, pathId } from '../web.js';

const GRANT_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** Revoking an OAuth client from its agent's page: the grant, its refresh tokens and its agw_ tokens end together. */
export function oauthClientsRouter(deps: ConsoleDeps): Router {
  const router = Router();
  router.post('/agents/:id/oauth-clients/:grantId/revoke', async (req, res) => {
    const agent = await visibleAgent(deps, res, pathId(String(req.params.id)));
    const grantId = String(req.params.grantId);
    const oauth = deps.oauth();
    if (!oauth || !GRANT_ID.test(grantId)) throw new GatewayError('not_found', 'No such OAuth client.');
    const binding = await oauth.bindings.find(deps.gateway.orm.em.fork(), grantId);
    if (!binding || binding.agentId !== agent.id) throw new GatewayError('not_found', 'No such OAuth client for this agent.');
    await oauth.bindings.revokeGrant(grantId, 'console', actingHuman(req, res));
    res.redirect(303, `/console/agents/${agent.id}?notice=oauth_revoked`);
  });
  return router;
}
