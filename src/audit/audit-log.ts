import type { EntityManager } from '../store/index.js';
import { sql, decodeCursor, encodeCursor, type Page } from '../store/index.js';
import { GENESIS_HASH, eventHash, toRecord, type AuditEventInput, type AuditRecord, type AuditRow } from './event.js';

/** Arbitrary but fixed key of the transaction-level advisory lock that orders the chain. */
export const AUDIT_CHAIN_LOCK_KEY = 4_100_002;

export interface AuditFilter {
  agentId?: string;
  ownerUserId?: string;
  /** Exact kind, or a prefix ending in `.` or `.*` (e.g. `token.*`). */
  kind?: string;
  since?: Date;
  until?: Date;
}

interface SeqPosition extends Record<string, string | number> {
  seq: string;
}

function isSeqPosition(value: unknown): value is SeqPosition {
  return !!value && typeof value === 'object' && typeof (value as SeqPosition).seq === 'string' && /^\d{1,19}$/.test((value as SeqPosition).seq);
}

/** JSON round trip, so the hashed detail is exactly what jsonb will give back. */
function plainJson(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(detail ?? {})) as Record<string, unknown>;
}

/**
 * The append-only, hash-chained audit log. `append` must run inside the transaction of the change
 * it records, so a change and its event commit or roll back together; the advisory lock makes
 * appends from every process take turns, which keeps a single chain.
 */
export class AuditLog {
  async append(em: EntityManager, event: AuditEventInput): Promise<AuditRecord> {
    if (!em.isInTransaction()) return em.transactional((tx) => this.append(tx, event));
    await sql(em, 'select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK_KEY]);
    const [last] = await sql<{ seq: string; hash: string }>(em, 'select seq, hash from audit_events order by seq desc limit 1');
    const unhashed: Omit<AuditRow, 'hash'> = {
      seq: last ? (BigInt(last.seq) + 1n).toString() : '1',
      occurred_at: new Date(),
      kind: event.kind,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      agent_id: event.agentId ?? null,
      owner_user_id: event.ownerUserId ?? null,
      subject_type: event.subject?.type ?? null,
      subject_id: event.subject?.id ?? null,
      request_id: event.requestId ?? null,
      outcome: event.outcome,
      detail: plainJson(event.detail),
      prev_hash: last ? last.hash : GENESIS_HASH,
    };
    const row: AuditRow = { ...unhashed, hash: eventHash(unhashed) };
    await sql(
      em,
      `insert into audit_events (seq, occurred_at, kind, actor_type, actor_id, agent_id, owner_user_id, subject_type, subject_id, request_id, outcome, detail, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
      [row.seq, row.occurred_at, row.kind, row.actor_type, row.actor_id, row.agent_id, row.owner_user_id, row.subject_type, row.subject_id, row.request_id, row.outcome, JSON.stringify(row.detail), row.prev_hash, row.hash],
    );
    return toRecord(row);
  }

  /** Newest first, keyset-paginated by seq. */
  async query(em: EntityManager, filter: AuditFilter, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.agentId) (where.push('agent_id = ?'), params.push(filter.agentId));
    if (filter.ownerUserId) (where.push('owner_user_id = ?'), params.push(filter.ownerUserId));
    if (filter.kind) {
      const prefix = filter.kind.endsWith('.*') ? filter.kind.slice(0, -1) : filter.kind.endsWith('.') ? filter.kind : undefined;
      if (prefix) (where.push('starts_with(kind, ?)'), params.push(prefix));
      else (where.push('kind = ?'), params.push(filter.kind));
    }
    if (filter.since) (where.push('occurred_at >= ?'), params.push(filter.since));
    if (filter.until) (where.push('occurred_at < ?'), params.push(filter.until));
    if (cursor) (where.push('seq < ?'), params.push(decodeCursor(cursor, isSeqPosition).seq));
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const rows = await sql<AuditRow>(em, `select * from audit_events ${clause} order by seq desc limit ?`, [...params, limit + 1]);
    const items = rows.slice(0, limit).map(toRecord);
    const more = rows.length > limit;
    return { items, next_cursor: more ? encodeCursor({ seq: items[items.length - 1]!.seq }) : null };
  }
}
