import type { Response } from 'express';
import { GatewayError } from '../errors/index.js';
import type { Agent, EntityManager } from '../store/index.js';
import type { ConsoleDeps } from './deps.js';
import { sessionOf } from './web.js';

/**
 * The agent, if the signed-in human may see it: an owner sees their own agents only, an admin
 * every agent. Anyone else's agent is reported exactly like one that does not exist (404).
 */
export async function visibleAgent(deps: ConsoleDeps, res: Response, agentId: string, em: EntityManager = deps.gateway.orm.em.fork()): Promise<Agent> {
  const { user } = sessionOf(res);
  const agent = await deps.gateway.identity.agents.get(em, agentId);
  if (user.role !== 'admin' && agent.ownerUserId !== user.id) throw new GatewayError('not_found', 'No agent with this id.');
  return agent;
}

/** The owner filter of listings: an owner's own, or everything for an admin. */
export function ownerScope(res: Response): { ownerUserId?: string } {
  const { user } = sessionOf(res);
  return user.role === 'admin' ? {} : { ownerUserId: user.id };
}
