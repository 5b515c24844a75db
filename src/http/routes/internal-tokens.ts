import { Router } from 'express';
import { GatewayError } from '../../errors/index.js';
import type { HttpDeps } from '../deps.js';
import { noStore } from '../no-store.js';
import { actingContext } from '../internal-auth.js';
import { requireUuid } from '../validation.js';

interface TokenIssueBody {
  label?: string;
  expires_at?: string;
  expires_in_seconds?: number;
}

function expiryOf(body: TokenIssueBody): Date | null {
  if (body.expires_in_seconds !== undefined) return new Date(Date.now() + body.expires_in_seconds * 1000);
  if (body.expires_at === undefined) return null;
  const at = new Date(body.expires_at);
  if (at.getTime() <= Date.now()) throw new GatewayError('validation_failed', 'The token would already be expired.', { fields: [{ pointer: '/expires_at', message: 'must be in the future' }] });
  return at;
}

export function internalTokensRouter(deps: HttpDeps): Router {
  const router = Router();
  const { identity, validator, orm, config } = deps;

  router.post('/agents/:agentId/tokens', noStore, async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const body = validator.body<TokenIssueBody>('internal/token-issue.json', req.body);
    const issued = await identity.tokens.issue(orm.em.fork(), agentId, { label: body.label ?? '', expiresAt: expiryOf(body) }, actingContext(req, res));
    res.status(201).json(issued);
  });

  router.get('/agents/:agentId/tokens', async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    res.json({ items: await identity.tokens.list(orm.em.fork(), agentId) });
  });

  router.post('/agents/:agentId/tokens/:tokenId/revoke', async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const tokenId = requireUuid('token_id', req.params.tokenId);
    validator.body('internal/agent-transition.json', req.body);
    res.json({ token: await identity.tokens.revoke(orm.em.fork(), agentId, tokenId, actingContext(req, res)) });
  });

  router.post('/agents/:agentId/tokens/:tokenId/rotate', noStore, async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const tokenId = requireUuid('token_id', req.params.tokenId);
    const body = validator.body<{ overlap_seconds?: number }>('internal/token-rotate.json', req.body);
    const overlap = body.overlap_seconds ?? config.tokenRotationOverlapSeconds;
    res.status(201).json(await identity.tokens.rotate(orm.em.fork(), agentId, tokenId, overlap, actingContext(req, res)));
  });
  return router;
}
