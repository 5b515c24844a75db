import type { AuthenticatedAgent, LiveGrant } from '../identity/index.js';

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const KINDS = new Set(['read', 'write', 'destructive']);

function toolsPhrase(tools: readonly string[]): string {
  if (tools.includes('*')) return 'every tool';
  const kinds = tools.filter((t) => KINDS.has(t)).map((k) => `${k} tools`);
  const named = tools.filter((t) => !KINDS.has(t) && t !== '*');
  return list([...kinds, ...named]);
}

function constraintsPhrase(c: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof c.write_budget_per_hour === 'number') out.push(`at most ${c.write_budget_per_hour} writes per hour`);
  if (typeof c.calls_per_minute === 'number') out.push(`at most ${c.calls_per_minute} calls per minute`);
  const projects = Array.isArray(c.approval_required_projects) ? (c.approval_required_projects as string[]) : [];
  if (projects.length) out.push(`changes in ${list(projects)} need the owner's approval`);
  const tools = [c.approval_required_tools, c.approval_required_kinds].flatMap((v) => (Array.isArray(v) ? (v as string[]) : []));
  if (tools.length) out.push(`${toolsPhrase(tools)} need the owner's approval`);
  return out;
}

/** One grant (constraints as the lifecycle API stores them) as a sentence: "May use read tools and create_work_item in workspace nodedc, project OPS; ...". */
export function grantSentence(g: LiveGrant): string {
  const projects = g.projects === '*' ? 'every project' : g.projects.length === 1 ? `project ${g.projects[0]}` : `projects ${list(g.projects)}`;
  const parts = [`May use ${toolsPhrase(g.tools)} in workspace ${g.workspace}, ${projects}`, ...constraintsPhrase(g.constraints)];
  parts.push(g.expires_at ? `until ${g.expires_at}` : 'with no expiry');
  return `${parts.join('; ')}.`;
}

/** The whoami tool's answer (its outputSchema in schemas/tools/whoami.json). */
export function whoamiResult(auth: AuthenticatedAgent, grants: LiveGrant[]) {
  const a = auth.agent;
  const summary = grants.length
    ? `You are ${a.displayName}, acting for ${a.ownerEmail || a.ownerUserId}. ${grants.map(grantSentence).join(' ')} Destructive tools always need the owner's approval.`
    : `You are ${a.displayName}, acting for ${a.ownerEmail || a.ownerUserId}. You hold no grants yet, so only whoami, explain and get_action_status work; ask your owner for a grant.`;
  return {
    agent: { id: a.id, name: a.displayName, status: a.status },
    owner: { user_id: a.ownerUserId, email: a.ownerEmail || null },
    grants: grants.map((g) => ({
      id: g.id,
      workspace: g.workspace,
      projects: g.projects === '*' ? ['*'] : g.projects,
      tools: g.tools,
      constraints: g.constraints,
      expires_at: g.expires_at,
      summary: grantSentence(g),
    })),
    summary,
  };
}
