import type { LiveGrant } from '../identity/index.js';
import type { GrantConstraints, PolicyGrant } from '../policy/index.js';

/**
 * Grants as the policy reads them. The lifecycle API stores constraints under its own names
 * (schemas/common/grant-constraints.json); the decision input names them as
 * schemas/decision/input.json does. Kinds needing approval join the tools list, which the policy
 * matches by tool name or kind.
 */
export function policyGrant(g: LiveGrant): PolicyGrant {
  return { id: g.id, workspace: g.workspace, projects: g.projects, tools: g.tools, constraints: policyConstraints(g.constraints), expires_at: g.expires_at };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function policyConstraints(stored: Record<string, unknown>): GrantConstraints {
  const out: GrantConstraints = {};
  if (typeof stored.write_budget_per_hour === 'number') out.max_writes_per_hour = stored.write_budget_per_hour;
  if (typeof stored.calls_per_minute === 'number') out.max_calls_per_minute = stored.calls_per_minute;
  const projects = strings(stored.approval_required_projects);
  if (projects.length) out.approval_required_projects = projects;
  const tools = [...new Set([...strings(stored.approval_required_tools), ...strings(stored.approval_required_kinds)])];
  if (tools.length) out.approval_required_tools = tools;
  return out;
}
