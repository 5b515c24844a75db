import { asDate, decodeCursor, encodeCursor, isCreatedPosition, sql, type EntityManager, type Page } from '../store/index.js';
import type { ActionReason, ActionResource, PendingAction, PendingActionStatus } from './pending-action.js';

/** A row of `pending_actions` as raw queries return it (jsonb parsed, timestamps possibly text). */
interface ActionRow {
  id: string;
  agent_id: string;
  owner_user_id: string;
  token_id: string;
  tool: string;
  args: Record<string, unknown>;
  args_sha256: string;
  resource: ActionResource;
  decision_id: string;
  idempotency_key: string | null;
  transport: 'mcp' | 'rest';
  request_id: string | null;
  approval_reasons: ActionReason[];
  status: PendingActionStatus;
  created_at: Date | string;
  expires_at: Date | string;
  decided_at: Date | string | null;
  decided_by: string | null;
  decision_note: string | null;
  result: unknown;
  error: PendingAction['error'];
  completed_at: Date | string | null;
  holder_lock: string | null;
}

function toAction(row: ActionRow): PendingAction {
  return {
    id: row.id,
    agentId: row.agent_id,
    ownerUserId: row.owner_user_id,
    tokenId: row.token_id,
    tool: row.tool,
    args: row.args,
    argsSha256: row.args_sha256,
    resource: row.resource,
    decisionId: row.decision_id,
    idempotencyKey: row.idempotency_key,
    transport: row.transport,
    requestId: row.request_id,
    approvalReasons: row.approval_reasons,
    status: row.status,
    createdAt: asDate(row.created_at),
    expiresAt: asDate(row.expires_at),
    decidedAt: asDate(row.decided_at),
    decidedBy: row.decided_by,
    decisionNote: row.decision_note,
    result: row.result ?? null,
    error: row.error ?? null,
    completedAt: asDate(row.completed_at),
    holderLock: row.holder_lock ?? null,
  };
}

/** What the pipeline hands over when the policy asks for the owner's approval: the action's own fields. */
export type ParkInput = Pick<PendingAction, 'agentId' | 'ownerUserId' | 'tokenId' | 'tool' | 'args' | 'argsSha256' | 'resource' | 'decisionId' | 'transport' | 'approvalReasons'> & {
  idempotencyKey: string | null;
  requestId: string | null;
};

export interface NewPendingAction extends ParkInput {
  id: string;
  ttlMs: number;
}

/**
 * Inserts the action, unless the agent already has an open (pending or running) action under the
 * same idempotency key: then that one is returned and nothing is inserted.
 */
export async function insertAction(em: EntityManager, a: NewPendingAction): Promise<{ inserted: boolean; action: PendingAction }> {
  const [row] = await sql<ActionRow>(
    em,
    `insert into pending_actions (id, agent_id, owner_user_id, token_id, tool, args, args_sha256, resource, decision_id, idempotency_key, transport, request_id, approval_reasons, status, created_at, expires_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, 'pending', date_trunc('milliseconds', now()), date_trunc('milliseconds', now()) + ? * interval '1 millisecond')
     on conflict (agent_id, idempotency_key) where idempotency_key is not null and status in ('pending', 'running') do nothing
     returning *`,
    [a.id, a.agentId, a.ownerUserId, a.tokenId, a.tool, JSON.stringify(a.args), a.argsSha256, JSON.stringify(a.resource), a.decisionId, a.idempotencyKey, a.transport, a.requestId, JSON.stringify(a.approvalReasons), a.ttlMs],
  );
  if (row) return { inserted: true, action: toAction(row) };
  const [open] = await sql<ActionRow>(em, `select * from pending_actions where agent_id = ? and idempotency_key = ? and status in ('pending', 'running')`, [a.agentId, a.idempotencyKey]);
  if (!open) throw new Error('pending action key conflict without an open action');
  return { inserted: false, action: toAction(open) };
}

export async function findAction(em: EntityManager, id: string): Promise<PendingAction | undefined> {
  const [row] = await sql<ActionRow>(em, 'select * from pending_actions where id = ?', [id]);
  return row ? toAction(row) : undefined;
}

/**
 * pending -> running, only while pending and not yet expired. Exactly one caller gets the row.
 * `holderLock` names the gateway that runs it (its InstanceLock), so a crash is noticed at once.
 */
export async function claimForRun(em: EntityManager, id: string, decidedBy: string, note: string | null, holderLock: string | null = null): Promise<PendingAction | undefined> {
  const [row] = await sql<ActionRow>(
    em,
    `update pending_actions set status = 'running', decided_at = now(), decided_by = ?, decision_note = ?, holder_lock = ?::bigint
      where id = ? and status = 'pending' and expires_at > now() returning *`,
    [decidedBy, note, holderLock, id],
  );
  return row ? toAction(row) : undefined;
}

/** pending -> denied, only while pending and not yet expired. */
export async function denyPending(em: EntityManager, id: string, decidedBy: string, note: string | null): Promise<PendingAction | undefined> {
  const [row] = await sql<ActionRow>(
    em,
    `update pending_actions set status = 'denied', decided_at = now(), decided_by = ?, decision_note = ?, completed_at = now()
      where id = ? and status = 'pending' and expires_at > now() returning *`,
    [decidedBy, note, id],
  );
  return row ? toAction(row) : undefined;
}

/** running -> succeeded | failed, with the result or the error. */
export async function completeRun(em: EntityManager, id: string, outcome: { result: unknown } | { error: NonNullable<PendingAction['error']> }): Promise<PendingAction | undefined> {
  const succeeded = 'result' in outcome;
  const [row] = await sql<ActionRow>(
    em,
    `update pending_actions set status = ?, result = ?::jsonb, error = ?::jsonb, completed_at = now()
      where id = ? and status = 'running' returning *`,
    [succeeded ? 'succeeded' : 'failed', succeeded ? JSON.stringify(outcome.result ?? null) : null, succeeded ? null : JSON.stringify(outcome.error), id],
  );
  return row ? toAction(row) : undefined;
}

/**
 * pending -> expired for actions past their time (one action when `id` is given). Rows another
 * transaction is changing are skipped, so concurrent sweepers never expire one action twice.
 */
export async function expireDue(em: EntityManager, limit: number, id?: string): Promise<PendingAction[]> {
  const rows = await sql<ActionRow>(
    em,
    `update pending_actions set status = 'expired', completed_at = now()
      where id in (select id from pending_actions
                    where status = 'pending' and expires_at <= now() ${id ? 'and id = ?' : ''}
                    order by expires_at limit ? for update skip locked)
        and status = 'pending'
      returning *`,
    id ? [id, limit] : [limit],
  );
  return rows.map(toAction);
}

/**
 * running -> failed for actions whose run started more than `olderThanMs` ago: a run is bounded by
 * the Tasker adapter's deadline, so one still `running` long after it was left behind by a gateway
 * that stopped mid-run. Rows another transaction is changing are skipped.
 */
export async function failInterruptedRuns(em: EntityManager, olderThanMs: number, limit: number, error: NonNullable<PendingAction['error']>): Promise<PendingAction[]> {
  const rows = await sql<ActionRow>(
    em,
    `update pending_actions set status = 'failed', error = ?::jsonb, completed_at = now()
      where id in (select id from pending_actions
                    where status = 'running' and decided_at < now() - make_interval(secs => ?)
                    order by decided_at limit ? for update skip locked)
        and status = 'running'
      returning *`,
    [JSON.stringify(error), olderThanMs / 1000, limit],
  );
  return rows.map(toAction);
}

/** Holders of running actions other than `own`, for the liveness check. */
export async function runningHolders(em: EntityManager, own: string | null, limit: number): Promise<string[]> {
  const rows = await sql<{ holder: string }>(
    em,
    `select distinct holder_lock::text as holder from pending_actions
      where status = 'running' and holder_lock is not null and holder_lock is distinct from ?::bigint and holder_lock <> ?::bigint limit ?`,
    [own, OUTCOME_UNKNOWN_HOLDER, limit],
  );
  return rows.map((r) => r.holder);
}

/** `holder_lock` of a running action whose run ended with its outcome unknown: nobody runs it any more. */
export const OUTCOME_UNKNOWN_HOLDER = '0';

/**
 * Running actions nobody is running: their holder is gone, their run ended with an unknown outcome
 * (OUTCOME_UNKNOWN_HOLDER), or they have no holder (an older gateway ran them) and were approved
 * more than `unheldAfterMs` ago.
 */
export async function orphanedRuns(em: EntityManager, goneHolders: readonly string[], unheldAfterMs: number, limit: number): Promise<PendingAction[]> {
  const rows = await sql<ActionRow>(
    em,
    `select * from pending_actions
      where status = 'running'
        and (holder_lock = any(?::bigint[]) or holder_lock = ?::bigint or (holder_lock is null and decided_at < now() - make_interval(secs => ?)))
      order by decided_at limit ?`,
    [`{${goneHolders.join(',')}}`, OUTCOME_UNKNOWN_HOLDER, unheldAfterMs / 1000, limit],
  );
  return rows.map(toAction);
}

/** A running action whose outcome is unknown: no gateway holds it any more, so the reconciler takes it. */
export async function releaseRun(em: EntityManager, id: string): Promise<void> {
  await sql(em, `update pending_actions set holder_lock = ?::bigint where id = ? and status = 'running'`, [OUTCOME_UNKNOWN_HOLDER, id]);
}

/**
 * The decision under which an approved action ran (the pipeline records it, naming the action,
 * before the write is sent); none means the run never got as far as Tasker.
 */
export async function runDecisionOf(em: EntityManager, actionId: string): Promise<string | null> {
  const [row] = await sql<{ decision_id: string }>(
    em,
    `select detail->>'decision_id' as decision_id from audit_events
      where kind = 'decision' and detail->>'approved_action' = ? and outcome = 'success'
      order by seq desc limit 1`,
    [actionId],
  );
  return row?.decision_id ?? null;
}

export interface ActionFilter {
  agentId?: string;
  ownerUserId?: string;
  status?: PendingActionStatus;
}

/** Newest first, keyset-paginated by (created_at, id). */
export async function listActions(em: EntityManager, filter: ActionFilter, limit: number, cursor?: string): Promise<Page<PendingAction>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.agentId) (where.push('agent_id = ?'), params.push(filter.agentId));
  if (filter.ownerUserId) (where.push('owner_user_id = ?'), params.push(filter.ownerUserId));
  if (filter.status) (where.push('status = ?'), params.push(filter.status));
  if (cursor) {
    const position = decodeCursor(cursor, isCreatedPosition);
    where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
    params.push(position.t, position.id);
  }
  const clause = where.length ? `where ${where.join(' and ')}` : '';
  const rows = await sql<ActionRow>(em, `select * from pending_actions ${clause} order by created_at desc, id desc limit ?`, [...params, limit + 1]);
  const items = rows.slice(0, limit).map(toAction);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null };
}
