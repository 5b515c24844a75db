import { Router, type RequestHandler } from 'express';
import { authOf } from '../agent-auth.js';
import type { HttpDeps } from '../deps.js';

/** `GET /api/v1/me`: who the token belongs to and what it may do right now. */
export function meRouter(deps: HttpDeps, authenticate: RequestHandler): Router {
  const router = Router();
  router.get('/me', authenticate, async (_req, res) => {
    const { agent, token, grants } = authOf(res);
    res.json({
      agent: { id: agent.id, display_name: agent.displayName, status: agent.status, created_at: agent.createdAt.toISOString() },
      owner: { user_id: agent.ownerUserId, email: agent.ownerEmail },
      token: { id: token.id, prefix: token.prefix, expires_at: token.expiresAt ? token.expiresAt.toISOString() : null },
      grants,
    });
  });
  return router;
}
