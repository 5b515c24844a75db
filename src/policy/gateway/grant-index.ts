import type { PolicyGrant } from './types.js';

/** A grant together with the agent it belongs to (the input's grants need no agent; the index does). */
export interface AgentGrant extends PolicyGrant {
  agent_id: string;
}

/**
 * `data.grant_index` as policies/gateway/grants.rego reads it:
 *  - by_id: grant id -> grant;
 *  - by_agent: agent id -> grant ids (for the tool list);
 *  - lookup: agent -> workspace -> project key (project or "*") -> tool key (name, kind or "*") -> ids.
 * A decision looks up at most 2 x 3 keys instead of scanning every grant.
 */
export interface GrantIndex {
  by_id: Record<string, AgentGrant>;
  by_agent: Record<string, string[]>;
  lookup: Record<string, Record<string, Record<string, Record<string, string[]>>>>;
}

function child<T>(parent: Record<string, T>, key: string, make: () => T): T {
  if (!Object.prototype.hasOwnProperty.call(parent, key)) parent[key] = make();
  return parent[key]!;
}

function fileUnder(index: GrantIndex, grant: AgentGrant): void {
  const byWorkspace = child(index.lookup, grant.agent_id, () => ({}));
  const byProject = child(byWorkspace, grant.workspace, () => ({}));
  const projectKeys = grant.projects === '*' ? ['*'] : grant.projects;
  for (const projectKey of projectKeys) {
    const byTool = child(byProject, projectKey, () => ({}));
    for (const toolKey of grant.tools) child(byTool, toolKey, () => [] as string[]).push(grant.id);
  }
}

/** Builds the index; load it with `engine.setData({...catalogue data, grant_index})` when grants change. */
export function buildGrantIndex(grants: readonly AgentGrant[]): GrantIndex {
  const index: GrantIndex = { by_id: {}, by_agent: {}, lookup: {} };
  for (const grant of grants) {
    index.by_id[grant.id] = grant;
    child(index.by_agent, grant.agent_id, () => [] as string[]).push(grant.id);
    fileUnder(index, grant);
  }
  return index;
}
