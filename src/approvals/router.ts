import { Router } from 'express';
import { actingContext, requireUuid, type RequestValidator } from '../http/index.js';
import type { PendingActionStatus } from './pending-action.js';
import type { ApprovalService } from './service.js';
import { actionView } from './views.js';

interface ListQuery {
  agent_id?: string;
  owner_user_id?: string;
  status?: PendingActionStatus;
  limit?: number;
  cursor?: string;
}

/**
 * `/internal/v1/approvals`: the owner (through Launcher) lists, reads, approves and denies pending
 * actions. Mount it at `/internal/v1/approvals`; the gateway's internal-API guard (service token
 * and acting user) already covers every path under `/internal/v1`.
 */
export function approvalsRouter(approvals: ApprovalService, validator: RequestValidator): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = validator.query<ListQuery>('internal/approval-list-query.json', req.query);
    const filter = {
      ...(q.agent_id ? { agentId: q.agent_id.toLowerCase() } : {}),
      ...(q.owner_user_id ? { ownerUserId: q.owner_user_id } : {}),
      ...(q.status ? { status: q.status } : {}),
    };
    const page = await approvals.list(filter, q.limit ?? 50, q.cursor);
    res.json({ items: page.items.map(actionView), next_cursor: page.next_cursor });
  });

  router.get('/:id', async (req, res) => {
    res.json({ action: actionView(await approvals.get(requireUuid('action_id', req.params.id))) });
  });

  router.post('/:id/approve', async (req, res) => {
    const id = requireUuid('action_id', req.params.id);
    const body = validator.body<{ note?: string }>('internal/approval-decision.json', req.body);
    res.json({ action: actionView(await approvals.approve(id, actingContext(req, res), body.note)) });
  });

  router.post('/:id/deny', async (req, res) => {
    const id = requireUuid('action_id', req.params.id);
    const body = validator.body<{ note?: string }>('internal/approval-decision.json', req.body);
    res.json({ action: actionView(await approvals.deny(id, actingContext(req, res), body.note)) });
  });

  return router;
}
