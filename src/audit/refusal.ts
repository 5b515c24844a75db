import { pgErrorCode } from '../store/index.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { PreparedEvent } from './chain-writer.js';
import type { AuditEventInput } from './event.js';

/** The kind of the event that records another event the database refused. */
export const REFUSED_EVENT_KIND = 'audit.event_refused';

/**
 * SQLSTATE classes an event's own content can cause: data exceptions (22: a malformed uuid, a
 * string too long), integrity violations (23: a NOT NULL or CHECK column), program limits (54: an
 * index row too large) and errors raised by triggers (P0). Anything else (a lost connection, a
 * shutdown, a deadlock) is the database's state, not one event's fault: splitting the batch would
 * only repeat the failure.
 */
const EVENT_FAULT_CLASSES = new Set(['22', '23', '54', 'P0']);

export function isEventFault(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code !== undefined && EVENT_FAULT_CLASSES.has(code.slice(0, 2));
}

const MAX_ERROR_TEXT = 300;

/**
 * An error's message, short enough for a record. The driver writes the statement first and the
 * database's reason last (`insert ... - invalid input syntax for type uuid`), so the end is kept.
 */
export function errorSummary(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length <= MAX_ERROR_TEXT ? message : `…${message.slice(-MAX_ERROR_TEXT)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The event recording that `source` (as `refused`, its stored form) could not be written: its
 * columns go into the detail (not into columns, one of which may be what the database refused)
 * with a digest of its stored detail. Built from the caller's event, so nothing is encoded twice.
 */
export function refusalEvent(source: AuditEventInput, refused: PreparedEvent, err: unknown): AuditEventInput {
  const e = source;
  const agentId = typeof e.agentId === 'string' && UUID.test(e.agentId) ? e.agentId : null;
  return {
    kind: REFUSED_EVENT_KIND,
    actor: { type: 'system', id: 'audit' },
    agentId,
    requestId: e.requestId ?? null,
    outcome: 'failure',
    detail: {
      refused: {
        kind: e.kind,
        actor: e.actor,
        agent_id: e.agentId ?? null,
        owner_user_id: e.ownerUserId ?? null,
        subject: e.subject ?? null,
        request_id: e.requestId ?? null,
        outcome: e.outcome,
        detail_sha256: sha256Hex(canonicalJson(refused.detail)),
      },
      error: { sqlstate: pgErrorCode(err) ?? null, message: errorSummary(err) },
    },
  };
}
