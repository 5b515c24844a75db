import { randomUUID } from 'node:crypto';
import type { Actor, AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import type { ActingContext } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { EntityManager, Orm, Page } from '../store/index.js';
import type { ActionReason, PendingAction } from './pending-action.js';
import { claimForRun, completeRun, denyPending, expireDue, failInterruptedRuns, findAction, insertAction, listActions, type ActionFilter, type ParkInput } from './store.js';

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

const SYSTEM: Actor = { type: 'system', id: 'approvals' };

/**
 * Pending actions: parked by the decision stage, approved or denied by their owner, expired after
 * a TTL. Every change is a conditional UPDATE on the current status with its audit event in the
 * same transaction, so an action runs at most once however many approvals arrive, from however
 * many gateway instances.
 */
export class ApprovalService {
  private runner: ApprovedActionRunner | undefined;

  constructor(
    private readonly deps: ApprovalServiceDeps,
    readonly ttlMs: number = DEFAULT_APPROVAL_TTL_MS,
  ) {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error('approval TTL must be a positive number of milliseconds');
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
      const row = await claimForRun(tx, id, actorName(ctx.actor), note ?? null);
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

  /** Sweeps expired and interrupted actions every `intervalMs` until the returned function is called. */
  startSweeping(intervalMs = DEFAULT_EXPIRY_SWEEP_MS): () => void {
    const timer = setInterval(() => {
      this.expireDue().catch((err: unknown) => this.deps.logger.warn('could not expire pending actions', { error: String(err) }));
      this.failInterrupted().catch((err: unknown) => this.deps.logger.warn('could not fail interrupted actions', { error: String(err) }));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
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
