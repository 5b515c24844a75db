import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { AgentSchema, AgentTokenSchema, decodeCursor, encodeCursor, isCreatedPosition, type Agent, type AgentStatus, type EntityManager, type Page } from '../store/index.js';
import { agentChangeEvent, type ActingContext } from './context.js';
import { agentView, type AgentView } from './views.js';

export interface NewAgent {
  ownerUserId: string;
  ownerEmail: string;
  displayName: string;
}

export interface AgentListFilter {
  ownerUserId?: string;
  status?: AgentStatus;
}

export type AgentTransition = 'suspend' | 'reactivate' | 'revoke';

const TARGET: Record<AgentTransition, AgentStatus> = { suspend: 'suspended', reactivate: 'active', revoke: 'revoked' };

export class AgentService {
  constructor(
    private readonly audit: AuditLog,
    /** Told after a change to an agent committed, so this process's authentication cache drops it at once. */
    private readonly changed: (agentId: string) => void = () => undefined,
  ) {}

  /** Creates an agent; runs inside the caller's transaction (pairing creates agents too). */
  async create(em: EntityManager, input: NewAgent, ctx: ActingContext): Promise<Agent> {
    const now = new Date();
    const agent = em.create(AgentSchema, { id: randomUUID(), ...input, status: 'active', createdAt: now, updatedAt: now, revokedAt: null });
    em.persist(agent);
    await em.flush();
    await this.audit.append(em, agentChangeEvent(ctx, agent, 'agent.created', { type: 'agent', id: agent.id }, { display_name: agent.displayName }));
    return agent;
  }

  async get(em: EntityManager, id: string): Promise<Agent> {
    const agent = await em.findOne(AgentSchema, { id });
    if (!agent) throw new GatewayError('not_found', 'No agent with this id.');
    return agent;
  }

  /** Locks the agent row for the rest of the transaction, so state changes do not interleave. */
  async lock(em: EntityManager, id: string): Promise<Agent> {
    const agent = await em.findOne(AgentSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!agent) throw new GatewayError('not_found', 'No agent with this id.');
    return agent;
  }

  async list(em: EntityManager, filter: AgentListFilter, limit: number, cursor?: string): Promise<Page<AgentView>> {
    const where: Record<string, unknown> = {};
    if (filter.ownerUserId) where.ownerUserId = filter.ownerUserId;
    if (filter.status) where.status = filter.status;
    if (cursor) {
      const at = decodeCursor(cursor, isCreatedPosition);
      const t = new Date(at.t);
      where.$or = [{ createdAt: { $lt: t } }, { createdAt: t, id: { $lt: at.id } }];
    }
    const rows = await em.find(AgentSchema, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(agentView),
      next_cursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * suspend / reactivate / revoke. Revocation is final: it also revokes every token of the agent,
   * in the same transaction, so no token outlives its agent even for a moment.
   */
  async transition(em: EntityManager, id: string, action: AgentTransition, ctx: ActingContext, reason?: string): Promise<Agent> {
    const agent = await em.transactional(async (tx) => {
      const agent = await this.lock(tx, id);
      if (agent.status === 'revoked') throw new GatewayError('conflict', 'The agent is revoked; revocation is final.');
      const from = agent.status;
      const now = new Date();
      agent.status = TARGET[action];
      agent.updatedAt = now;
      let tokensRevoked = 0;
      if (action === 'revoke') {
        agent.revokedAt = now;
        tokensRevoked = await tx.nativeUpdate(AgentTokenSchema, { agentId: id, revokedAt: null }, { revokedAt: now });
      }
      await tx.flush();
      const kind = `agent.${action === 'suspend' ? 'suspended' : action === 'reactivate' ? 'reactivated' : 'revoked'}`;
      const detail = { from, to: agent.status, ...(reason ? { reason } : {}), ...(action === 'revoke' ? { tokens_revoked: tokensRevoked } : {}) };
      await this.audit.append(tx, agentChangeEvent(ctx, agent, kind, { type: 'agent', id }, detail));
      return agent;
    });
    this.changed(id);
    return agent;
  }
}
