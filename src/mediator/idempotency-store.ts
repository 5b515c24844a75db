import { sql, type EntityManager } from '../store/index.js';
import type { IdempotencyStatus } from './idempotency-record.js';

/**
 * The SQL behind idempotency keys. Every time comparison uses the database clock (`now()`), so
 * several gateway instances with drifting clocks agree on leases and expiry.
 *
 * Why insert-first and not `SELECT ... FOR UPDATE`: a row lock would have to be held in an open
 * transaction for the whole Tasker call (up to the adapter's deadline, 30 s), pinning one pooled
 * connection per in-flight write plus one per waiting duplicate, so a burst of retries could drain
 * the pool for every other request. With insert-first, the unique primary key (agent_id,
 * idempotency_key) decides the winner in one short statement; the winner runs the write with no
 * transaction open, and the others read the row between short sleeps.
 */

export interface ClaimRequest {
  agentId: string;
  key: string;
  tool: string;
  requestHash: string;
  claimToken: string;
  decisionId: string;
  leaseMs: number;
  ttlMs: number;
}

/** The row as another caller sees it, with the clock comparisons already made by the database. */
export interface IdempotencyRow {
  tool: string;
  request_hash: string;
  status: IdempotencyStatus;
  decision_id: string;
  result: unknown;
  tasker_ref: unknown;
  expired: boolean;
}

export interface StoredOutcome {
  result: unknown;
  taskerRef: unknown;
}

const seconds = (ms: number) => ms / 1000;

/**
 * The claim itself, one text for both places that claim a key (here and the keyed write's claim
 * beside its journal entry, keyed-write-statements.ts), so they cannot disagree on when a key may
 * be taken over. `at(n)` writes the placeholder of the n-th value (1 to 8: agent, key, tool,
 * request hash, claim token, decision, lease seconds, lifetime seconds), `?` or `$n`.
 */
export function claimKeySql(at: (n: number) => string): string {
  return `insert into idempotency_records
       (agent_id, idempotency_key, tool, request_hash, status, claim_token, decision_id, created_at, lease_expires_at, expires_at)
     values (${at(1)}, ${at(2)}, ${at(3)}, ${at(4)}, 'in_progress', ${at(5)}, ${at(6)}, now(), now() + make_interval(secs => ${at(7)}), now() + make_interval(secs => ${at(8)}))
     on conflict (agent_id, idempotency_key) do update set
       tool = excluded.tool, request_hash = excluded.request_hash, status = 'in_progress',
       claim_token = excluded.claim_token, decision_id = excluded.decision_id, result = null, tasker_ref = null,
       created_at = excluded.created_at, lease_expires_at = excluded.lease_expires_at, completed_at = null,
       expires_at = excluded.expires_at
     where idempotency_records.expires_at <= now()
        or (idempotency_records.status = 'in_progress'
            and idempotency_records.lease_expires_at <= now()
            and idempotency_records.request_hash = excluded.request_hash
            and not exists (select 1 from tasker_writes w
                             where w.agent_id = idempotency_records.agent_id and w.idempotency_key = idempotency_records.idempotency_key))
     returning claim_token`;
}

const CLAIM_KEY = claimKeySql(() => '?');

/**
 * Claims a key: inserts an `in_progress` row, or replaces a row nobody may rely on any more (expired,
 * or `in_progress` past its lease with the same request and no write journaled for it, i.e. a
 * holder that stopped before sending anything). A key whose write is journaled is never taken over
 * here: the write may have landed, so the reconciler looks it up and completes or releases the key.
 * True when this caller now holds the key.
 */
export async function claimKey(em: EntityManager, c: ClaimRequest): Promise<boolean> {
  const rows = await sql<{ claim_token: string }>(
    em,
    CLAIM_KEY,
    [c.agentId, c.key, c.tool, c.requestHash, c.claimToken, c.decisionId, seconds(c.leaseMs), seconds(c.ttlMs)],
  );
  return rows.length === 1 && rows[0]!.claim_token === c.claimToken;
}

export async function readKey(em: EntityManager, agentId: string, key: string): Promise<IdempotencyRow | undefined> {
  const [row] = await sql<IdempotencyRow>(
    em,
    `select tool, request_hash, status, decision_id, result, tasker_ref, expires_at <= now() as expired
       from idempotency_records where agent_id = ? and idempotency_key = ?`,
    [agentId, key],
  );
  return row;
}

/** Stores the result of the holder's execution; false when the holder lost the key meanwhile. */
export async function completeKey(em: EntityManager, agentId: string, key: string, claimToken: string, outcome: StoredOutcome): Promise<boolean> {
  const rows = await sql(
    em,
    `update idempotency_records
        set status = 'succeeded', result = ?::jsonb, tasker_ref = ?::jsonb, completed_at = now()
      where agent_id = ? and idempotency_key = ? and claim_token = ? and status = 'in_progress'
      returning 1 as done`,
    [JSON.stringify(outcome.result), JSON.stringify(outcome.taskerRef ?? null), agentId, key, claimToken],
  );
  return rows.length === 1;
}

/** Gives a key back after a failed execution, so a retry with it runs the write again. */
export async function releaseKey(em: EntityManager, agentId: string, key: string, claimToken: string): Promise<void> {
  await sql(
    em,
    `delete from idempotency_records where agent_id = ? and idempotency_key = ? and claim_token = ? and status = 'in_progress'`,
    [agentId, key, claimToken],
  );
}

/** Deletes up to `limit` expired records; returns how many went. */
export async function purgeExpiredKeys(em: EntityManager, limit: number): Promise<number> {
  const [row] = await sql<{ purged: number }>(
    em,
    `with gone as (
       delete from idempotency_records where ctid in (
         select ctid from idempotency_records where expires_at <= now() limit ?)
       returning 1)
     select count(*)::int as purged from gone`,
    [limit],
  );
  return row?.purged ?? 0;
}
