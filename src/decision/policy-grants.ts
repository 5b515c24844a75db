import type { LiveGrant } from '../identity/index.js';
import type { GrantConstraints, PolicyGrant } from '../policy/index.js';

/**
 * Grants as the policy reads them: the stored grant with its constraints under the same names the
 * grants API uses (schemas/common/grant-constraints.json), keeping only keys of the right type, so
 * a row written before a constraint existed cannot hand the policy a malformed value.
 */
export function policyGrant(g: LiveGrant): PolicyGrant {
  return { id: g.id, workspace: g.workspace, projects: g.projects, tools: g.tools, constraints: policyConstraints(g.constraints), expires_at: g.expires_at };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function policyConstraints(stored: Record<string, unknown>): GrantConstraints {
  const out: GrantConstraints = {};
  if (typeof stored.write_budget_per_hour === 'number') out.write_budget_per_hour = stored.write_budget_per_hour;
  if (typeof stored.calls_per_minute === 'number') out.calls_per_minute = stored.calls_per_minute;
  for (const key of ['approval_required_projects', 'approval_required_tools', 'approval_required_kinds'] as const) {
    const values = strings(stored[key]);
    if (values.length) out[key] = values;
  }
  return out;
}
