/**
 * The one catalogue of error codes the gateway can return. Codes are stable API: clients and
 * the security team match on them, so a code is never renamed, only added.
 * Each code carries the HTTP status it maps to on the REST front doors.
 */
export const ERROR_CODES = {
  // request shape
  invalid_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  // identity
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  // pairing (RFC 8628 names where they apply)
  invalid_pairing_code: 400,
  pairing_locked: 429,
  authorization_pending: 400,
  slow_down: 400,
  access_denied: 400,
  expired_token: 400,
  // OAuth: a client-ID metadata document that could not be fetched or is not acceptable (context.reason says why)
  invalid_client_metadata: 400,
  // decision
  denied: 403,
  approval_pending: 202,
  policy_unavailable: 503,
  // idempotency
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  // tasker
  tasker_unavailable: 502,
  tasker_rejected: 502,
  /** Tasker refused the gateway's own API key (misconfiguration, not the agent's fault). */
  tasker_auth_failed: 502,
  /**
   * A write was sent but its answer was lost (timeout, reset) and Tasker could not yet show whether
   * it happened: the gateway records it as unknown and reconciles it later. A retry with the same
   * idempotency key gets the reconciled result. 504: Tasker did not answer in time, not "it failed".
   */
  tasker_outcome_unknown: 504,
  /** The gateway's Tasker user lacks the project membership or role for this call. */
  tasker_forbidden: 403,
  throttled: 429,
  // approvals: the gateway stopped while an approved action ran, so whether it reached Tasker is unknown
  action_interrupted: 500,
  // audit: a write was carried out but its outcome is neither in the audit chain nor in its outbox yet
  audit_unavailable: 503,
  // everything else
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code];
}
