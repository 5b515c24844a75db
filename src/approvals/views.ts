import type { PendingAction } from './pending-action.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** What the owner sees through the internal API: everything needed to judge the action. */
export interface ActionView {
  id: string;
  agent_id: string;
  owner_user_id: string;
  tool: string;
  arguments: Record<string, unknown>;
  resource: PendingAction['resource'];
  decision_id: string;
  idempotency_key: string | null;
  transport: string;
  approval_reasons: PendingAction['approvalReasons'];
  status: PendingAction['status'];
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_note: string | null;
  result: unknown;
  error: PendingAction['error'];
  completed_at: string | null;
}

export function actionView(a: PendingAction): ActionView {
  return {
    id: a.id,
    agent_id: a.agentId,
    owner_user_id: a.ownerUserId,
    tool: a.tool,
    arguments: a.args,
    resource: a.resource,
    decision_id: a.decisionId,
    idempotency_key: a.idempotencyKey ?? null,
    transport: a.transport,
    approval_reasons: a.approvalReasons,
    status: a.status,
    created_at: a.createdAt.toISOString(),
    expires_at: a.expiresAt.toISOString(),
    decided_at: iso(a.decidedAt),
    decided_by: a.decidedBy ?? null,
    decision_note: a.decisionNote ?? null,
    result: a.result ?? null,
    error: a.error ?? null,
    completed_at: iso(a.completedAt),
  };
}

/** The agent's view (the `get_action_status` tool's outputSchema). */
export interface ActionStatusView {
  action_id: string;
  tool: string;
  status: PendingAction['status'];
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

export function actionStatusView(a: PendingAction): ActionStatusView {
  const result = a.result && typeof a.result === 'object' && !Array.isArray(a.result) ? (a.result as Record<string, unknown>) : null;
  return {
    action_id: a.id,
    tool: a.tool,
    status: a.status,
    created_at: a.createdAt.toISOString(),
    expires_at: a.expiresAt.toISOString(),
    decided_at: iso(a.decidedAt),
    result,
    error: a.error ? { code: a.error.code, message: a.error.message } : null,
  };
}
