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

/** `structuredContent.status` of a parked call: the branch `withPendingBranch` adds to an outputSchema. */
export const APPROVAL_PENDING_STATUS = 'approval_pending';

/** The second shape a parkable tool may answer with (see `withPendingBranch`). */
export const APPROVAL_PENDING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'action_id', 'decision_id', 'expires_at', 'next'],
  properties: {
    status: { const: APPROVAL_PENDING_STATUS },
    action_id: { type: 'string' },
    decision_id: { type: 'string' },
    expires_at: { type: 'string' },
    next: { type: 'string' },
  },
} as const;

/**
 * Parked for human approval: not a failure. Codex (and other clients) mark a call failed exactly
 * when `isError` is true, so a parked call is a normal result whose structured content is the
 * `approval_pending` branch of the tool's outputSchema (see `withPendingBranch`; SDK clients
 * validate structured content against it) and whose text tells the model the action id and what to
 * call next. REST keeps its 202.
 */
export function approvalPendingResult(outcome: Extract<ToolCallOutcome, { status: 'approval_pending' }>, _requestId: string): CallToolResult {
  const next = `Call get_action_status with action_id "${outcome.actionId}" to follow it; do not retry the call.`;
  const structured = { status: APPROVAL_PENDING_STATUS, action_id: outcome.actionId, decision_id: outcome.decisionId, expires_at: outcome.expiresAt, next };
  const text = `Pending approval: a human must approve this action before it runs (action id ${outcome.actionId}, expires at ${outcome.expiresAt}). ${next}`;
  return { content: [{ type: 'text', text }, { type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * A tool's outputSchema as `tools/list` serves it for a tool that can be parked: the success shape
 * or the `approval_pending` shape. `$defs` stay at the root so the success shape's `#/$defs/...`
 * references still resolve.
 */
export function withPendingBranch(outputSchema: Record<string, unknown>): Record<string, unknown> {
  const { $schema, $defs, ...success } = outputSchema;
  return {
    ...($schema === undefined ? {} : { $schema }),
    type: 'object',
    ...($defs === undefined ? {} : { $defs }),
    anyOf: [success, APPROVAL_PENDING_SCHEMA],
  };
}
