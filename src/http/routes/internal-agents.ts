import { Router } from 'express';
import type { AgentStatus } from '../../store/index.js';
import { agentView } from '../../identity/index.js';
import type { HttpDeps } from '../deps.js';
import { actingContext } from '../internal-auth.js';
import { requireUuid } from '../validation.js';

interface AgentCreateBody {
  owner_user_id: string;
  owner_email: string;
  display_name: string;
}

interface AgentListQuery {
  owner_user_id?: string;
  status?: AgentStatus;
  limit?: number;
  cursor?: string;
}

export function internalAgentsRouter(deps: HttpDeps): Router {
  const router = Router();
  const { identity, validator, orm } = deps;

  router.post('/agents', async (req, res) => {
    const body = validator.body<AgentCreateBody>('internal/agent-create.json', req.body);
    const em = orm.em.fork();
    const agent = await em.transactional((tx) =>
      identity.agents.create(tx, { ownerUserId: body.owner_user_id, ownerEmail: body.owner_email, displayName: body.display_name }, actingContext(req, res)),
    );
    res.status(201).json({ agent: agentView(agent) });
  });

  router.get('/agents', async (req, res) => {
    const query = validator.query<AgentListQuery>('internal/agent-list-query.json', req.query);
    const filter = { ...(query.owner_user_id ? { ownerUserId: query.owner_user_id } : {}), ...(query.status ? { status: query.status } : {}) };
    res.json(await identity.agents.list(orm.em.fork(), filter, query.limit ?? 50, query.cursor));
  });

  router.get('/agents/:agentId', async (req, res) => {
    const agent = await identity.agents.get(orm.em.fork(), requireUuid('agent_id', req.params.agentId));
    res.json({ agent: agentView(agent) });
  });

  for (const action of ['suspend', 'reactivate', 'revoke'] as const) {
    router.post(`/agents/:agentId/${action}`, async (req, res) => {
      const agentId = requireUuid('agent_id', req.params.agentId);
      const body = validator.body<{ reason?: string }>('internal/agent-transition.json', req.body);
      const agent = await identity.agents.transition(orm.em.fork(), agentId, action, actingContext(req, res), body.reason);
      res.json({ agent: agentView(agent) });
    });
  }
  return router;
}
