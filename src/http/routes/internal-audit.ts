import { Router } from 'express';
import type { HttpDeps } from '../deps.js';

interface AuditQuery {
  agent_id?: string;
  owner_user_id?: string;
  kind?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

export function internalAuditRouter(deps: HttpDeps): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const q = deps.validator.query<AuditQuery>('internal/audit-query.json', req.query);
    const filter = {
      ...(q.agent_id ? { agentId: q.agent_id.toLowerCase() } : {}),
      ...(q.owner_user_id ? { ownerUserId: q.owner_user_id } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.since ? { since: new Date(q.since) } : {}),
      ...(q.until ? { until: new Date(q.until) } : {}),
    };
    res.json(await deps.audit.query(deps.orm.em.fork(), filter, q.limit ?? 50, q.cursor));
  });
  return router;
}
