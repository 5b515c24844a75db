import type { DecisionStage } from '../decision/index.js';
import { InstanceLock, WriteReconciler, goneHolders, withoutIdempotencyKey } from '../mediator/index.js';
import type { TaskerAdapter } from '../tasker/index.js';
import type { GatewayDeps } from './extension.js';

/** This gateway's InstanceLock, taken before the mediator exists so it stamps every write it runs. */
export function acquireInstanceLock(deps: GatewayDeps): Promise<InstanceLock> {
  if (!deps.config.databaseUrl) throw new Error('the instance lock needs config.databaseUrl');
  return InstanceLock.acquire(deps.config.databaseUrl, deps.logger);
}

/**
 * Honest write outcomes after the fact: a WriteReconciler settles writes whose answer was lost and
 * writes and keys left in flight by a gateway that died, at once at start-up and every few seconds
 * after; a retry waiting on such a key nudges it. Approved actions left running are settled the
 * same way, on the same rhythm. Returns the function that stops both.
 */
export function startReconciling(deps: GatewayDeps, stage: DecisionStage, adapter: TaskerAdapter, lock: InstanceLock): () => void {
  const reconciler = new WriteReconciler({ orm: deps.orm, adapter, registry: stage.registry, audit: deps.audit, logger: deps.logger, holderLock: lock.key });
  stage.mediator.useReconciler(reconciler);
  stage.approvals.useReconciliation({
    holderLock: lock.key,
    goneHolders: (keys) => goneHolders(deps.orm.em.fork(), keys),
    unheldAfterMs: reconciler.staleMs,
    async check(action, runDecisionId) {
      const agent = await deps.identity.agents.get(deps.orm.em.fork(), action.agentId);
      // The mediator hands the adapter the arguments with the key the action was parked under.
      const args = action.idempotencyKey ? { ...withoutIdempotencyKey(action.args), idempotency_key: action.idempotencyKey } : action.args;
      // The write went out at most one adapter deadline after the approval.
      const ageMs = Date.now() - (action.decidedAt?.getTime() ?? Date.now()) - adapter.config.deadlineMs;
      const acting = { id: agent.id, display_name: agent.displayName, owner_user_id: agent.ownerUserId, owner_email: agent.ownerEmail };
      return reconciler.check({ tool: action.tool, args, agent: acting, decisionId: runDecisionId, ageMs });
    },
  });
  const stopWrites = reconciler.start();
  const stopRuns = settleRunsEvery(stage, deps, RUNS_INTERVAL_MS);
  return () => {
    stopWrites();
    stopRuns();
  };
}

/** As often as the write reconciler looks at writes (its default interval). */
const RUNS_INTERVAL_MS = 2_000;

/**
 * Approved actions left running by a gateway that died are settled at start-up and every few
 * seconds after, not only with the approvals sweep (a minute): the dead gateway's lock may still
 * look held at start-up, until PostgreSQL notices its session is gone.
 */
function settleRunsEvery(stage: DecisionStage, deps: GatewayDeps, intervalMs: number): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    stage.approvals
      .reconcileRuns()
      .catch((err: unknown) => deps.logger.warn('could not settle approved actions left running', { error: String(err) }))
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
