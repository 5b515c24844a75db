import { randomUUID } from 'node:crypto';
import type { Actor, AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import type { ActingContext } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { EntityManager, Orm, Page } from '../store/index.js';
import type { ActionReason, PendingAction } from './pending-action.js';
import {
  claimForRun, completeRun, denyPending, expireDue, failInterruptedRuns, findAction, insertAction, listActions, orphanedRuns, releaseRun, runDecisionOf, runningHolders,
  type ActionFilter, type ParkInput,
} from './store.js';

export type { ParkInput };

/** What running an approved action came to; the runner records its own decision and outcome. */
export type ApprovedActionOutcome = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; reasons?: ActionReason[] } };

/** Carries out an action the owner approved (the decision stage: policy re-check, mediator, audit). */
export interface ApprovedActionRunner {
  runApproved(action: PendingAction, ctx: ActingContext): Promise<ApprovedActionOutcome>;
}


/**
 * `parked`: a new pending action. `existing`: the agent retried with the idempotency key of an
 * action still open, with the same arguments; that action stands. `key_reused`: same key, other arguments.
 */
export type ParkResult = { kind: 'parked' | 'existing' | 'key_reused'; action: PendingAction };

/** What Tasker says about the write of an approved action whose run nobody finished. */
export type RunCheck = { landed: true; result: unknown } | { landed: false; settled: boolean };

/**
 * How approved actions left running are settled against Tasker instead of failed blindly: who
 * runs what (the gateway's InstanceLock), which gateways are gone, and the Tasker look-up.
 */
export interface RunReconciliation {
  /** This gateway's InstanceLock key, stamped on the actions it runs. */
  holderLock: string;
  /** Of these holder keys, the ones whose gateway is gone. */
  goneHolders(keys: readonly string[]): Promise<Set<string>>;
  /** Looks the action's write up in Tasker, as it was sent under the decision `runDecisionId`. */
  check(action: PendingAction, runDecisionId: string): Promise<RunCheck>;
  /** A running action with no holder at all (run by an older gateway) is looked at once approved this long ago. */
  unheldAfterMs: number;
}

export interface ApprovalServiceDeps {
  orm: Orm;
  audit: AuditLog;
  logger: Logger;
  metrics?: GatewayMetrics;
}

export const DEFAULT_APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRY_SWEEP_MS = 60_000;
/**
 * How long after its approval a `running` action is taken for interrupted. Far above the Tasker
 * adapter's deadline (30 s by default), so a live run is never mistaken for one left behind.
 */
export const DEFAULT_INTERRUPTED_AFTER_MS = 10 * 60 * 1000;

const INTERRUPTED = {
  code: 'action_interrupted',
  message: 'The gateway stopped while this approved action ran; whether it reached Tasker is unknown. Check Tasker before asking again.',
} as const;

/** Reconciled: the run never reached Tasker (no allowed decision was recorded for it). */
const NOT_RUN = {
  code: 'action_interrupted',
  message: 'The gateway stopped before this approved action reached Tasker; nothing was done. Ask again to run it.',
} as const;

/** Reconciled: Tasker shows the write did not happen. */
const DID_NOT_HAPPEN = {
  code: 'action_interrupted',
  message: "The gateway stopped, or lost Tasker's answer, while this approved action ran; Tasker shows it did not happen. Ask again to run it.",
} as const;

const SYSTEM: Actor = { type: 'system', id: 'approvals' };

/**
 * Pending actions: parked by the decision stage, approved or denied by their owner, expired after
 * a TTL. Every change is a conditional UPDATE on the current status with its audit event in the
 * same transaction, so an action runs at most once however many approvals arrive, from however
 * many gateway instances.
 */
export class ApprovalService {
  private runner: ApprovedActionRunner | undefined;
  private reconciliation: RunReconciliation | undefined;

  constructor(
    private readonly deps: ApprovalServiceDeps,
    readonly ttlMs: number = DEFAULT_APPROVAL_TTL_MS,
  ) {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error('approval TTL must be a positive number of milliseconds');
  }

  /** From then on actions are run under this gateway's lock, and ones left running are settled against Tasker. */
  useReconciliation(reconciliation: RunReconciliation): void {
    this.reconciliation = reconciliation;
  }

  /** The decision stage registers itself here; until then approvals fail closed. */
  setRunner(runner: ApprovedActionRunner): void {
    this.runner = runner;
  }

  /** Parks an action inside the caller's transaction (the one that records its decision). */
  async park(tx: EntityManager, input: ParkInput): Promise<ParkResult> {
    const { inserted, action } = await insertAction(tx, { ...input, id: randomUUID(), ttlMs: this.ttlMs });
    if (!inserted) return { kind: action.argsSha256 === input.argsSha256 && action.tool === input.tool ? 'existing' : 'key_reused', action };
    await this.deps.audit.append(tx, {
      kind: 'approval.requested',
      actor: { type: 'agent', id: input.agentId },
      agentId: input.agentId,
      ownerUserId: input.ownerUserId,
      subject: { type: 'pending_action', id: action.id },
      requestId: input.requestId,
      outcome: 'pending',
      detail: { decision_id: input.decisionId, tool: input.tool, resource: input.resource, args_sha256: input.argsSha256, approval_reasons: input.approvalReasons, expires_at: action.expiresAt.toISOString() },
    });
    this.deps.metrics?.approvals.inc({ event: 'requested' });
    return { kind: 'parked', action };
  }

  async get(id: string): Promise<PendingAction> {
    const em = this.deps.orm.em.fork();
    const found = await findAction(em, id);
    if (!found) throw notFound();
    return (await this.expireIfDue(em, found)) ?? found;
  }

  /** The agent's own action; another agent's is reported as not found. */
  async getForAgent(agentId: string, id: string): Promise<PendingAction> {
    const action = await this.get(id);
    if (action.agentId !== agentId) throw notFound();
    return action;
  }

  async list(filter: ActionFilter, limit: number, cursor?: string): Promise<Page<PendingAction>> {
    return listActions(this.deps.orm.em.fork(), filter, limit, cursor);
  }

  /**
   * The owner approves: the action moves to `running` (only one approval can do that), the
   * runner carries it out, and the result or error is stored. Resolves to the final action.
   */
  async approve(id: string, ctx: ActingContext, note?: string): Promise<PendingAction> {
    const runner = this.runner;
    if (!runner) throw new GatewayError('service_unavailable', 'Approvals cannot run actions yet.');
    const em = this.deps.orm.em.fork();
    const claimed = await em.transactional(async (tx) => {
      const current = await this.ownedBy(tx, id, ctx);
      const row = await claimForRun(tx, id, actorName(ctx.actor), note ?? null, this.reconciliation?.holderLock ?? null);
      if (!row) return { current };
      await this.audit(tx, row, ctx.actor, 'approval.approved', 'success', ctx.requestId, note ? { note } : {});
      return { row };
    });
    if (!claimed.row) throw await this.notPending(em, claimed.current);
    this.deps.metrics?.approvals.inc({ event: 'approved' });
    const outcome = await runner.runApproved(claimed.row, ctx).catch((err: unknown): ApprovedActionOutcome => {
      this.deps.logger.error('an approved action failed unexpectedly', { action_id: id, error: err instanceof Error ? err.message : String(err) });
      return { ok: false, error: { code: 'internal_error', message: 'The gateway could not carry out the approved action.' } };
    });
    if (!outcome.ok && outcome.error.code === 'tasker_outcome_unknown') return this.leaveUnknown(em, id, ctx, outcome.error.code);
    return em.transactional(async (tx) => {
      const done = await completeRun(tx, id, outcome.ok ? { result: outcome.result } : { error: outcome.error });
      if (!done) throw new GatewayError('conflict', 'The action changed while it ran.');
      await this.audit(tx, done, ctx.actor, 'approval.completed', outcome.ok ? 'success' : 'failure', ctx.requestId, outcome.ok ? {} : { error_code: outcome.error.code });
      this.deps.metrics?.approvals.inc({ event: outcome.ok ? 'succeeded' : 'failed' });
      return done;
    });
  }

  async deny(id: string, ctx: ActingContext, reason?: string): Promise<PendingAction> {
    const em = this.deps.orm.em.fork();
    const outcome = await em.transactional(async (tx) => {
      const current = await this.ownedBy(tx, id, ctx);
      const row = await denyPending(tx, id, actorName(ctx.actor), reason ?? null);
      if (!row) return { current };
      await this.audit(tx, row, ctx.actor, 'approval.denied', 'denied', ctx.requestId, reason ? { reason } : {});
      return { row };
    });
    if (!outcome.row) throw await this.notPending(em, outcome.current);
    this.deps.metrics?.approvals.inc({ event: 'denied' });
    return outcome.row;
  }

  /** Expires up to `limit` actions past their time; returns how many. Safe to run on every instance. */
  async expireDue(limit = 100): Promise<number> {
    return this.deps.orm.em.fork().transactional(async (tx) => {
      const expired = await expireDue(tx, limit);
      for (const action of expired) await this.audit(tx, action, SYSTEM, 'approval.expired', 'expired', null, {});
      if (expired.length) this.deps.metrics?.approvals.inc({ event: 'expired' }, expired.length);
      return expired.length;
    });
  }

  /**
   * Fails up to `limit` actions left `running` by a gateway that stopped mid-run (see
   * DEFAULT_INTERRUPTED_AFTER_MS); returns how many. Safe to run on every instance.
   */
  async failInterrupted(olderThanMs = DEFAULT_INTERRUPTED_AFTER_MS, limit = 100): Promise<number> {
    return this.deps.orm.em.fork().transactional(async (tx) => {
      const failed = await failInterruptedRuns(tx, olderThanMs, limit, INTERRUPTED);
      for (const action of failed) await this.audit(tx, action, SYSTEM, 'approval.interrupted', 'failure', null, { error_code: INTERRUPTED.code });
      if (failed.length) this.deps.metrics?.approvals.inc({ event: 'failed' }, failed.length);
      return failed.length;
    });
  }

  /**
   * Settles up to `limit` actions left running with nobody running them (their gateway is gone, or
   * their outcome was unknown): Tasker is asked whether the write landed. Landed: succeeded with the
   * result. Not landed (and past the settle time), or never sent: failed, `action_interrupted`.
   * Undecided: left for the next sweep. Returns how many were settled. Safe on every instance.
   */
  async reconcileRuns(limit = 20): Promise<number> {
    const r = this.reconciliation;
    if (!r) return 0;
    const em = this.deps.orm.em.fork();
    const gone = await r.goneHolders(await runningHolders(em, r.holderLock, 100));
    let settled = 0;
    for (const action of await orphanedRuns(em, [...gone], r.unheldAfterMs, limit)) {
      if (await this.reconcileRun(r, action)) settled += 1;
    }
    return settled;
  }

  /** Sweeps expired and interrupted actions every `intervalMs` until the returned function is called. */
  startSweeping(intervalMs = DEFAULT_EXPIRY_SWEEP_MS): () => void {
    const timer = setInterval(() => {
      this.expireDue().catch((err: unknown) => this.deps.logger.warn('could not expire pending actions', { error: String(err) }));
      // With reconciliation an action left running is settled by what Tasker shows, not failed after a while.
      const settle = this.reconciliation ? this.reconcileRuns() : this.failInterrupted();
      settle.catch((err: unknown) => this.deps.logger.warn('could not settle interrupted actions', { error: String(err) }));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async reconcileRun(r: RunReconciliation, action: PendingAction): Promise<boolean> {
    const em = this.deps.orm.em.fork();
    const runDecision = await runDecisionOf(em, action.id);
    let outcome: ApprovedActionOutcome;
    if (runDecision === null) {
      outcome = { ok: false, error: NOT_RUN };
    } else {
      let check: RunCheck;
      try {
        check = await r.check(action, runDecision);
      } catch (err) {
        this.deps.logger.warn('could not look an interrupted approved action up in Tasker; trying again later', { action_id: action.id, error: String(err) });
        return false;
      }
      if (!check.landed && !check.settled) return false;
      outcome = check.landed ? { ok: true, result: check.result ?? null } : { ok: false, error: DID_NOT_HAPPEN };
    }
    return em.transactional(async (tx) => {
      const done = await completeRun(tx, action.id, outcome.ok ? { result: outcome.result } : { error: outcome.error });
      if (!done) return false;
      const kind = outcome.ok ? 'approval.completed' : 'approval.interrupted';
      await this.audit(tx, done, SYSTEM, kind, outcome.ok ? 'success' : 'failure', null, { reconciled: true, found: outcome.ok, ...(outcome.ok ? {} : { error_code: outcome.error.code }) });
      this.deps.metrics?.approvals.inc({ event: outcome.ok ? 'succeeded' : 'failed' });
      return true;
    });
  }

  /** The run's outcome is unknown: it stays running, held by no gateway (OUTCOME_UNKNOWN_HOLDER), until reconcileRuns settles it. */
  private async leaveUnknown(em: EntityManager, id: string, ctx: ActingContext, code: string): Promise<PendingAction> {
    return em.transactional(async (tx) => {
      await releaseRun(tx, id);
      const action = await findAction(tx, id);
      if (!action) throw notFound();
      await this.audit(tx, action, ctx.actor, 'approval.outcome_unknown', 'unknown', ctx.requestId, { error_code: code });
      return action;
    });
  }

  /** Reading an action past its time expires it on the spot, so nobody sees a stale `pending`. */
  private async expireIfDue(em: EntityManager, action: PendingAction): Promise<PendingAction | undefined> {
    if (action.status !== 'pending' || action.expiresAt.getTime() > Date.now()) return undefined;
    return em.transactional(async (tx) => {
      const [expired] = await expireDue(tx, 1, action.id);
      if (!expired) return findAction(tx, action.id);
      await this.audit(tx, expired, SYSTEM, 'approval.expired', 'expired', null, {});
      this.deps.metrics?.approvals.inc({ event: 'expired' });
      return expired;
    });
  }

  /** Only the agent's owner decides on its actions. */
  private async ownedBy(tx: EntityManager, id: string, ctx: ActingContext): Promise<PendingAction> {
    const action = await findAction(tx, id);
    if (!action) throw notFound();
    if (ctx.actor.type !== 'user' || ctx.actor.id !== action.ownerUserId) {
      throw new GatewayError('forbidden', 'Only the owner of the agent can approve or deny its actions.', { context: { action_id: id } });
    }
    return action;
  }

  /** Why an approval or denial changed nothing: the action is no longer pending (or just expired). */
  private async notPending(em: EntityManager, before: PendingAction | undefined): Promise<GatewayError> {
    const now = before ? ((await this.expireIfDue(em, before)) ?? (await findAction(em, before.id))) : undefined;
    const status = now?.status ?? 'unknown';
    return new GatewayError('conflict', `The action is ${status}, not pending; nothing was changed.`, { context: { action_id: before?.id, status } });
  }

  private async audit(tx: EntityManager, action: PendingAction, actor: Actor, kind: string, outcome: string, requestId: string | null | undefined, extra: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append(tx, {
      kind,
      actor,
      agentId: action.agentId,
      ownerUserId: action.ownerUserId,
      subject: { type: 'pending_action', id: action.id },
      requestId: requestId ?? null,
      outcome,
      detail: { decision_id: action.decisionId, tool: action.tool, status: action.status, ...extra },
    });
  }
}

function actorName(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}

function notFound(): GatewayError {
  return new GatewayError('not_found', 'No pending action with this id.');
}
