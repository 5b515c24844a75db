import type { EntityManager } from '../store/index.js';
import { sql } from '../store/index.js';
import { GENESIS_HASH, eventHash, toRecord, type AuditEventInput, type AuditRecord, type AuditRow } from './event.js';
import { canonicalJson } from './canonical.js';

/** Arbitrary but fixed key of the transaction-level advisory lock that orders the chain. */
export const AUDIT_CHAIN_LOCK_KEY = 4_100_002;

const COLUMNS = 'seq, occurred_at, kind, actor_type, actor_id, agent_id, owner_user_id, subject_type, subject_id, request_id, outcome, detail, prev_hash, hash';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)';

/**
 * An event checked to have a JSON form (so one bad event fails only its own caller, never the
 * batch it would have joined), with its detail exactly as jsonb will give it back.
 */
export interface PreparedEvent {
  event: AuditEventInput;
  detail: Record<string, unknown>;
}

export function prepareEvent(event: AuditEventInput): PreparedEvent {
  const detail = JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown>;
  canonicalJson(detail);
  return { event, detail };
}

/** Whether the transaction of `tx` already holds the chain lock (it appended before). */
export async function holdsChainLock(tx: EntityManager): Promise<boolean> {
  const rows = await sql(
    tx,
    `select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted and ((classid::bigint << 32) | objid::bigint) = ?`,
    [AUDIT_CHAIN_LOCK_KEY],
  );
  return rows.length > 0;
}

function chainedRow(p: PreparedEvent, seq: bigint, prevHash: string, occurredAt: Date): AuditRow {
  const { event } = p;
  const unhashed: Omit<AuditRow, 'hash'> = {
    seq: seq.toString(),
    occurred_at: occurredAt,
    kind: event.kind,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    agent_id: event.agentId ?? null,
    owner_user_id: event.ownerUserId ?? null,
    subject_type: event.subject?.type ?? null,
    subject_id: event.subject?.id ?? null,
    request_id: event.requestId ?? null,
    outcome: event.outcome,
    detail: p.detail,
    prev_hash: prevHash,
  };
  return { ...unhashed, hash: eventHash(unhashed) };
}

/**
 * Appends events to the chain inside the caller's open transaction: the advisory lock makes every
 * process take turns (one lock, one read of the last hash, one multi-row insert, whatever the
 * number of events), so the chain stays single and gap-free.
 */
export async function writeChained(tx: EntityManager, events: readonly PreparedEvent[]): Promise<AuditRecord[]> {
  if (!tx.isInTransaction()) throw new Error('writeChained needs an open transaction');
  if (events.length === 0) return [];
  await sql(tx, 'select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK_KEY]);
  const [last] = await sql<{ seq: string; hash: string }>(tx, 'select seq, hash from audit_events order by seq desc limit 1');
  let seq = last ? BigInt(last.seq) : 0n;
  let prevHash = last ? last.hash : GENESIS_HASH;
  const occurredAt = new Date();
  const rows = events.map((p) => {
    seq += 1n;
    const row = chainedRow(p, seq, prevHash, occurredAt);
    prevHash = row.hash;
    return row;
  });
  const params = rows.flatMap((r) => [r.seq, r.occurred_at, r.kind, r.actor_type, r.actor_id, r.agent_id, r.owner_user_id, r.subject_type, r.subject_id, r.request_id, r.outcome, JSON.stringify(r.detail), r.prev_hash, r.hash]);
  await sql(tx, `insert into audit_events (${COLUMNS}) values ${rows.map(() => ROW_PLACEHOLDERS).join(', ')}`, params);
  return rows.map(toRecord);
}
