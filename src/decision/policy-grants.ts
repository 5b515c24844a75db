import { canonicalProjectRef } from '../contracts/index.js';
import type { LiveGrant } from '../identity/index.js';
import type { GrantConstraints, PolicyGrant } from '../policy/index.js';

/**
 * Grants as the policy reads them: the stored grant with its constraints under the same names the
 * grants API uses (schemas/common/grant-constraints.json), keeping only keys of the right type, so
 * a row written before a constraint existed cannot hand the policy a malformed value. Project keys
 * are spelled as the resource's project is (canonicalProjectRef): the policy compares them as
 * strings, and a grant or an approval constraint naming `pub` must cover a call on `PUB`.
 */
export function policyGrant(g: LiveGrant): PolicyGrant {
  const projects = g.projects === '*' ? '*' : projectKeys(g.projects);
  return { id: g.id, workspace: g.workspace, projects, tools: g.tools, constraints: policyConstraints(g.constraints), expires_at: g.expires_at };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Canonical and without repeats (the input schema wants unique keys). */
function projectKeys(value: unknown): string[] {
  return [...new Set(strings(value).map(canonicalProjectRef))];
}

export function policyConstraints(stored: Record<string, unknown>): GrantConstraints {
  const out: GrantConstraints = {};
  if (typeof stored.write_budget_per_hour === 'number') out.write_budget_per_hour = stored.write_budget_per_hour;
  if (typeof stored.calls_per_minute === 'number') out.calls_per_minute = stored.calls_per_minute;
  const projects = projectKeys(stored.approval_required_projects);
  if (projects.length) out.approval_required_projects = projects;
  for (const key of ['approval_required_tools', 'approval_required_kinds'] as const) {
    const values = strings(stored[key]);
    if (values.length) out[key] = values;
  }
  return out;
}
