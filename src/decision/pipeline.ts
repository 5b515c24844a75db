import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type ApprovalService, type ApprovedActionOutcome, type ApprovedActionRunner, type ParkResult, type PendingAction } from '../approvals/index.js';
import { AuditOutbox, type AuditLog, type RelayPass } from '../audit/index.js';
import type { ContractRegistry, ToolContract } from '../contracts/index.js';
import { GatewayError, asGatewayError } from '../errors/index.js';
import type { ActingContext, AuthenticatedAgent, Identity } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { ActingAgent, Mediator, MediatorResult } from '../mediator/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import { VISIBLE_TOOLS_ENTRYPOINT, visibleTools as evaluateVisibleTools, type PolicyEngine } from '../policy/index.js';
import { AgentTokenSchema, type EntityManager, type Orm } from '../store/index.js';
import { DecisionLog } from './decision-log.js';
import { answerGatewayTool, type GatewayToolDeps } from './gateway-tools.js';
import { policyGrant } from './policy-grants.js';
import { Assessor } from './assessor.js';
import { argsDigest, recordDecision, recordOutcome } from './recorder.js';
import { AgentTurns, hasUsageLimits, lockAgentUsage } from './usage-lock.js';
import type { Assessment, CallContext, ToolCall, ToolCallResult } from './types.js';
import { denialMessage, elapsedMs, isPlainObject } from './values.js';

export interface PipelineDeps {
  orm: Orm;
  audit: AuditLog;
  identity: Identity;
  logger: Logger;
  engine: PolicyEngine;
  registry: ContractRegistry;
  mediator: Mediator;
  approvals: ApprovalService;
  metrics: GatewayMetrics;
}

export interface PipelineOptions {
  /** The workspace of calls whose arguments name none (Plane's v1 serves one workspace per key). */
  workspace: string;
  /** JSON pointers masked in the decision log (see DEFAULT_MASKED_POINTERS). */
  maskedPointers: readonly string[];
}

/** What running an allowed action gave: the result, the Tasker object it is about, and whether it was a replay. */
type Execution = Pick<MediatorResult, 'result' | 'tasker' | 'latencyMs' | 'replayed'> & {
  executedUnderDecisionId?: string;
  auditOutcome?: AuditOutcome;
  /** A write's bookkeeping after Tasker's answer (see MediatorRun); awaited, with the outcome's record, before the answer. */
  settled?: Promise<void>;
};

/** An action that ran, or how it failed; never a rejection, so a read started early can be dropped without a trace. */
type Ran = { ok: true; done: Execution } | { ok: false; error: unknown; latencyMs: number };

/**
 * Where a call's outcome event is when the call is answered: in the chain (`recorded`), kept in
 * the audit outbox until the chain takes it (`pending`), held in memory because not even the
 * outbox took it (`unrecorded`), or on its way after the answer (`lazy`, reads only).
 */
type AuditOutcome = 'recorded' | 'pending' | 'unrecorded' | 'lazy';

/** The same error with more context for the caller. */
function withContext(err: GatewayError, context: Record<string, unknown>): GatewayError {
  return new GatewayError(err.code, err.message, {
    ...(err.fields ? { fields: err.fields } : {}),
    ...(err.reasons ? { reasons: err.reasons } : {}),
    context: { ...err.context, ...context },
    cause: (err as { cause?: unknown }).cause ?? err,
  });
}

/** The same error with the decision id added to its context, so the caller can quote it. */
function withDecisionId(err: GatewayError, decisionId: string): GatewayError {
  return new GatewayError(err.code, err.message, {
    ...(err.fields ? { fields: err.fields } : {}),
    ...(err.reasons ? { reasons: err.reasons } : {}),
    context: { ...err.context, decision_id: decisionId },
    cause: (err as { cause?: unknown }).cause ?? err,
  });
}

/**
 * The one request path of both front doors (DESIGN.md): resolve the tool contract, validate the
 * arguments, derive the resource, load the agent's live grants and usage, evaluate
 * `gateway/decision`, record the decision in the audit chain, then deny, park for approval, or run
 * the action (through the mediator, or here for the gateway's own tools) and record the outcome.
 * Nothing runs without a recorded allow; anything unexpected before that is a recorded denial.
 */
export class RequestPipeline implements ApprovedActionRunner {
  private readonly log: DecisionLog;
  private readonly assessor: Assessor;
  private readonly gatewayTools: GatewayToolDeps;
  /** Outcome records still being written after their call was answered. */
  private readonly pendingOutcomes = new Set<Promise<AuditOutcome>>();
  /** Outcomes the chain could not take at once, kept until it does. */
  private readonly outbox: AuditOutbox;
  /** Budgeted agents' decisions, one at a time per agent in this process (see decideAndRecord). */
  private readonly budgetTurns = new AgentTurns();
  /**
   * The entity manager that decisions and outcomes outside a transaction are appended through: the
   * audit log's group commit needs only its driver, and it never loads entities or opens a
   * transaction, so one fork serves every call (a fork per call cost more than its use). A fork, not
   * the global manager, so no transaction of the calling context is ever picked up.
   */
  private readonly appendEm: EntityManager;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly options: PipelineOptions,
  ) {
    this.log = new DecisionLog(deps.logger, options.maskedPointers);
    this.outbox = new AuditOutbox(deps.orm.em);
    this.appendEm = deps.orm.em.fork();
    this.assessor = new Assessor(deps, options.workspace);
    this.gatewayTools = { orm: deps.orm, registry: deps.registry, grants: deps.identity.grants, approvals: deps.approvals, logger: deps.logger, assess: (call) => this.assess(call) };
  }

  /** Runs one tool call. Failures are GatewayErrors carrying `context.decision_id`. */
  async callTool(call: ToolCall): Promise<ToolCallResult> {
    const started = performance.now();
    const decisionId = randomUUID();
    const ctx = this.agentContext(call);
    let assessment: Assessment | undefined;
    let status = 'internal_error';
    try {
      // Kept as soon as it exists, so the decision log has it even when recording it fails.
      const decide = async (tx?: EntityManager) => (assessment = await this.assessor.assessOrFailClosed(call, ctx, tx));
      // An allowed read goes to Tasker while its decision is being made durable (DESIGN.md, the
      // hot path); its result is used only once the decision is recorded, and dropped otherwise.
      // An allowed Tasker write claims its idempotency key (journals itself) meanwhile, and is
      // sent only once `recorded` says the decision is durable.
      let early: Promise<Ran> | undefined;
      const recorded: { settle?: (ok: boolean) => void } = {};
      const overlap = (a: Assessment) => {
        if (overlapsRecord(a)) early = this.run(ctx, decisionId, a, undefined, call);
        if (claimsWhileRecording(a)) early = this.run(ctx, decisionId, a, undefined, call, new Promise<boolean>((settle) => (recorded.settle = settle)));
      };
      const decided = await this.decideAndRecord(ctx, decisionId, decide, undefined, overlap).catch(async (err: unknown) => {
        // Not recorded: the write gives its claim back before the caller hears it, so a retry finds the key free.
        if (recorded.settle) {
          recorded.settle(false);
          await early;
        }
        throw err;
      });
      recorded.settle?.(true);
      const outcome = await this.act(call, ctx, decisionId, decided.assessment, decided.parked, early);
      status = outcome.status;
      return outcome;
    } catch (err) {
      const failure = withDecisionId(asGatewayError(err), decisionId);
      status = failure.code;
      throw failure;
    } finally {
      const latencyMs = elapsedMs(started);
      this.deps.metrics.toolRequests.inc({ transport: call.transport, tool: this.toolLabel(call.tool), status });
      this.deps.metrics.requestDuration.observe({ transport: call.transport, status }, latencyMs / 1000);
      this.log.write({
        decisionId,
        agentId: ctx.agent.id,
        ownerUserId: ctx.agent.ownerUserId,
        transport: call.transport,
        requestId: call.requestId,
        ...(call.address ? { address: call.address } : {}),
        assessment: assessment ?? this.assessor.failedAssessment(call.tool, isPlainObject(call.args) ? call.args : {}, new Error('the decision could not be recorded')),
        status,
        latencyMs,
      });
    }
  }

  /**
   * The decision for a call without recording or acting on it (the `explain` tool, and tests that
   * check the decision input). Unexpected failures are thrown, not turned into denials.
   */
  async assess(call: ToolCall): Promise<Assessment> {
    return this.assessor.assess(call, this.agentContext(call));
  }

  /** The tools this agent could be allowed to call, as `gateway/visible_tools` decides. Fails closed. */
  async visibleTools(auth: AuthenticatedAgent): Promise<ToolContract[]> {
    const ctx = this.agentContext({ auth, tool: 'whoami', args: {}, transport: 'mcp', requestId: 'tools-list' });
    const grants = auth.grants;
    // The entrypoint reads only agent, token and grants; action and resource are required by the input schema.
    const input = this.assessor.input(ctx, grants.map(policyGrant), { calls_last_minute: 0, writes_last_hour: 0 }, 'whoami', 'read', {}, { workspace: this.options.workspace, project: null, work_item: null });
    const stop = this.deps.metrics.policyDuration.startTimer({ entrypoint: VISIBLE_TOOLS_ENTRYPOINT });
    let names: string[];
    try {
      names = evaluateVisibleTools(this.deps.engine, input);
    } catch (err) {
      this.deps.logger.error('visible tools could not be decided', { agent_id: auth.agent.id, error: err instanceof Error ? err.message : String(err) });
      throw new GatewayError('policy_unavailable', 'The policy could not decide which tools you may use.', { cause: err });
    } finally {
      stop();
    }
    return names.filter((name) => this.deps.registry.has(name)).map((name) => this.deps.registry.get(name));
  }

  /**
   * Runs an action its owner approved (called by the approvals stage). The policy is asked again
   * with the agent's current status, token and grants; the approval stands in for the approval
   * obligation but not for anything else, so a grant revoked since still stops the action.
   */
  async runApproved(action: PendingAction, approval: ActingContext): Promise<ApprovedActionOutcome> {
    const started = performance.now();
    const decisionId = randomUUID();
    const em = this.deps.orm.em.fork();
    const agent = await this.deps.identity.agents.get(em, action.agentId);
    const token = await em.findOne(AgentTokenSchema, { id: action.tokenId });
    // A revoked (or vanished) token counts as expired from its revocation on: the policy sees it as such.
    const tokenEnd = token ? (token.revokedAt ?? token.expiresAt ?? null) : action.createdAt;
    const ctx: CallContext = {
      actor: approval.actor,
      agent,
      token: { id: action.tokenId, expiresAt: tokenEnd },
      transport: action.transport,
      requestId: approval.requestId ?? action.requestId ?? decisionId,
      idempotencyKey: action.idempotencyKey ?? null,
    };
    let decided: Assessment | undefined;
    const reassess = async (tx?: EntityManager): Promise<Assessment> => {
      let assessment: Assessment;
      try {
        assessment = await this.assessor.assessKnown(ctx, this.deps.registry.get(action.tool), action.args, action.resource, tx);
      } catch (err) {
        assessment = this.assessor.failedAssessment(action.tool, action.args, err);
      }
      // The owner's approval discharges the approval obligation, and only that.
      decided = assessment.verdict === 'approval_required' ? { ...assessment, verdict: 'allow' } : assessment;
      return decided;
    };
    let status = 'internal_error';
    try {
      // Read now, not with a token: whether the agent's decisions take turns depends on them.
      ctx.grants = await this.deps.identity.grants.liveGrants(this.deps.orm.em, action.agentId);
      const { assessment } = await this.decideAndRecord(ctx, decisionId, reassess, action.id);
      this.deps.metrics.decisions.inc({ result: assessment.verdict, tool: this.toolLabel(action.tool) });
      if (assessment.verdict !== 'allow') {
        const failure = assessment.failure ?? new GatewayError('denied', denialMessage(assessment.reasons), { reasons: assessment.reasons });
        status = failure.code;
        return { ok: false, error: { code: failure.code, message: failure.message, ...(failure.reasons ? { reasons: failure.reasons } : {}) } };
      }
      const done = await this.execute(ctx, decisionId, assessment, action.id);
      status = 'ok';
      return { ok: true, result: done.result };
    } catch (err) {
      const failure = asGatewayError(err);
      status = failure.code;
      return { ok: false, error: { code: failure.code, message: failure.message, ...(failure.reasons ? { reasons: failure.reasons } : {}) } };
    } finally {
      const logged = decided ?? this.assessor.failedAssessment(action.tool, action.args, new Error('the decision could not be recorded'));
      this.log.write({ decisionId, agentId: agent.id, ownerUserId: agent.ownerUserId, transport: action.transport, requestId: ctx.requestId, assessment: logged, status, latencyMs: elapsedMs(started), approvedAction: action.id });
    }
  }

  // ---- the steps -----------------------------------------------------------------------------

  private agentContext(call: ToolCall): CallContext {
    const { agent, token } = call.auth;
    const fromArgs = isPlainObject(call.args) && typeof call.args.idempotency_key === 'string' ? call.args.idempotency_key : null;
    return {
      actor: { type: 'agent', id: agent.id },
      agent,
      token: { id: token.id, expiresAt: token.expiresAt },
      transport: call.transport,
      requestId: call.requestId,
      idempotencyKey: call.idempotencyKey ?? fromArgs,
      grants: call.auth.grants,
    };
  }

  /**
   * Decides and records the decision (with the parked action, when it needs approval). For an
   * agent whose grants carry a usage budget, reading the usage, deciding and recording happen in
   * one transaction under the agent's usage lock, so calls arriving together take turns and a
   * budget cannot be overrun; every other call decides without a lock and its decision joins the
   * audit log's group commit.
   */
  private async decideAndRecord(
    ctx: CallContext,
    decisionId: string,
    decide: (usageTx?: EntityManager) => Promise<Assessment>,
    approvedAction?: string,
    /** Called once the decision is queued for recording, before it is durable (see callTool). */
    whileRecording?: (a: Assessment) => void,
  ): Promise<{ assessment: Assessment; parked?: ParkResult }> {
    if (!hasUsageLimits(ctx.grants ?? [])) {
      const assessment = await decide();
      // Only parking an action opens a transaction (and so needs a manager of its own).
      const em = assessment.verdict === 'approval_required' && !approvedAction ? this.deps.orm.em.fork() : this.appendEm;
      const recording = this.record(ctx, decisionId, assessment, em, approvedAction);
      whileRecording?.(assessment);
      return { assessment, parked: await recording };
    }
    return this.budgetTurns.run(ctx.agent.id, () =>
      this.deps.orm.em.fork().transactional(async (tx) => {
        await lockAgentUsage(tx, ctx.agent.id);
        const assessment = await decide(tx);
        const recording = this.record(ctx, decisionId, assessment, tx, approvedAction);
        whileRecording?.(assessment);
        return { assessment, parked: await recording };
      }),
    );
  }

  /** Appends the decision; one needing approval commits with its pending action (never parked unrecorded). */
  private async record(ctx: CallContext, decisionId: string, a: Assessment, em: EntityManager, approvedAction?: string): Promise<ParkResult | undefined> {
    // Only decisions under the usage lock come with a transaction; they must not wait for this
    // process's queued audit events, whose batch may need a pool connection (see AppendOptions).
    const underUsageLock = em.isInTransaction();
    if (a.verdict !== 'approval_required' || approvedAction) {
      await recordDecision(this.deps.audit, em, this.decisionRecord(ctx, decisionId, a, approvedAction), { afterQueued: !underUsageLock });
      return undefined;
    }
    if (underUsageLock) return this.park(em, ctx, decisionId, a, false);
    return em.transactional((tx) => this.park(tx, ctx, decisionId, a, true));
  }

  /** After the decision is recorded: deny, report the parked action, or run. */
  private async act(call: ToolCall, ctx: CallContext, decisionId: string, a: Assessment, parked?: ParkResult, early?: Promise<Ran>): Promise<ToolCallResult> {
    this.deps.metrics.decisions.inc({ result: a.verdict, tool: this.toolLabel(a.tool) });
    if (parked) return this.parkedResult(ctx, decisionId, parked);
    if (a.verdict === 'deny') throw a.failure ?? new GatewayError('denied', denialMessage(a.reasons), { reasons: a.reasons });
    const done = await this.execute(ctx, decisionId, a, undefined, call, early);
    return { status: 'ok', decisionId, result: done.result, tasker: done.tasker, replayed: done.replayed, ...(done.auditOutcome === 'recorded' || done.auditOutcome === 'pending' ? { auditOutcome: done.auditOutcome } : {}) };
  }

  /** The decision and the pending action, in the caller's transaction. */
  private async park(tx: EntityManager, ctx: CallContext, decisionId: string, a: Assessment, afterQueued: boolean): Promise<ParkResult> {
    await recordDecision(this.deps.audit, tx, this.decisionRecord(ctx, decisionId, a), { afterQueued });
    return this.deps.approvals.park(tx, {
        agentId: ctx.agent.id,
        ownerUserId: ctx.agent.ownerUserId,
        tokenId: ctx.token.id,
        tool: a.tool,
        args: a.args,
        argsSha256: argsDigest(a.args),
        resource: a.resource,
        decisionId,
        idempotencyKey: ctx.idempotencyKey,
        transport: ctx.transport,
        requestId: ctx.requestId,
        approvalReasons: a.approvalReasons,
    });
  }

  private parkedResult(ctx: CallContext, decisionId: string, parked: ParkResult): ToolCallResult {
    if (parked.kind === 'key_reused') {
      throw new GatewayError('idempotency_key_reused', `The idempotency key ${ctx.idempotencyKey} already names another action awaiting approval; use a new key for a new write.`, {
        context: { action_id: parked.action.id },
      });
    }
    return { status: 'approval_pending', decisionId, actionId: parked.action.id, expiresAt: parked.action.expiresAt.toISOString(), reasons: parked.action.approvalReasons };
  }

  /**
   * Runs an allowed action and records its outcome (for failures too): Tasker tools through the
   * mediator, the gateway's own tools here. Those answer only the agent itself (`call` is absent
   * for approved actions, and self-service tools are never parked). A write is answered only once
   * its outcome is in the chain or kept in the outbox, and the answer says which.
   */
  private async execute(ctx: CallContext, decisionId: string, a: Assessment, approvedAction?: string, call?: ToolCall, early?: Promise<Ran>): Promise<Execution> {
    const contract = a.contract!;
    const viaTasker = contract['x-gateway'].handler === 'tasker';
    const awaited = approvedAction !== undefined || contract['x-gateway'].kind !== 'read';
    const ran = await (early ?? this.run(ctx, decisionId, a, approvedAction, call));
    if (!ran.ok) {
      const failure = asGatewayError(ran.error);
      const latencyMs = ran.latencyMs;
      if (viaTasker) this.observeTasker(contract.name, failure.code, latencyMs);
      const audited = await this.recordOutcomeOf(ctx, decisionId, contract.name, awaited, latencyMs, failure.code, null, false, approvedAction);
      throw audited === 'pending' || audited === 'unrecorded' ? withContext(failure, { audit_outcome: audited }) : failure;
    }
    const { settled, ...done } = ran.done;
    if (viaTasker) this.observeTasker(contract.name, done.replayed ? 'replayed' : 'ok', done.latencyMs);
    // The outcome's commit and the mediator's (result stored under the key) overlap; both are done before the answer.
    const [audited] = await Promise.all([
      this.recordOutcomeOf(ctx, decisionId, contract.name, awaited, done.latencyMs, null, done.tasker, done.replayed, approvedAction, done.executedUnderDecisionId),
      settled,
    ]);
    if (audited === 'unrecorded' && !approvedAction) throw unrecordedWrite(done);
    return { ...done, auditOutcome: audited };
  }

  /** Runs an allowed action (Tasker tools through the mediator, the gateway's own tools here) without recording anything. */
  private async run(ctx: CallContext, decisionId: string, a: Assessment, approvedAction?: string, call?: ToolCall, recorded?: Promise<boolean>): Promise<Ran> {
    const contract = a.contract!;
    const started = performance.now();
    try {
      const done =
        contract['x-gateway'].handler === 'tasker'
          ? await this.deps.mediator.start({ tool: contract, args: a.args, agent: actingAgent(ctx), decisionId, projectScope: a.projectScope, idempotencyKey: ctx.idempotencyKey }, recorded)
          : await this.answerItself(a, started, call);
      return { ok: true, done };
    } catch (error) {
      return { ok: false, error, latencyMs: elapsedMs(started) };
    }
  }

  /**
   * Records the outcome of a call. A write's (and an approved action's) is awaited: the call is not
   * answered as done before its outcome is durable, in the chain or in the outbox.
   *
   * A read's outcome is recorded after the answer goes out, appended lazily (it rides with the
   * next decision's commit instead of taking one of its own): a read changes nothing in Tasker,
   * and its decision, which names who read what, was durable before the result left (see the hot
   * path in DESIGN.md); the outcome adds only its result and latency, so waiting for a second
   * commit would only slow the hot path. It is queued before the answer leaves, so this process's
   * audit reads include it, and `settled()` (called on close) waits for it; if the chain refuses
   * it, it is kept in the outbox like a write's.
   */
  private async recordOutcomeOf(ctx: CallContext, decisionId: string, tool: string, awaited: boolean, latencyMs: number, errorCode: string | null, tasker: MediatorResult['tasker'], replayed: boolean, approvedAction?: string, executedUnder?: string): Promise<AuditOutcome> {
    const recording = this.outcome(ctx, decisionId, tool, !awaited, latencyMs, errorCode, tasker, replayed, approvedAction, executedUnder);
    if (awaited) return recording;
    this.pendingOutcomes.add(recording);
    void recording.finally(() => this.pendingOutcomes.delete(recording));
    return 'lazy';
  }

  /** Resolves once every outcome recorded after its answer has been written or kept. */
  async settled(): Promise<void> {
    while (this.pendingOutcomes.size > 0) await Promise.all([...this.pendingOutcomes]);
  }

  /**
   * Starts moving kept outcomes from the outbox into the chain (now, then every second while some
   * are waiting); the backlog gauge follows. Returns the stop function.
   */
  startOutboxRelay(intervalMs?: number): () => Promise<void> {
    return this.outbox.startRelay({ onPass: (pass) => this.reportRelay(pass) }, intervalMs);
  }

  private reportRelay(pass: RelayPass): void {
    const { metrics, logger } = this.deps;
    metrics.auditOutboxBacklog.set(pass.backlog);
    if (pass.relayed > 0) metrics.auditOutboxEvents.inc({ event: 'relayed' }, pass.relayed);
    if (pass.relayed > 0) logger.warn('audit outbox: kept events appended to the audit chain', { relayed: pass.relayed, backlog: pass.backlog });
    if (pass.error !== undefined) logger.error('audit outbox: the audit chain still does not take kept events', { backlog: pass.backlog, error: pass.error instanceof Error ? pass.error.message : String(pass.error) });
  }

  private observeTasker(tool: string, outcome: string, latencyMs: number): void {
    this.deps.metrics.taskerCalls.inc({ tool, outcome });
    this.deps.metrics.taskerDuration.observe({ tool, outcome }, latencyMs / 1000);
  }

  /** Appends the outcome, or keeps it (outbox, else memory) with a metric and an error log line for the gap. */
  private async outcome(ctx: CallContext, decisionId: string, tool: string, lazy: boolean, latencyMs: number, errorCode: string | null, tasker: MediatorResult['tasker'], replayed: boolean, approvedAction?: string, executedUnder?: string): Promise<AuditOutcome> {
    const { kept, error } = await recordOutcome(this.deps.audit, this.outbox, this.appendEm, {
      decisionId,
      actor: ctx.actor,
      agentId: ctx.agent.id,
      ownerUserId: ctx.agent.ownerUserId,
      requestId: ctx.requestId,
      tool,
      latencyMs,
      errorCode,
      tasker,
      replayed,
      ...(executedUnder ? { executedUnderDecisionId: executedUnder } : {}),
      ...(approvedAction ? { approvedAction } : {}),
    }, lazy);
    if (kept === 'chain') return 'recorded';
    const { metrics, logger } = this.deps;
    metrics.auditOutboxEvents.inc({ event: kept === 'outbox' ? 'kept' : 'held' });
    if (kept === 'outbox') metrics.auditOutboxBacklog.inc();
    logger.error(kept === 'outbox' ? 'audit outcome kept in the outbox: the audit chain did not take it; it is appended once the chain does' : 'audit outcome held in memory: neither the audit chain nor the outbox took it; retried until one does', {
      decision_id: decisionId,
      agent_id: ctx.agent.id,
      tool,
      outcome: errorCode ?? 'ok',
      kept,
      error: error instanceof Error ? error.message : String(error),
    });
    return kept === 'outbox' ? 'pending' : 'unrecorded';
  }

  private async answerItself(a: Assessment, started: number, call?: ToolCall): Promise<Execution> {
    if (!call) throw new GatewayError('internal_error', `The tool ${a.tool} answers only the agent itself.`);
    const result = await answerGatewayTool(this.gatewayTools, { ...call, tool: a.tool, args: a.args });
    return { result, tasker: null, latencyMs: elapsedMs(started), replayed: false };
  }

  private decisionRecord(ctx: CallContext, decisionId: string, a: Assessment, approvedAction?: string) {
    return {
      decisionId,
      actor: ctx.actor,
      agentId: ctx.agent.id,
      ownerUserId: ctx.agent.ownerUserId,
      tokenId: ctx.token.id,
      transport: ctx.transport,
      requestId: ctx.requestId,
      idempotencyKey: ctx.idempotencyKey,
      assessment: a,
      ...(approvedAction ? { approvedAction } : {}),
    };
  }

  /** Metric label for a tool: unknown names collapse into one label so callers cannot grow the series. */
  private toolLabel(tool: string): string {
    return this.deps.registry.has(tool) ? tool : 'unknown';
  }
}

/** A write that happened but whose outcome is neither in the chain nor in the outbox: not answered as done. */
function unrecordedWrite(done: Execution): GatewayError {
  return new GatewayError('audit_unavailable', 'The action was carried out, but its outcome could not be recorded in the audit log yet; the gateway keeps trying. Repeat it only with the same idempotency key.', {
    context: { audit_outcome: 'unrecorded', ...(done.tasker ? { tasker: done.tasker } : {}) },
  });
}

/** Whether the action may run while its decision is being recorded: an allowed read (writes are record-then-act). */
function overlapsRecord(a: Assessment): boolean {
  return a.verdict === 'allow' && a.contract !== null && a.contract['x-gateway'].kind === 'read';
}

/**
 * Whether an action may prepare while its decision is being recorded: an allowed Tasker write
 * claims its key and journals itself, and waits for the recorded decision before it is sent
 * (Mediator.start). Parked and denied calls claim nothing.
 */
function claimsWhileRecording(a: Assessment): boolean {
  return a.verdict === 'allow' && a.contract !== null && a.contract['x-gateway'].kind !== 'read' && a.contract['x-gateway'].handler === 'tasker';
}

function actingAgent(ctx: CallContext): ActingAgent {
  return { id: ctx.agent.id, display_name: ctx.agent.displayName, owner_user_id: ctx.agent.ownerUserId, owner_email: ctx.agent.ownerEmail };
}
