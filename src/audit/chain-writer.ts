import type { EntityManager } from '../store/index.js';
import { pgErrorCode, runPrepared, sql, type PreparedStatement } from '../store/index.js';
import { canonicalJson } from './canonical.js';
import { GENESIS_HASH, eventHash, toRecord, type AuditEventInput, type AuditRecord, type AuditRow } from './event.js';
import { recordable, recordableString } from './recordable.js';

/** Arbitrary but fixed key of the transaction-level advisory lock that orders the chain. */
export const AUDIT_CHAIN_LOCK_KEY = 4_100_002;

const COLUMNS = 'seq, occurred_at, kind, actor_type, actor_id, agent_id, owner_user_id, subject_type, subject_id, request_id, outcome, detail, prev_hash, hash';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)';

/**
 * An event in the form the chain keeps it: every caller-given string and the detail made storable
 * (see recordable.ts), so one hostile value cannot make PostgreSQL refuse the batch it joins, and
 * the stored row is exactly what was hashed. An event without a JSON form (a bigint in its detail)
 * fails here, for its own caller only.
 */
export interface PreparedEvent {
  event: AuditEventInput;
  detail: Record<string, unknown>;
  /** The detail's canonical JSON, once computed: hashed and sent as is, whatever head it is chained behind. */
  detailJson?: string;
}

function detailJsonOf(p: PreparedEvent): string {
  return (p.detailJson ??= canonicalJson(p.detail));
}

function requiredString(name: string, s: unknown): string {
  if (typeof s !== 'string') throw new TypeError(`the audit event's ${name} must be a string`);
  return recordableString(s);
}

const optionalString = (name: string, s: unknown): string | null => (s === null || s === undefined ? null : requiredString(name, s));

export function prepareEvent(event: AuditEventInput): PreparedEvent {
  const detail = recordable(event.detail ?? {}) as Record<string, unknown>;
  const stored: AuditEventInput = {
    kind: requiredString('kind', event.kind),
    actor: { type: event.actor.type, id: requiredString('actor id', event.actor.id) },
    agentId: event.agentId ?? null,
    ownerUserId: optionalString('owner user id', event.ownerUserId),
    subject: event.subject ? { type: requiredString('subject type', event.subject.type), id: requiredString('subject id', event.subject.id) } : null,
    requestId: optionalString('request id', event.requestId),
    outcome: requiredString('outcome', event.outcome),
    detail,
  };
  // Computed here, so an event without a canonical form fails for its own caller, before any batch.
  return { event: stored, detail, detailJson: canonicalJson(detail) };
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
  return { ...unhashed, hash: eventHash(unhashed, detailJsonOf(p)) };
}

/** The last event of the chain as a writer last saw it: the next event links to it. */
export interface ChainHead {
  seq: bigint;
  hash: string;
}

const GENESIS_HEAD: ChainHead = { seq: 0n, hash: GENESIS_HASH };

/** The rows of `events` linked one after another behind `head`, all stamped with one time. */
function chainAfter(head: ChainHead, events: readonly PreparedEvent[]): AuditRow[] {
  let seq = head.seq;
  let prevHash = head.hash;
  const occurredAt = new Date();
  return events.map((p) => {
    seq += 1n;
    const row = chainedRow(p, seq, prevHash, occurredAt);
    prevHash = row.hash;
    return row;
  });
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
  const rows = chainAfter(last ? { seq: BigInt(last.seq), hash: last.hash } : GENESIS_HEAD, events);
  const params = rows.flatMap((r) => [r.seq, r.occurred_at, r.kind, r.actor_type, r.actor_id, r.agent_id, r.owner_user_id, r.subject_type, r.subject_id, r.request_id, r.outcome, JSON.stringify(r.detail), r.prev_hash, r.hash]);
  await sql(tx, `insert into audit_events (${COLUMNS}) values ${rows.map(() => ROW_PLACEHOLDERS).join(', ')}`, params);
  return rows.map(toRecord);
}

const READ_HEAD: PreparedStatement = { name: 'audit_read_head', text: 'select seq, hash from audit_events order by seq desc limit 1' };

/**
 * One statement, so one round trip and one commit: it takes the chain lock (so a writer inside a
 * transaction, which reads the head only once it holds the lock, never races it), then inserts
 * the rows. The rows were chained in memory behind the head this writer last saw; if another
 * writer appended since, the first row's seq already exists and the primary key refuses the whole
 * statement (the unique check sees committed rows whatever the statement's snapshot).
 */
const APPEND_AFTER_HEAD: PreparedStatement = {
  name: 'audit_append_after_head',
  text: `with chain_lock as materialized (select pg_advisory_xact_lock($1::bigint))
         insert into audit_events (${COLUMNS})
         select r.seq, r.occurred_at, r.kind, r.actor_type, r.actor_id, r.agent_id, r.owner_user_id, r.subject_type, r.subject_id, r.request_id, r.outcome, r.detail, r.prev_hash, r.hash
           from chain_lock cross join jsonb_to_recordset($2::jsonb) as r(
             seq bigint, occurred_at timestamptz, kind text, actor_type text, actor_id text, agent_id uuid, owner_user_id text,
             subject_type text, subject_id text, request_id text, outcome text, detail jsonb, prev_hash text, hash text)`,
};

/**
 * The rows as the JSON array APPEND_AFTER_HEAD reads, each detail written as the canonical text
 * it was hashed over (valid JSON of the same value) rather than serialised a second time.
 */
function recordsetJson(rows: readonly AuditRow[], events: readonly PreparedEvent[]): string {
  const items = rows.map((r, i) => {
    const { detail: _detail, ...columns } = r;
    const text = JSON.stringify({ ...columns, occurred_at: (r.occurred_at as Date).toISOString() });
    return `${text.slice(0, -1)},"detail":${detailJsonOf(events[i]!)}}`;
  });
  return `[${items.join(',')}]`;
}

/** The current head of the chain, read without a lock (an append behind a stale head is refused). */
export async function readChainHead(em: EntityManager): Promise<ChainHead> {
  const [last] = await runPrepared<{ seq: string; hash: string }>(em, READ_HEAD, []);
  return last ? { seq: BigInt(last.seq), hash: last.hash } : GENESIS_HEAD;
}

/** Thrown when another writer appended after the head this writer chained behind. */
export class StaleChainHead extends Error {
  constructor() {
    super('the audit chain grew since its head was read');
  }
}

/**
 * Appends events behind `head` in one round trip outside any transaction (see APPEND_AFTER_HEAD).
 * Throws StaleChainHead, having written nothing, when the chain has grown since `head` was read.
 */
export async function appendAfterHead(em: EntityManager, head: ChainHead, events: readonly PreparedEvent[]): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  const rows = chainAfter(head, events);
  try {
    await runPrepared(em, APPEND_AFTER_HEAD, [AUDIT_CHAIN_LOCK_KEY, recordsetJson(rows, events)]);
  } catch (err) {
    if (pgErrorCode(err) === '23505' && (err as { constraint?: string }).constraint === 'audit_events_pkey') throw new StaleChainHead();
    throw err;
  }
  return rows.map(toRecord);
}
