import { sql, type EntityManager } from '../store/index.js';
import type { ActingAgent } from './types.js';

/**
 * The write journal (`tasker_writes`, migration 0070): a row for every Tasker write whose outcome
 * is not known yet, written before the write is sent and removed once its outcome is known. What
 * it holds is what a later look at Tasker needs: the tool, its arguments, the agent, the decision
 * (the external id of an unkeyed create derives from it) and the idempotency claim to settle.
 */

export interface JournalEntry {
  decisionId: string;
  agent: ActingAgent;
  idempotencyKey: string | null;
  claimToken: string | null;
  tool: string;
  args: Record<string, unknown>;
  /** The InstanceLock key of the gateway running it; null when the mediator runs without one. */
  holderLock: string | null;
}

/** A journal row as the reconciler reads it, with the clock comparisons made by the database. */
export interface JournalRow {
  decision_id: string;
  agent: ActingAgent;
  idempotency_key: string | null;
  claim_token: string | null;
  tool: string;
  args: Record<string, unknown>;
  holder_lock: string | null;
  status: 'in_flight' | 'unknown';
  checks: number;
  /** Milliseconds since the row was written (just before the write was sent). */
  age_ms: number;
}

const COLUMNS = `decision_id, agent, idempotency_key, claim_token::text as claim_token, tool, args, holder_lock::text as holder_lock, status, checks,
  (extract(epoch from now() - sent_at) * 1000)::float8 as age_ms`;

export async function journalWrite(em: EntityManager, e: JournalEntry): Promise<void> {
  await sql(
    em,
    `insert into tasker_writes (decision_id, agent_id, agent, idempotency_key, claim_token, tool, args, holder_lock, status, sent_at, next_check_at)
     values (?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::bigint, 'in_flight', now(), now())`,
    [e.decisionId, e.agent.id, JSON.stringify(e.agent), e.idempotencyKey, e.claimToken, e.tool, JSON.stringify(e.args), e.holderLock],
  );
}

/** The write's outcome is known: its row goes. True when this caller removed it (and so reports it). */
export async function forgetWrite(em: EntityManager, decisionId: string): Promise<boolean> {
  const rows = await sql(em, 'delete from tasker_writes where decision_id = ? returning 1 as gone', [decisionId]);
  return rows.length === 1;
}

/** The write is being sent only now (it was journaled ahead of its decision, which took a while). */
export async function markSent(em: EntityManager, decisionId: string): Promise<void> {
  await sql(em, `update tasker_writes set sent_at = now() where decision_id = ? and status = 'in_flight'`, [decisionId]);
}

/** The write's answer was lost: left for the reconciler, first looked at after `recheckMs`. */
export async function markUnknown(em: EntityManager, decisionId: string, recheckMs: number): Promise<void> {
  await sql(em, `update tasker_writes set status = 'unknown', next_check_at = now() + make_interval(secs => ?) where decision_id = ?`, [recheckMs / 1000, decisionId]);
}

/** Holders of in-flight writes other than `own`, for the liveness check. */
export async function inFlightHolders(em: EntityManager, own: string | null, limit: number): Promise<string[]> {
  const rows = await sql<{ holder: string }>(
    em,
    `select distinct holder_lock::text as holder from tasker_writes
      where status = 'in_flight' and holder_lock is not null and holder_lock is distinct from ?::bigint limit ?`,
    [own, limit],
  );
  return rows.map((r) => r.holder);
}

/**
 * Takes up to `limit` rows due for a look, and pushes their next look `holdMs` ahead so no other
 * reconciler takes them meanwhile. Due: unknown rows past their next look; in-flight rows whose
 * holder is gone (`goneHolders`), or that outlived the longest a live holder can take (`staleMs`:
 * its key would otherwise stay blocked by a holder that lost track of it).
 */
export async function takeDue(em: EntityManager, goneHolders: readonly string[], staleMs: number, holdMs: number, limit: number, only?: { agentId: string; key: string }): Promise<JournalRow[]> {
  const gone = `{${goneHolders.join(',')}}`;
  return sql<JournalRow>(
    em,
    `update tasker_writes set next_check_at = now() + make_interval(secs => ?), checks = checks + 1
      where decision_id in (
        select decision_id from tasker_writes
         where next_check_at <= now()
           and (status = 'unknown'
                or holder_lock = any(?::bigint[])
                or sent_at <= now() - make_interval(secs => ?))
           ${only ? 'and agent_id = ? and idempotency_key = ?' : ''}
         order by next_check_at limit ? for update skip locked)
      returning ${COLUMNS}`,
    [holdMs / 1000, gone, staleMs / 1000, ...(only ? [only.agentId, only.key] : []), limit],
  );
}

/** The next look at a row still undecided: `afterMs` from now. */
export async function deferWrite(em: EntityManager, decisionId: string, afterMs: number): Promise<void> {
  await sql(em, 'update tasker_writes set next_check_at = now() + make_interval(secs => ?) where decision_id = ?', [afterMs / 1000, decisionId]);
}
