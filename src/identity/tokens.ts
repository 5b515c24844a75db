import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { AgentTokenSchema, type Agent, type AgentToken, type EntityManager } from '../store/index.js';
import type { AgentService } from './agents.js';
import { agentChangeEvent, type ActingContext } from './context.js';
import { newAgentToken } from './secrets.js';
import { tokenView, type TokenView } from './views.js';

export interface IssueTokenInput {
  label?: string;
  expiresAt?: Date | null;
  /** issued (internal API), rotated, pairing_code, device_flow. */
  origin?: string;
}

/** A freshly issued token: the only moment the plaintext exists outside the agent. */
export interface IssuedToken {
  token: TokenView;
  secret: string;
}

export class TokenService {
  constructor(
    private readonly agents: AgentService,
    private readonly audit: AuditLog,
    /** Told after a token change committed, so this process's authentication cache drops the agent's tokens at once. */
    private readonly changed: (agentId: string) => void = () => undefined,
  ) {}

  /** Issues a token for an agent that must be active; the caller's transaction holds the agent lock. */
  async issueFor(em: EntityManager, agent: Agent, input: IssueTokenInput, ctx: ActingContext, kind = 'token.issued'): Promise<IssuedToken> {
    if (agent.status !== 'active') throw new GatewayError('conflict', `The agent is ${agent.status}; tokens can be issued only for active agents.`);
    const fresh = newAgentToken();
    const token = em.create(AgentTokenSchema, {
      id: randomUUID(),
      agentId: agent.id,
      prefix: fresh.prefix,
      secretHash: fresh.hash,
      label: input.label ?? '',
      origin: input.origin ?? 'issued',
      createdBy: `${ctx.actor.type}:${ctx.actor.id}`,
      createdAt: new Date(),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      rotatedToId: null,
      lastUsedAt: null,
      lastUsedIp: null,
    });
    em.persist(token);
    await em.flush();
    const detail = { prefix: token.prefix, origin: token.origin, label: token.label, expires_at: token.expiresAt?.toISOString() ?? null };
    await this.audit.append(em, agentChangeEvent(ctx, agent, kind, { type: 'token', id: token.id }, detail));
    return { token: tokenView(token), secret: fresh.plaintext };
  }

  async issue(em: EntityManager, agentId: string, input: IssueTokenInput, ctx: ActingContext): Promise<IssuedToken> {
    return em.transactional(async (tx) => this.issueFor(tx, await this.agents.lock(tx, agentId), input, ctx));
  }

  async list(em: EntityManager, agentId: string): Promise<TokenView[]> {
    await this.agents.get(em, agentId);
    const tokens = await em.find(AgentTokenSchema, { agentId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
    return tokens.map(tokenView);
  }

  private async findOwned(em: EntityManager, agentId: string, tokenId: string): Promise<AgentToken> {
    const token = await em.findOne(AgentTokenSchema, { id: tokenId, agentId }, { refresh: true });
    if (!token) throw new GatewayError('not_found', 'No token with this id for this agent.');
    return token;
  }

  async revoke(em: EntityManager, agentId: string, tokenId: string, ctx: ActingContext): Promise<TokenView> {
    const view = await em.transactional(async (tx) => {
      const agent = await this.agents.lock(tx, agentId);
      const token = await this.findOwned(tx, agentId, tokenId);
      if (token.revokedAt) return tokenView(token);
      token.revokedAt = new Date();
      await tx.flush();
      await this.audit.append(tx, agentChangeEvent(ctx, agent, 'token.revoked', { type: 'token', id: tokenId }, { prefix: token.prefix }));
      return tokenView(token);
    });
    this.changed(agentId);
    return view;
  }

  /**
   * Issues a successor and lets the old token live on for a short overlap (never longer than it
   * would have anyway), so an agent can switch without a failed request in between.
   */
  async rotate(em: EntityManager, agentId: string, tokenId: string, overlapSeconds: number, ctx: ActingContext): Promise<IssuedToken & { previous: TokenView }> {
    const rotated = await em.transactional(async (tx) => {
      const agent = await this.agents.lock(tx, agentId);
      const old = await this.findOwned(tx, agentId, tokenId);
      const now = new Date();
      if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) throw new GatewayError('conflict', 'Only a live token can be rotated.');
      if (old.rotatedToId) throw new GatewayError('conflict', 'This token was already rotated.');
      const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : undefined;
      const issued = await this.issueFor(
        tx,
        agent,
        { label: old.label, origin: 'rotated', expiresAt: lifetime === undefined ? null : new Date(now.getTime() + lifetime) },
        ctx,
        'token.rotated',
      );
      const overlapEnd = new Date(now.getTime() + overlapSeconds * 1000);
      old.expiresAt = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
      old.rotatedToId = issued.token.id;
      await tx.flush();
      return { ...issued, previous: tokenView(old) };
    });
    this.changed(agentId);
    return rotated;
  }
}
