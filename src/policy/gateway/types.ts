/** The decision contract of the gateway policy (schemas/decision/*.json are the truth). */

export type ToolKind = 'read' | 'write' | 'destructive';

/** A grant's constraints, named as the grants API stores them (schemas/common/grant-constraints.json). */
export interface GrantConstraints {
  write_budget_per_hour?: number;
  calls_per_minute?: number;
  approval_required_projects?: string[];
  approval_required_tools?: string[];
  approval_required_kinds?: string[];
}

export interface PolicyGrant {
  id: string;
  workspace: string;
  projects: string[] | '*';
  /** Tool names, tool kinds or '*'. */
  tools: string[];
  constraints: GrantConstraints;
  /** RFC 3339 UTC as `Date.toISOString()` writes it, or null for no expiry. */
  expires_at: string | null;
}

export interface DecisionInput {
  agent: { id: string; owner_user_id: string; status: string; display_name: string };
  token: { id: string; expires_at: string | null };
  /** Optional when the grants are loaded as data (see buildGrantIndex). */
  grants?: PolicyGrant[];
  action: { tool: string; kind: ToolKind; args: Record<string, unknown> };
  resource: { workspace: string | null; project: string | null; work_item: string | null };
  request: { transport: 'mcp' | 'rest'; request_id: string; idempotency_key: string | null; time: string };
  usage: { calls_last_minute: number; writes_last_hour: number };
}

export interface DecisionReason {
  code: string;
  message: string;
}

export interface Decision {
  allow: boolean;
  reasons: DecisionReason[];
  obligations: {
    approval_required: boolean;
    approval_reasons: DecisionReason[];
    /** The projects the call may touch (keys as grants name them), or '*' for every project. */
    project_scope: '*' | string[];
  };
  matched_grants: string[];
  /** False when no rule of the decision can read `input.usage` for this call; absent means it may. */
  usage_needed?: boolean;
}

/** One catalogue entry per tool, from its contract in schemas/tools/. */
export interface CatalogueEntry {
  kind: ToolKind;
  /** Gateway tools about the agent itself (whoami, explain, ...) that need no grant. */
  self_service?: boolean;
}

export type ToolCatalogue = Record<string, CatalogueEntry>;

export const DECISION_ENTRYPOINT = 'gateway/decision';
export const VISIBLE_TOOLS_ENTRYPOINT = 'gateway/visible_tools';
