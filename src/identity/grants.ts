import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { GrantSchema, asDate, runPrepared, type GrantProjects, type EntityManager, type PreparedStatement } from '../store/index.js';
import type { AgentService } from './agents.js';
import { checkGrantNames, unknownProjects, type GrantCatalogue } from './grant-catalogue.js';
import { agentChangeEvent, type ActingContext } from './context.js';
import { grantView, type GrantView } from './views.js';

export interface NewGrant {
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints?: Record<string, unknown>;
  expiresAt?: Date | null;
}

/** The grant as later stages see it in a decision input. */
export interface LiveGrant {
  id: string;
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints: Record<string, unknown>;
  expires_at: string | null;
}

/** A live grant as a query returns it (a row, or an element of a JSON aggregate). */
export interface LiveGrantRow {
  id: string;
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints: Record<string, unknown> | null;
  expires_at: Date | string | null;
}

export function toLiveGrant(r: LiveGrantRow): LiveGrant {
  return {
    id: r.id,
    workspace: r.workspace,
    projects: r.projects,
    tools: r.tools,
    constraints: r.constraints ?? {},
    expires_at: r.expires_at === null ? null : asDate(r.expires_at).toISOString(),
  };
}

/** SQL: the grant row `g` is live, not revoked and not expired at the time in parameter $2. */
export const LIVE_GRANT_CONDITION = 'g.revoked_at is null and (g.expires_at is null or g.expires_at > $2)';

const LIVE_GRANTS: PreparedStatement = {
  name: 'identity_live_grants',
  text: `select g.id, g.workspace, g.projects, g.tools, g.constraints, g.expires_at
           from grants g
          where g.agent_id = $1 and ${LIVE_GRANT_CONDITION}
          order by g.created_at asc, g.id asc`,
};

export class GrantService {
  private names: GrantCatalogue | undefined;

  constructor(
    private readonly agents: AgentService,
    private readonly audit: AuditLog,
    /** Told after a grant change committed, so this process's authentication cache drops the agent at once. */
    private readonly changed: (agentId: string) => void = () => undefined,
  ) {}

  /** The Tasker stage hands over what grants may name; from then on every new grant is checked against it. */
  useCatalogue(catalogue: GrantCatalogue): void {
    this.names = catalogue;
  }

  /** What grants may name, when a Tasker stage provided it (the console's grant editor offers exactly this). */
  get catalogue(): GrantCatalogue | undefined {
    return this.names;
  }

  /**
   * The projects each grant names that Tasker no longer has (deleted or renamed since the grant was
   * made), by grant id; grants on `*` or on live projects are absent. Undefined when it cannot be
   * known: no Tasker stage, or Tasker did not answer (the caller shows the grant as it is).
   */
  async missingProjects(grants: ReadonlyArray<{ id: string; projects: GrantProjects }>): Promise<Map<string, string[]> | undefined> {
    if (!this.names) return undefined;
    const named = grants.filter((g) => g.projects !== '*' && g.projects.length > 0);
    if (named.length === 0) return new Map();
    let projects;
    try {
      projects = await this.names.projects();
    } catch {
      return undefined;
    }
    const missing = new Map<string, string[]>();
    for (const g of named) {
      const gone = unknownProjects(projects, g.projects as string[]);
      if (gone.length) missing.set(g.id, gone);
    }
    return missing;
  }

  async create(em: EntityManager, agentId: string, input: NewGrant, ctx: ActingContext): Promise<GrantView> {
    // Checked before the transaction: it may ask Tasker for its projects, which must not hold the agent's lock.
    if (this.names) await checkGrantNames(this.names, input);
    const view = await em.transactional(async (tx) => {
      const agent = await this.agents.lock(tx, agentId);
      if (agent.status === 'revoked') throw new GatewayError('conflict', 'The agent is revoked; it cannot receive grants.');
      if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
        throw new GatewayError('validation_failed', 'The grant would already be expired.', { fields: [{ pointer: '/expires_at', message: 'must be in the future' }] });
      }
      const grant = tx.create(GrantSchema, {
        id: randomUUID(),
        agentId,
        workspace: input.workspace,
        projects: input.projects,
        tools: [...new Set(input.tools)],
        constraints: input.constraints ?? {},
        createdBy: `${ctx.actor.type}:${ctx.actor.id}`,
        createdAt: new Date(),
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
        revokedBy: null,
      });
      tx.persist(grant);
      await tx.flush();
      const detail = { workspace: grant.workspace, projects: grant.projects, tools: grant.tools, constraints: grant.constraints, expires_at: grant.expiresAt?.toISOString() ?? null };
      await this.audit.append(tx, agentChangeEvent(ctx, agent, 'grant.created', { type: 'grant', id: grant.id }, detail));
      return grantView(grant);
    });
    this.changed(agentId);
    return view;
  }

  async list(em: EntityManager, agentId: string, includeInactive: boolean): Promise<GrantView[]> {
    await this.agents.get(em, agentId);
    const where = includeInactive ? { agentId } : { agentId, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] };
    const grants = await em.find(GrantSchema, where, { orderBy: { createdAt: 'desc', id: 'desc' } });
    return grants.map(grantView);
  }

  async revoke(em: EntityManager, agentId: string, grantId: string, ctx: ActingContext): Promise<GrantView> {
    const view = await em.transactional(async (tx) => {
      const agent = await this.agents.lock(tx, agentId);
      const grant = await tx.findOne(GrantSchema, { id: grantId, agentId }, { refresh: true });
      if (!grant) throw new GatewayError('not_found', 'No grant with this id for this agent.');
      if (grant.revokedAt) return grantView(grant);
      grant.revokedAt = new Date();
      grant.revokedBy = `${ctx.actor.type}:${ctx.actor.id}`;
      await tx.flush();
      await this.audit.append(tx, agentChangeEvent(ctx, agent, 'grant.revoked', { type: 'grant', id: grantId }));
      return grantView(grant);
    });
    this.changed(agentId);
    return view;
  }

  /**
   * The grants that count right now: not revoked, not expired, oldest first. Later stages feed these
   * to the policy on every tool call, so this is one prepared statement on the agent's grants (index
   * `grants_agent_id_index`) without entity hydration, which cost several times the query itself.
   * The policy checks expiry again against the request time, so a grant expiring in between is
   * still refused.
   */
  async liveGrants(em: EntityManager, agentId: string, now = new Date()): Promise<LiveGrant[]> {
    const rows = await runPrepared<LiveGrantRow>(em, LIVE_GRANTS, [agentId, now]);
    return rows.map(toLiveGrant);
  }

}
