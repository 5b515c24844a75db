import { Router } from 'express';
import type { ApprovalTarget } from '../../pairing/index.js';
import type { HttpDeps } from '../deps.js';
import { noStore } from '../no-store.js';
import { actingContext } from '../internal-auth.js';
import { requireUuid } from '../validation.js';

interface ApproveBody {
  user_code: string;
  agent_id?: string;
  agent?: { display_name: string; owner_email: string };
}

export function internalPairingRouter(deps: HttpDeps): Router {
  const router = Router();
  const { pairing, validator, orm } = deps;

  router.post('/agents/:agentId/pairing-codes', noStore, async (req, res) => {
    const agentId = requireUuid('agent_id', req.params.agentId);
    const body = validator.body<{ ttl_seconds?: number }>('internal/pairing-code-create.json', req.body);
    res.status(201).json({ pairing_code: await pairing.codes.create(orm.em.fork(), agentId, body.ttl_seconds, actingContext(req, res)) });
  });

  router.post('/pairing/flows/lookup', async (req, res) => {
    const body = validator.body<{ user_code: string }>('internal/pairing-flow-user-code.json', req.body);
    res.json({ flow: await pairing.flows.lookup(orm.em.fork(), body.user_code) });
  });

  router.post('/pairing/flows/approve', async (req, res) => {
    const body = validator.body<ApproveBody>('internal/pairing-flow-approve.json', req.body);
    const target: ApprovalTarget = body.agent_id
      ? { agentId: requireUuid('agent_id', body.agent_id) }
      : { newAgent: { displayName: body.agent!.display_name, ownerEmail: body.agent!.owner_email } };
    const ctx = actingContext(req, res);
    res.json(await pairing.flows.approve(orm.em.fork(), body.user_code, target, ctx.actor.id, ctx));
  });

  router.post('/pairing/flows/deny', async (req, res) => {
    const body = validator.body<{ user_code: string }>('internal/pairing-flow-user-code.json', req.body);
    res.json({ flow: await pairing.flows.deny(orm.em.fork(), body.user_code, actingContext(req, res)) });
  });
  return router;
}
