import { Router } from 'express';
import type { GrantProjects } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { actingContext } from '../internal-auth.js';
import { requireUuid } from '../validation.js';

interface GrantCreateBody {
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints?: Record<string, unknown>;
  expires_at?: string;
}

export function internalGrantsRouter(deps: HttpDeps): Router {
  const router = Router();
  const { identity, validator, orm } = deps;

  router.post('/agents/:agentId/grants', async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const body = validator.body<GrantCreateBody>('internal/grant-create.json', req.body);
    const grant = await identity.grants.create(
      orm.em.fork(),
      agentId,
      { workspace: body.workspace, projects: body.projects, tools: body.tools, constraints: body.constraints ?? {}, expiresAt: body.expires_at ? new Date(body.expires_at) : null },
      actingContext(req, res),
    );
    res.status(201).json({ grant });
  });

  router.get('/agents/:agentId/grants', async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const query = validator.query<{ include_inactive?: 'true' | 'false' }>('internal/grant-list-query.json', req.query);
    res.json({ items: await identity.grants.list(orm.em.fork(), agentId, query.include_inactive === 'true') });
  });

  router.post('/agents/:agentId/grants/:grantId/revoke', async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const grantId = requireUuid('grant_id', req.params.grantId);
    validator.body('internal/agent-transition.json', req.body);
    res.json({ grant: await identity.grants.revoke(orm.em.fork(), agentId, grantId, actingContext(req, res)) });
  });
  return router;
}
