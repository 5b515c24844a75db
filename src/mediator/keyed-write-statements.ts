/**
 * The two moments of a keyed write that touch both the idempotency record and the write journal,
 * each as ONE statement (a data-modifying CTE commits both tables or neither, like the transaction
 * it replaces) run as a named prepared statement on the pool: claiming the key with its write on
 * record, and storing the result with the write taken off the journal. A transaction around two
 * statements cost four round trips (BEGIN, two statements, COMMIT) and the ORM's transaction
 * machinery; these cost one each on a keyed write's critical path.
 */
import { runPrepared, type EntityManager, type PreparedStatement } from '../store/index.js';
import { claimKeySql, type ClaimRequest, type StoredOutcome } from './idempotency-store.js';
import type { JournalEntry } from './write-journal.js';

/**
 * The claim of idempotency-store.ts (claimKey) and the journal insert of write-journal.ts
 * (journalWrite) in one statement: the journal row is inserted only when this claim took the key.
 * The `not exists` on tasker_writes sees the journal as it was before this statement, as the
 * claim in the former transaction did.
 */
const CLAIM_AND_JOURNAL: PreparedStatement = {
  name: 'mediator_claim_and_journal',
  text: `with claimed as (
     ${claimKeySql((n) => `$${n}`)}
   ), journaled as (
     insert into tasker_writes (decision_id, agent_id, agent, idempotency_key, claim_token, tool, args, holder_lock, status, sent_at, next_check_at)
     select $9, $1, $10::jsonb, $2, claimed.claim_token, $11, $12::jsonb, $13::bigint, 'in_flight', now(), now()
       from claimed where claimed.claim_token = $5
     returning 1
   )
   select claim_token::text as claim_token, (select count(*) from journaled)::int as journaled from claimed`,
};

/** completeKey and forgetWrite in one statement; `done` says whether the record was still this claim's. */
const COMPLETE_AND_FORGET: PreparedStatement = {
  name: 'mediator_complete_and_forget',
  text: `with done as (
     update idempotency_records
        set status = 'succeeded', result = $1::jsonb, tasker_ref = $2::jsonb, completed_at = now()
      where agent_id = $3 and idempotency_key = $4 and claim_token = $5 and status = 'in_progress'
      returning 1
   ), gone as (
     delete from tasker_writes where decision_id = $6 returning 1
   )
   select (select count(*) from done)::int as done, (select count(*) from gone)::int as gone`,
};

const seconds = (ms: number) => ms / 1000;

/** Claims the key and journals its write, or neither; true when this request now holds the key. */
export async function claimAndJournal(em: EntityManager, c: ClaimRequest, e: JournalEntry): Promise<boolean> {
  const rows = await runPrepared<{ claim_token: string; journaled: number }>(em, CLAIM_AND_JOURNAL, [
    c.agentId,
    c.key,
    c.tool,
    c.requestHash,
    c.claimToken,
    c.decisionId,
    seconds(c.leaseMs),
    seconds(c.ttlMs),
    e.decisionId,
    JSON.stringify(e.agent),
    e.tool,
    JSON.stringify(e.args),
    e.holderLock,
  ]);
  const claimed = rows.length === 1 && rows[0]!.claim_token === c.claimToken;
  // Both rows or neither: a claim without its journal row would hold the key with no write on record.
  if (claimed && Number(rows[0]!.journaled) !== 1) throw new Error('the idempotency claim was made without its write journal row');
  return claimed;
}

/** Stores the write's result under the key and takes the write off the journal; false when the claim was taken over meanwhile. */
export async function completeAndForget(em: EntityManager, c: Pick<ClaimRequest, 'agentId' | 'key' | 'claimToken' | 'decisionId'>, outcome: StoredOutcome): Promise<boolean> {
  const [row] = await runPrepared<{ done: number }>(em, COMPLETE_AND_FORGET, [
    JSON.stringify(outcome.result),
    JSON.stringify(outcome.taskerRef ?? null),
    c.agentId,
    c.key,
    c.claimToken,
    c.decisionId,
  ]);
  return Number(row?.done ?? 0) === 1;
}
