import type { LiveGrant } from '../identity/index.js';
import { asDate, sql, type EntityManager, type GrantProjects } from '../store/index.js';

interface GrantRow {
  id: string;
  workspace: string;
  projects: GrantProjects;
  tools: string[];
  constraints: Record<string, unknown>;
  expires_at: Date | string | null;
}

/**
 * The agent's live grants (not revoked, not expired), by the same rule and in the same order as
 * `GrantService.liveGrants`, read with one plain query: this runs on every tool call, and entity
 * hydration cost several times the query itself. The policy checks expiry again against the
 * request time, so a grant expiring in between is still refused.
 */
export async function loadLiveGrants(em: EntityManager, agentId: string): Promise<LiveGrant[]> {
  const rows = await sql<GrantRow>(
    em,
    `select id, workspace, projects, tools, constraints, expires_at
       from grants
      where agent_id = ? and revoked_at is null and (expires_at is null or expires_at > now())
      order by created_at asc, id asc`,
    [agentId],
  );
  return rows.map((r) => ({
    id: r.id,
    workspace: r.workspace,
    projects: r.projects,
    tools: r.tools,
    constraints: r.constraints ?? {},
    expires_at: r.expires_at === null ? null : asDate(r.expires_at).toISOString(),
  }));
}
