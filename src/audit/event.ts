import { asDate } from '../store/index.js';
import { canonicalObjectOf, sha256Hex } from './canonical.js';

export type ActorType = 'user' | 'agent' | 'service' | 'system' | 'anonymous';

/** Who caused an event: a human (via Launcher), an agent, the gateway itself, or nobody known. */
export interface Actor {
  type: ActorType;
  id: string;
}

/** What a caller hands to `AuditLog.append`. */
export interface AuditEventInput {
  /** Dotted kind, e.g. `agent.created`, `token.rotated`, `pairing.exchanged`, `decision`, `outcome`. */
  kind: string;
  actor: Actor;
  agentId?: string | null;
  ownerUserId?: string | null;
  subject?: { type: string; id: string } | null;
  requestId?: string | null;
  /** `success`, `failure`, `denied`, `pending`... */
  outcome: string;
  /** Extra JSON detail; never a secret. */
  detail?: Record<string, unknown>;
}

/** An event as stored and as the API shows it. */
export interface AuditRecord {
  seq: string;
  occurred_at: string;
  kind: string;
  actor: Actor;
  agent_id: string | null;
  owner_user_id: string | null;
  subject: { type: string; id: string } | null;
  request_id: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The hash of the (non-existent) event before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored row, as PostgreSQL returns it. */
export interface AuditRow {
  seq: string;
  /** A Date when built in memory; PostgreSQL text when read back raw. */
  occurred_at: Date | string;
  kind: string;
  actor_type: string;
  actor_id: string;
  agent_id: string | null;
  owner_user_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  request_id: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The hashed columns in RFC 8785 order (sorted by UTF-16 code units), so no row needs sorting. */
const HASHED_KEYS = ['actor_id', 'actor_type', 'agent_id', 'detail', 'kind', 'occurred_at', 'outcome', 'owner_user_id', 'prev_hash', 'request_id', 'seq', 'subject_id', 'subject_type'] as const;

/**
 * Everything of a row except its own hash: the text the hash is computed over (the canonical JSON
 * of those columns). `detailJson`: the detail's canonical text when the caller already has it.
 */
export function hashInput(row: Omit<AuditRow, 'hash'>, detailJson?: string): string {
  return canonicalObjectOf({
    seq: String(row.seq),
    occurred_at: asDate(row.occurred_at).toISOString(),
    kind: row.kind,
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    agent_id: row.agent_id,
    owner_user_id: row.owner_user_id,
    subject_type: row.subject_type,
    subject_id: row.subject_id,
    request_id: row.request_id,
    outcome: row.outcome,
    detail: row.detail,
    prev_hash: row.prev_hash,
  }, HASHED_KEYS, detailJson === undefined ? {} : { detail: detailJson });
}

export function eventHash(row: Omit<AuditRow, 'hash'>, detailJson?: string): string {
  return sha256Hex(hashInput(row, detailJson));
}

export function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: String(row.seq),
    occurred_at: asDate(row.occurred_at).toISOString(),
    kind: row.kind,
    actor: { type: row.actor_type as ActorType, id: row.actor_id },
    agent_id: row.agent_id,
    owner_user_id: row.owner_user_id,
    subject: row.subject_type && row.subject_id ? { type: row.subject_type, id: row.subject_id } : null,
    request_id: row.request_id,
    outcome: row.outcome,
    detail: row.detail,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}
