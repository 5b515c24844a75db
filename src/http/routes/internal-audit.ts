import { Router } from 'express';
import type { AuditCheckpointer } from '../../audit/index.js';
import { GatewayError } from '../../errors/index.js';
import type { HttpDeps } from '../deps.js';
import { actingContext } from '../internal-auth.js';

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

/** A request without a body, or with `{}`: anything else is refused, so nothing is silently ignored. */
function requireNoFields(body: unknown): void {
  if (body === undefined || body === null) return;
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [''];
  if (fields.length === 0) return;
  throw new GatewayError('validation_failed', 'This request takes no body.', { fields: fields.map((f) => ({ pointer: `/body${f ? `/${f}` : ''}`, message: 'not allowed' })) });
}

/**
 * Signed checkpoints of the chain head (mounted by the audit checkpoint stage under
 * `/internal/v1`). GET returns the latest one recorded by any instance; POST signs the head now
 * (or returns the current checkpoint when the head is its own event). Verify either with the
 * public key of `/api/v1/meta/capabilities`.
 */
export function internalAuditCheckpointRouter(checkpointer: AuditCheckpointer): Router {
  const router = Router();
  router.get('/audit/checkpoint', async (_req, res) => {
    const latest = await checkpointer.latest();
    if (!latest) throw new GatewayError('not_found', 'No audit checkpoint has been made yet.');
    res.json(latest);
  });
  router.post('/audit/checkpoint', async (req, res) => {
    requireNoFields(req.body);
    const ctx = actingContext(req, res);
    const result = await checkpointer.checkpoint(ctx.actor, ctx.requestId);
    if (!result) throw new GatewayError('conflict', 'The audit chain is empty: there is no head to sign.');
    res.status(result.created ? 201 : 200).json(result.checkpoint);
  });
  return router;
}
