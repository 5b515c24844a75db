import { Router, type Response } from 'express';
import { explainCall, type Explanation } from '../../decision/index.js';
import { GatewayError } from '../../errors/index.js';
import type { AuthenticatedAgent } from '../../identity/index.js';
import { requestIdOf } from '../../http/index.js';
import { AgentTokenSchema } from '../../store/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { ownerScope, visibleAgent } from '../ownership.js';
import { byField, type FieldErrors } from '../views/forms.js';
import { explainPage, type ExplainValues } from '../views/explain.js';
import { field, send } from '../web.js';

/** A token id for a dry run of an agent that has no live token: the policy then sees a token without expiry. */
const NO_TOKEN = '00000000-0000-4000-8000-000000000000';

/**
 * Explain: the decision pipeline's own side-effect-free assessment and the policy rules that decided
 * (the same step the `explain` tool uses) for an agent, a tool and arguments, with the agent's live
 * grants and usage.
 */
export function explainRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { orm, identity, logger } = deps.gateway;

  const show = async (res: Response, values: ExplainValues, errors: FieldErrors = byField([]), explanation?: Explanation, status = 200) => {
    const agents = (await identity.agents.list(orm.em.fork(), ownerScope(res), 200)).items;
    const tools = deps.decision().registry.list().map((c) => c.name).sort();
    send(res, explainPage(await frameOf(deps, res), { agents, tools, values, errors, ...(explanation ? { explanation } : {}) }), status);
  };

  router.get('/explain', async (req, res) => {
    await show(res, { agent_id: typeof req.query.agent_id === 'string' ? req.query.agent_id : '', tool: 'get_work_item', arguments: '{\n  "work_item": "OPS-1"\n}' });
  });

  router.post('/explain', async (req, res) => {
    const values: ExplainValues = { agent_id: field(req.body, 'agent_id'), tool: field(req.body, 'tool'), arguments: field(req.body, 'arguments') };
    let args: unknown;
    try {
      args = values.arguments.trim() === '' ? {} : JSON.parse(values.arguments);
    } catch {
      return show(res, values, byField([{ pointer: '/arguments', message: 'must be JSON, e.g. {"project": "OPS"}' }]), undefined, 400);
    }
    if (!/^[0-9a-f-]{36}$/i.test(values.agent_id)) return show(res, values, byField([{ pointer: '/agent_id', message: 'pick an agent' }]), undefined, 400);
    const agent = await visibleAgent(deps, res, values.agent_id.toLowerCase());
    const em = orm.em.fork();
    const token = await em.findOne(AgentTokenSchema, { agentId: agent.id, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
    const auth: AuthenticatedAgent = {
      agent,
      token: token ? { id: token.id, prefix: token.prefix, expiresAt: token.expiresAt ?? null } : { id: NO_TOKEN, prefix: '', expiresAt: null },
      grants: await identity.grants.liveGrants(em, agent.id),
    };
    const { pipeline, registry } = deps.decision();
    let explanation: Explanation;
    try {
      // The explain tool's own step: the same assessment and the same matched rules.
      explanation = await explainCall({ registry, logger, assess: (call) => pipeline.assess(call) }, { auth, tool: values.tool, args, transport: 'rest', requestId: requestIdOf(res) });
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw new GatewayError('policy_unavailable', 'The policy could not assess this call.', { cause: err });
    }
    await show(res, values, byField([]), explanation);
  });

  return router;
}
