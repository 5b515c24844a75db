import type { Actor, AuditEventInput } from '../audit/index.js';

/** Who is acting and on which request: passed to every service call that changes state. */
export interface ActingContext {
  actor: Actor;
  requestId?: string;
  address?: string;
}

/**
 * The audit event for a lifecycle change someone made to an agent's identity (the agent itself,
 * its tokens, grants or pairing): one shape, so every such event names the actor, the agent, its
 * owner and the request the same way.
 */
export function agentChangeEvent(
  ctx: ActingContext,
  agent: { id: string; ownerUserId: string },
  kind: string,
  subject: { type: string; id: string },
  detail?: Record<string, unknown>,
): AuditEventInput {
  return {
    kind,
    actor: ctx.actor,
    agentId: agent.id,
    ownerUserId: agent.ownerUserId,
    subject,
    requestId: ctx.requestId ?? null,
    outcome: 'success',
    ...(detail ? { detail } : {}),
  };
}
