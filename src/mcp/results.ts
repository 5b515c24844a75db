import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toErrorBody, type GatewayError } from '../errors/index.js';
import type { ToolCallOutcome } from './pipeline-port.js';

/** Where a write's outcome event is, in `_meta` (the structured content must match the tool's outputSchema). */
export const AUDIT_OUTCOME_META = 'nodedc.dev/audit_outcome';

const PENDING_NOTE =
  'Note: this action was carried out; its outcome is kept in the gateway\'s audit outbox and will be appended to the audit log shortly (the audit log could not take it at once).';

/**
 * A successful call: the result as structured content (valid against the tool's outputSchema) and
 * as text. A write also says where its outcome event is; when it is only kept in the outbox, a
 * second text block tells the model too.
 */
export function successResult(result: unknown, auditOutcome?: 'recorded' | 'pending'): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(result) }, ...(auditOutcome === 'pending' ? [{ type: 'text' as const, text: PENDING_NOTE }] : [])],
    structuredContent: result as Record<string, unknown>,
    ...(auditOutcome ? { _meta: { [AUDIT_OUTCOME_META]: auditOutcome } } : {}),
  };
}

/**
 * A failure the model should see and act on (denied, invalid arguments, Tasker errors, ...):
 * `isError: true` with the uniform error body as JSON text. There is deliberately no
 * `structuredContent`: it would have to match the tool's outputSchema, which describes successes
 * (and MCP SDK clients reject a result whose structured content does not match).
 */
export function errorResult(err: GatewayError, requestId: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(toErrorBody(err, requestId)) }] };
}

/**
 * Parked for human approval. Reported as an error result (the tool's output does not exist yet and
 * the outputSchema cannot be met) with code `approval_pending`, so a model does not mistake it for
 * success; the body names the action id to pass to `get_action_status`.
 */
export function approvalPendingResult(outcome: Extract<ToolCallOutcome, { status: 'approval_pending' }>, requestId: string): CallToolResult {
  const expiresAt = outcome.expiresAt;
  const body = {
    error: {
      code: 'approval_pending',
      message: `A human must approve this action before it runs. Call get_action_status with action_id "${outcome.actionId}" to follow it; it expires at ${expiresAt}.`,
      context: { action_id: outcome.actionId, decision_id: outcome.decisionId, expires_at: expiresAt },
      request_id: requestId,
    },
  };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
}
