import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContractRegistry, ToolContract } from '../contracts/index.js';
import { GatewayError, isGatewayError } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import type { EntityManager } from '../store/index.js';
import { runToolOperation, type Actor, type ProjectScope, type TaskerAdapter } from '../tasker/index.js';
import { purgeExpiredKeys, readKey, releaseKey, type ClaimRequest, type IdempotencyRow } from './idempotency-store.js';
import { claimAndJournal, completeAndForget } from './keyed-write-statements.js';
import { resolveIdempotencyKey } from './idempotency-key.js';
import type { WriteReconciler } from './reconciler.js';
import { forgetWrite, journalWrite, markSent, markUnknown, type JournalEntry } from './write-journal.js';
import { IDEMPOTENCY_ARGUMENT, requestHash, withoutIdempotencyKey } from './request-hash.js';
import { taskerReference, type TaskerReference } from './tasker-reference.js';
import type { ActingAgent, ApprovedAction, MediatorOptions, MediatorResult, MediatorRun } from './types.js';

export interface MediatorDeps {
  /** The ORM (or anything with an entity manager); forked once per call for the idempotency records. */
  orm: { em: EntityManager };
  adapter: TaskerAdapter;
  registry: ContractRegistry;
  logger?: Logger;
}

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_IN_PROGRESS_WAIT_MS = 10_000;
export const DEFAULT_PURGE_INTERVAL_MS = 10 * 60 * 1000;
const LEASE_MARGIN_MS = 30_000;
const MAX_POLL_DELAY_MS = 200;
/** A retry waiting on a key nudges the reconciler about it at most this often. */
const RECONCILE_NUDGE_MS = 1_000;
/**
 * How long a write journaled ahead of its decision may wait for it before its `sent_at` is moved
 * up: a small part of the reconciler's 2 s crash margin (see WriteReconciler.crashSettleMs).
 */
const SENT_AT_SLACK_MS = 250;
/** First look at a write whose answer was lost; the adapter has just read Tasker back itself. */
const DEFAULT_RECHECK_MS = 2_000;

interface Outcome {
  result: unknown;
  tasker: TaskerReference | null;
}

type Claim = { kind: 'claimed'; claimToken: string } | { kind: 'stored'; row: IdempotencyRow };
/** One try at the key: taken, its record (held or used by another call), or no record at all. */
type ClaimAttempt = 'claimed' | IdempotencyRow | undefined;

/** The actor of a write carries its decision: an unkeyed create's external id derives from it. */
function actorOf(agent: ActingAgent, decisionId: string): Actor {
  return { agentId: agent.id, agentName: agent.display_name, ownerEmail: agent.owner_email, decisionId };
}

function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 100) / 100;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 0) throw new Error(`mediator option ${name} must be a non-negative number of milliseconds`);
  return chosen;
}

/** A database failure around the key: nothing has been sent to Tasker yet, so say so. */
function storeUnavailable(cause: unknown): GatewayError {
  return new GatewayError('service_unavailable', 'The gateway could not check the idempotency key; nothing was sent to Tasker. Retry with the same key.', { cause });
}

/**
 * Carries out approved actions: runs the adapter operation a tool contract names, checks the
 * result against the tool's outputSchema, and, for writes with an idempotency key, makes sure the
 * write runs at most once per (agent, key) while the key lives.
 *
 * A failed execution releases its key instead of storing the error: failures here are mostly
 * transient (Tasker down, throttled, a timeout), and a retry with the same key must be able to
 * run. A write that landed in Tasker but whose answer was lost is still safe to run again: creates
 * carry an external id derived from the agent and the key (the adapter then returns the existing
 * object); updates, transitions and cycle/module additions set the same values again; a repeated
 * delete finds nothing and answers `not_found` rather than touching anything else.
 */
export class Mediator {
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly leaseMs: number;
  private readonly holderLock: string | null;
  private readonly recheckMs: number;
  private reconciler: Pick<WriteReconciler, 'reconcileKey'> | undefined;

  constructor(
    private readonly deps: MediatorDeps,
    options: MediatorOptions = {},
  ) {
    this.logger = deps.logger ?? silentLogger();
    this.ttlMs = nonNegative(options.idempotencyTtlMs, DEFAULT_IDEMPOTENCY_TTL_MS, 'idempotencyTtlMs');
    this.waitMs = nonNegative(options.inProgressWaitMs, DEFAULT_IN_PROGRESS_WAIT_MS, 'inProgressWaitMs');
    this.leaseMs = nonNegative(options.leaseMs, deps.adapter.config.deadlineMs + LEASE_MARGIN_MS, 'leaseMs');
    this.holderLock = options.holderLock ?? null;
    this.recheckMs = nonNegative(options.recheckMs, DEFAULT_RECHECK_MS, 'recheckMs');
    // A lease shorter than a Tasker call would let a retry take over a live holder and write twice.
    if (this.leaseMs < deps.adapter.config.deadlineMs) throw new Error('mediator option leaseMs must be at least the Tasker adapter deadline');
  }

  /** Runs the action and its bookkeeping to the end. */
  async execute(action: ApprovedAction): Promise<MediatorResult> {
    const { settled, ...result } = await this.start(action);
    await settled;
    return result;
  }

  /**
   * Runs the action; a write's bookkeeping after Tasker's answer may still be running when this
   * resolves (see MediatorRun), so the caller can record the outcome at the same time.
   *
   * `recorded`, when given, is the action's decision while it is still being made durable: a write
   * claims its key (or journals itself) meanwhile, so that commit overlaps the decision's, but
   * nothing is sent to Tasker before `recorded` resolves true. On false the claim and the journal
   * row are given back before this rejects, so a retry with the key finds it free.
   */
  async start(action: ApprovedAction, recorded?: Promise<boolean>): Promise<MediatorRun> {
    const startedAt = performance.now();
    const contract = this.contractOf(action);
    const key = contract['x-gateway'].kind === 'read' ? null : resolveIdempotencyKey(action);
    if (key === null && contract['x-gateway'].kind !== 'read') return this.executeUnkeyed(contract, action, startedAt, recorded);
    if (key === null) {
      if (recorded && !(await recorded)) throw decisionNotRecorded();
      // Reads are idempotent by nature and keep no record.
      const outcome = await this.perform(contract, action.args, actorOf(action.agent, action.decisionId), action.projectScope);
      return { ...this.answer(contract, outcome, startedAt, { replayed: false, key: null, decisionId: action.decisionId }), settled: SETTLED };
    }
    return this.executeOnce(contract, action, key, startedAt, recorded);
  }

  /** Deletes up to `limit` expired idempotency records (expired ones are ignored anyway; this keeps the table small). */
  async purgeExpired(limit = 1000): Promise<number> {
    return purgeExpiredKeys(this.deps.orm.em.fork(), limit);
  }

  /**
   * Purges expired records every `intervalMs` until the returned function is called. Every
   * instance may run it: the deletes of two instances do not conflict. The timer does not keep
   * the process alive.
   */
  startPurging(intervalMs = DEFAULT_PURGE_INTERVAL_MS): () => void {
    const timer = setInterval(() => {
      this.purgeExpired().catch((err: unknown) => this.logger.warn('could not purge expired idempotency records', { error: String(err) }));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** A retry that finds its key held by a write whose outcome is unknown asks this reconciler to look now. */
  useReconciler(reconciler: Pick<WriteReconciler, 'reconcileKey'>): void {
    this.reconciler = reconciler;
  }

  /** The registry's contract is the authority; the action's copy only names the tool. Fails closed. */
  private contractOf(action: ApprovedAction): ToolContract {
    const contract = this.deps.registry.get(action.tool.name);
    if (contract['x-gateway'].handler !== 'tasker') {
      throw new GatewayError('internal_error', `The tool ${contract.name} is answered by the gateway itself, not through Tasker.`, { context: { tool: contract.name } });
    }
    // Cheap (precompiled) and it guards approvals parked long ago against a contract that changed since.
    this.deps.registry.assertArguments(contract.name, action.args);
    return contract;
  }

  /**
   * A write without a key: journaled while in flight, so an answer lost on the way is reconciled
   * later (the decision-derived external id finds a create again), though a retry cannot converge.
   */
  private async executeUnkeyed(contract: ToolContract, action: ApprovedAction, startedAt: number, recorded?: Promise<boolean>): Promise<MediatorRun> {
    const em = this.deps.orm.em.fork();
    try {
      await journalWrite(em, this.journalEntry(contract, action, action.args, null, null));
    } catch (err) {
      throw storeUnavailable(err);
    }
    await this.afterDecision(em, contract.name, action.decisionId, recorded, performance.now(), null);
    let outcome: Outcome;
    try {
      outcome = await this.perform(contract, action.args, actorOf(action.agent, action.decisionId), action.projectScope);
    } catch (err) {
      throw await this.settleFailure(em, contract.name, action.decisionId, err, null);
    }
    const settled = forgetWrite(em, action.decisionId).then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn('could not clear a finished write from the journal', { tool: contract.name, error: String(err) });
      },
    );
    return { ...this.answer(contract, outcome, startedAt, { replayed: false, key: null, decisionId: action.decisionId }), settled };
  }

  private async executeOnce(contract: ToolContract, action: ApprovedAction, key: string, startedAt: number, recorded?: Promise<boolean>): Promise<MediatorRun> {
    const em = this.deps.orm.em.fork();
    const request: ClaimRequest = {
      agentId: action.agent.id,
      key,
      tool: contract.name,
      requestHash: requestHash(contract.name, action.args),
      claimToken: randomUUID(),
      decisionId: action.decisionId,
      leaseMs: this.leaseMs,
      ttlMs: this.ttlMs,
    };
    // The adapter derives a create's external id from the key, so Tasker itself also refuses a duplicate.
    const adapterArgs = { ...withoutIdempotencyKey(action.args), [IDEMPOTENCY_ARGUMENT]: key };
    const entry = this.journalEntry(contract, action, adapterArgs, key, request.claimToken);
    // The first attempt runs while the decision commits (when the caller overlaps them); only a
    // recorded decision may keep what it claimed.
    const first = await this.claimOrRead(em, request, entry);
    if (first === 'claimed') await this.afterDecision(em, contract.name, action.decisionId, recorded, performance.now(), request);
    else if (recorded && !(await recorded)) throw decisionNotRecorded();
    const claim = await this.claimOrWait(em, request, entry, first);
    if (claim.kind === 'stored') {
      const outcome = { result: claim.row.result, tasker: (claim.row.tasker_ref as TaskerReference | null) ?? null };
      return { ...this.answer(contract, outcome, startedAt, { replayed: true, key, decisionId: claim.row.decision_id }), settled: SETTLED };
    }
    let outcome: Outcome;
    try {
      outcome = await this.perform(contract, adapterArgs, actorOf(action.agent, action.decisionId), action.projectScope, true);
    } catch (err) {
      throw await this.settleFailure(em, contract.name, action.decisionId, err, request);
    }
    const settled = this.store(em, request, outcome);
    return { ...this.answer(contract, outcome, startedAt, { replayed: false, key, decisionId: action.decisionId }), settled };
  }

  /**
   * Waits for the decision a write was journaled (and its key claimed) ahead of. Not recorded: the
   * journal row and the claim are given back, and this throws. After a long wait the row's
   * `sent_at` is moved up to now, since the reconciler times a crashed write's settle window from
   * it and the write is only sent now.
   */
  private async afterDecision(em: EntityManager, tool: string, decisionId: string, recorded: Promise<boolean> | undefined, journaledAt: number, request: ClaimRequest | null): Promise<void> {
    if (!recorded) return;
    if (!(await recorded)) throw await this.settleFailure(em, tool, decisionId, decisionNotRecorded(), request);
    if (performance.now() - journaledAt < SENT_AT_SLACK_MS) return;
    try {
      await markSent(em, decisionId);
    } catch (err) {
      throw await this.settleFailure(em, tool, decisionId, storeUnavailable(err), request);
    }
  }

  private journalEntry(contract: ToolContract, action: ApprovedAction, args: Record<string, unknown>, key: string | null, claimToken: string | null): JournalEntry {
    return { decisionId: action.decisionId, agent: action.agent, idempotencyKey: key, claimToken, tool: contract.name, args, holderLock: this.holderLock };
  }

  /**
   * A failed write. Outcome unknown: the write stays journaled and its key held, for the reconciler
   * (a retry with the key then gets what it finds). Any other failure is final: nothing landed, so
   * the journal row goes and the key is given back for a retry. Returns the error to throw.
   */
  private async settleFailure(em: EntityManager, tool: string, decisionId: string, err: unknown, request: ClaimRequest | null): Promise<unknown> {
    if (isGatewayError(err) && err.code === 'tasker_outcome_unknown') {
      await markUnknown(em, decisionId, this.recheckMs).catch((markError: unknown) => {
        // The row stays in flight; the reconciler takes it once it outlives a live write.
        this.logger.error('could not mark a write as unknown', { tool, error: String(markError) });
      });
      return outcomeUnknown(tool, decisionId, err, request !== null);
    }
    await em
      .transactional(async (tx) => {
        if (request) await releaseKey(tx, request.agentId, request.key, request.claimToken);
        await forgetWrite(tx, decisionId);
      })
      .catch((releaseError: unknown) => {
        // The journal row stays in flight; the reconciler finds nothing landed and releases the key.
        this.logger.warn('could not release an idempotency key after a failed write', { tool, error: String(releaseError) });
      });
    return err;
  }

  /**
   * Claims the key, or finds the stored result of an earlier call with it. While another call holds
   * the key, polls with growing pauses until it finishes (its result is returned), fails (the key
   * is free again and this call claims it) or the wait is over (`idempotency_in_progress`). A key
   * whose holder is gone, or whose write's outcome is unknown, is looked up in Tasker meanwhile
   * (through the reconciler), so a retry after a crash is answered as soon as Tasker can tell.
   */
  private async claimOrWait(em: EntityManager, request: ClaimRequest, entry: JournalEntry, first: ClaimAttempt): Promise<Claim> {
    const giveUpAt = Date.now() + this.waitMs;
    let nudgedAt = 0;
    for (let attempt = 0; ; attempt += 1) {
      const row = attempt === 0 ? first : await this.claimOrRead(em, request, entry);
      if (row === 'claimed') return { kind: 'claimed', claimToken: request.claimToken };
      if (row && !row.expired) {
        if (row.request_hash !== request.requestHash) throw keyReused(request.key, row.tool);
        if (row.status === 'succeeded') return { kind: 'stored', row };
      }
      if (this.reconciler && Date.now() - nudgedAt >= RECONCILE_NUDGE_MS) {
        nudgedAt = Date.now();
        await this.reconciler.reconcileKey(request.agentId, request.key).catch((err: unknown) => this.logger.warn('could not reconcile a held key', { error: String(err) }));
        continue;
      }
      if (Date.now() >= giveUpAt) throw keyInProgress(request.tool);
      await sleep(Math.min(10 * 2 ** attempt, MAX_POLL_DELAY_MS));
    }
  }

  /**
   * Claims the key and journals its write in one statement, so a held key always has its write on
   * record; when the key is held or used, reads its record (a statement of its own: at read
   * committed it would have taken a fresh snapshot inside a transaction too).
   */
  private async claimOrRead(em: EntityManager, request: ClaimRequest, entry: JournalEntry): Promise<ClaimAttempt> {
    try {
      if (await claimAndJournal(em, request, entry)) return 'claimed';
      return await readKey(em, request.agentId, request.key);
    } catch (err) {
      throw storeUnavailable(err);
    }
  }

  /**
   * The write happened; failing to record it must not turn a success into an error for the caller.
   * The key is then given back (a retry runs again, which the adapter keeps safe) rather than left
   * `in_progress` to block retries until its lease ends.
   */
  private async store(em: EntityManager, request: ClaimRequest, outcome: Outcome): Promise<void> {
    try {
      const stored = await completeAndForget(em, request, { result: outcome.result, taskerRef: outcome.tasker });
      if (!stored) this.logger.warn('an idempotency key was taken over while its write ran', { tool: request.tool });
    } catch (err) {
      this.logger.error('could not store the result of a keyed write', { tool: request.tool, error: String(err) });
      await releaseKey(em, request.agentId, request.key, request.claimToken).catch(() => undefined);
    }
  }

  /** Runs the adapter operation and checks its answer; Tasker failures arrive as GatewayErrors with stable codes. */
  private async perform(contract: ToolContract, args: Record<string, unknown>, actor: Actor, scope: ProjectScope, asStored = false): Promise<Outcome> {
    let raw: unknown;
    try {
      raw = await runToolOperation(this.deps.adapter, contract['x-gateway'].operation, args, actor, scope);
    } catch (err) {
      if (isGatewayError(err)) throw err;
      this.logger.error('the Tasker adapter failed unexpectedly', { tool: contract.name, error: String(err) });
      throw new GatewayError('internal_error', 'The gateway could not complete the Tasker call.', { cause: err, context: { tool: contract.name } });
    }
    // A stored result is replayed from JSON; the first answer takes the same form so both are identical.
    const result = asStored ? JSON.parse(JSON.stringify(raw ?? null)) : raw;
    const check = this.deps.registry.validateResult(contract.name, result);
    if (!check.ok) {
      this.logger.error('a Tasker result does not match the tool output contract', { tool: contract.name, fields: check.fields });
      throw new GatewayError('internal_error', `Tasker's answer for ${contract.name} did not match the tool's output contract, so it was not passed on.`, {
        context: { tool: contract.name, reason: 'result_contract' },
      });
    }
    return { result, tasker: taskerReference(result) };
  }

  private answer(contract: ToolContract, outcome: Outcome, startedAt: number, how: { replayed: boolean; key: string | null; decisionId: string }): MediatorResult {
    return {
      tool: contract.name,
      result: outcome.result,
      tasker: outcome.tasker,
      latencyMs: elapsedMs(startedAt),
      replayed: how.replayed,
      idempotencyKey: how.key,
      executedUnderDecisionId: how.decisionId,
    };
  }
}

/** The bookkeeping of a read or a replay: nothing left to do. */
const SETTLED: Promise<void> = Promise.resolve();

function keyReused(key: string, previousTool: string): GatewayError {
  return new GatewayError(
    'idempotency_key_reused',
    `The idempotency key ${key} was already used for a different request (${previousTool} with other arguments). Use a new key for a new write; reuse a key only to retry the identical call.`,
    { fields: [{ pointer: `/${IDEMPOTENCY_ARGUMENT}`, message: 'already used for a different request' }], context: { previous_tool: previousTool } },
  );
}

/** The write's outcome is recorded as unknown and will be reconciled; the message says what to do. */
function outcomeUnknown(tool: string, decisionId: string, cause: GatewayError, keyed: boolean): GatewayError {
  const next = keyed
    ? 'Retry with the same idempotency key: once the gateway has looked again, the retry returns the result, or runs the write if it did not happen.'
    : 'This call had no idempotency key, so a retry cannot be matched with it: check Tasker before sending it again, and retry with the same idempotency key next time.';
  return new GatewayError('tasker_outcome_unknown', `Tasker did not confirm whether ${tool} happened (${cause.message}) It is recorded as unknown under decision ${decisionId} and will be checked again. ${next}`, {
    cause,
    context: { ...cause.context, tool, decision_id: decisionId },
  });
}

/** The decision an overlapped write waited for was not recorded: the write was not sent, and fails closed. */
function decisionNotRecorded(): GatewayError {
  return new GatewayError('internal_error', 'The decision for this write could not be recorded, so the write was not sent to Tasker.');
}

function keyInProgress(tool: string): GatewayError {
  return new GatewayError('idempotency_in_progress', `An earlier ${tool} call with this idempotency key is still running; retry with the same key shortly to get its result.`, {
    context: { tool },
  });
}
