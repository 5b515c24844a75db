import type { Agent, AgentToken, Grant } from '../store/index.js';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export interface AgentView {
  id: string;
  owner_user_id: string;
  owner_email: string;
  display_name: string;
  status: string;
  created_at: string;
  updated_at: string;
  revoked_at: string | null;
}

export function agentView(a: Agent): AgentView {
  return {
    id: a.id,
    owner_user_id: a.ownerUserId,
    owner_email: a.ownerEmail,
    display_name: a.displayName,
    status: a.status,
    created_at: iso(a.createdAt)!,
    updated_at: iso(a.updatedAt)!,
    revoked_at: iso(a.revokedAt),
  };
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(t: AgentToken, now = new Date()): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Never includes the hash: the listing shows what a token is, not how to check it. */
export interface TokenView {
  id: string;
  agent_id: string;
  prefix: string;
  label: string;
  origin: string;
  state: TokenState;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  rotated_to_id: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
}

export function tokenView(t: AgentToken): TokenView {
  return {
    id: t.id,
    agent_id: t.agentId,
    prefix: t.prefix,
    label: t.label,
    origin: t.origin,
    state: tokenState(t),
    created_by: t.createdBy,
    created_at: iso(t.createdAt)!,
    expires_at: iso(t.expiresAt),
    revoked_at: iso(t.revokedAt),
    rotated_to_id: t.rotatedToId ?? null,
    last_used_at: iso(t.lastUsedAt),
    last_used_ip: t.lastUsedIp ?? null,
  };
}

export type GrantState = 'active' | 'expired' | 'revoked';

export function grantState(g: Grant, now = new Date()): GrantState {
  if (g.revokedAt) return 'revoked';
  if (g.expiresAt && g.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export interface GrantView {
  id: string;
  agent_id: string;
  workspace: string;
  projects: '*' | string[];
  tools: string[];
  constraints: Record<string, unknown>;
  state: GrantState;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

export function grantView(g: Grant): GrantView {
  return {
    id: g.id,
    agent_id: g.agentId,
    workspace: g.workspace,
    projects: g.projects,
    tools: g.tools,
    constraints: g.constraints,
    state: grantState(g),
    created_by: g.createdBy,
    created_at: iso(g.createdAt)!,
    expires_at: iso(g.expiresAt),
    revoked_at: iso(g.revokedAt),
    revoked_by: g.revokedBy ?? null,
  };
}
