import type { AuditLog } from '../audit/index.js';
import type { ContractRegistry } from '../contracts/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import type { EntityManager } from '../store/index.js';
import type { Actor, TaskerAdapter } from '../tasker/index.js';
import { completeKey, releaseKey } from './idempotency-store.js';
import { goneHolders } from './instance-lock.js';
import { taskerReference } from './tasker-reference.js';
import type { ActingAgent } from './types.js';
import { deferWrite, forgetWrite, inFlightHolders, takeDue, type JournalRow } from './write-journal.js';

export interface ReconcilerDeps {
  orm: { em: EntityManager };
  adapter: TaskerAdapter;
  registry: ContractRegistry;
  audit: AuditLog;
  logger?: Logger;
  /** This gateway's InstanceLock key: its own in-flight writes are live and left alone. */
  holderLock: string | null;
}

export interface ReconcilerOptions {
  /**
   * How long after a write was sent Tasker's "not there" is believed: before that a lost request
   * may still be applied late. Default: the adapter's attempt timeout plus its read-back time plus
   * 5 s, so a request Tasker kept for a whole attempt and the read-back has had time to land.
   */
  settleMs?: number;
  /** The longest a live holder runs one write; an in-flight row older than this is orphaned anyway. Default: adapter deadline + 30 s. */
  staleMs?: number;
  /** How often due writes are looked at; default 2 s. */
  intervalMs?: number;
}

/** What Tasker says about one write. */
export type WriteCheck = { landed: true; result: unknown } | { landed: false; settled: boolean };

/** The write to look up: what the mediator sent, under which decision and key. */
export interface WriteToCheck {
  tool: string;
  /** The arguments as the adapter got them (with the idempotency key, when there was one). */
  args: Record<string, unknown>;
  agent: ActingAgent;
  decisionId: string;
  /** How long ago the write was (at the latest) sent. */
  ageMs: number;
  /** How old a write Tasker does not show must be before it counts as not landed (default: settleMs). */
  settleMs?: number;
}

/** Past an attempt's timeout, how long a request whose gateway died may still be applied by Tasker. */
const CRASH_SETTLE_MARGIN_MS = 2_000;

const SYSTEM = { type: 'system' as const, id: 'reconciler' };
/** While one reconciler looks a write up, others leave it alone this long. */
const HOLD_MS = 30_000;
/** A write Tasker cannot be asked about is looked at again after this, doubling up to MAX_BACKOFF_MS. */
const BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export function actorFor(agent: ActingAgent, decisionId: string): Actor {
  return { agentId: agent.id, agentName: agent.display_name, ownerEmail: agent.owner_email, decisionId };
}

/**
 * Settles Tasker writes whose outcome is not known: answers lost in flight (`tasker_outcome_unknown`)
 * and writes whose gateway stopped mid-write (its InstanceLock is free). Each is looked up in
 * Tasker (creates by external id, other writes by reading back the values). Landed: its
 * idempotency key is completed with the result, so a retry with the key replays it. Not landed
 * once the settle time has passed: the key is released, so a retry runs the write. Either way a
 * `tool.reconciled` event joins the audit chain under the write's decision. Safe on every
 * instance at once: a row is taken with `for update skip locked`, and only the caller that
 * removes it reports it.
 */
export class WriteReconciler {
  readonly settleMs: number;
  /**
   * For a write whose gateway died mid-write: nobody reads it back any more, so only Tasker applying
   * the request late is left to wait for (one attempt's timeout and a margin). A retry with its key
   * then runs within seconds of a restart instead of after the full settle time.
   */
  readonly crashSettleMs: number;
  readonly staleMs: number;
  private readonly intervalMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly deps: ReconcilerDeps,
    options: ReconcilerOptions = {},
  ) {
    const adapter = deps.adapter.config;
    this.settleMs = options.settleMs ?? adapter.timeoutMs + adapter.confirmMs + 5_000;
    this.crashSettleMs = Math.min(this.settleMs, adapter.timeoutMs + CRASH_SETTLE_MARGIN_MS);
    this.staleMs = options.staleMs ?? adapter.deadlineMs + 30_000;
    this.intervalMs = options.intervalMs ?? 2_000;
    this.logger = deps.logger ?? silentLogger();
  }

  /** Looks at every write due now, in batches; returns how many were looked at. */
  async reconcileDue(limit = 50): Promise<number> {
    const em = this.deps.orm.em.fork();
    const gone = await goneHolders(em, await inFlightHolders(em, this.deps.holderLock, 100));
    const rows = await takeDue(em, [...gone], this.staleMs, HOLD_MS, limit);
    for (const row of rows) await this.settle(row);
    return rows.length;
  }

  /** Looks at the write holding one idempotency key, if it is due (a retry waiting on the key calls this). */
  async reconcileKey(agentId: string, key: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const gone = await goneHolders(em, await inFlightHolders(em, this.deps.holderLock, 100));
    const rows = await takeDue(em, [...gone], this.staleMs, HOLD_MS, 1, { agentId, key });
    for (const row of rows) await this.settle(row);
  }

  /** Runs reconcileDue now and every intervalMs until the returned function is called. */
  start(): () => void {
    let running = false;
    const tick = () => {
      if (running) return;
      running = true;
      this.reconcileDue()
        .catch((err: unknown) => this.logger.warn('could not reconcile Tasker writes', { error: String(err) }))
        .finally(() => (running = false));
    };
    tick();
    const timer = setInterval(tick, this.intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Asks Tasker whether one write landed (also used for approved actions left running). */
  async check(write: WriteToCheck): Promise<WriteCheck> {
    const contract = this.deps.registry.get(write.tool);
    const found = await this.deps.adapter.confirmWrite(contract['x-gateway'].operation, write.args, actorFor(write.agent, write.decisionId));
    if (found === null) return { landed: false, settled: write.ageMs >= (write.settleMs ?? this.settleMs) };
    // Stored and replayed from JSON, like every keyed result; undefined: landed, result not rebuildable.
    const result = found === undefined ? undefined : (JSON.parse(JSON.stringify(found)) as unknown);
    if (result !== undefined && !this.deps.registry.validateResult(write.tool, result).ok) return { landed: true, result: undefined };
    return { landed: true, result };
  }

  private async settle(row: JournalRow): Promise<void> {
    const settleMs = row.status === 'in_flight' ? this.crashSettleMs : this.settleMs;
    let verdict: WriteCheck;
    try {
      verdict = await this.check({ tool: row.tool, args: row.args, agent: row.agent, decisionId: row.decision_id, ageMs: row.age_ms, settleMs });
    } catch (err) {
      const backoff = Math.min(BACKOFF_MS * 2 ** Math.max(0, row.checks - 1), MAX_BACKOFF_MS);
      this.logger.warn('could not look a Tasker write up; trying again later', { decision_id: row.decision_id, tool: row.tool, error: String(err) });
      await deferWrite(this.deps.orm.em.fork(), row.decision_id, backoff);
      return;
    }
    if (!verdict.landed && !verdict.settled) {
      await deferWrite(this.deps.orm.em.fork(), row.decision_id, Math.max(settleMs - row.age_ms, 250));
      return;
    }
    await this.resolve(row, verdict);
  }

  /** Removes the row, settles its key and appends the event, together; a row someone else removed is left to them. */
  private async resolve(row: JournalRow, verdict: WriteCheck): Promise<void> {
    const result = verdict.landed ? verdict.result : undefined;
    await this.deps.orm.em.fork().transactional(async (tx) => {
      if (!(await forgetWrite(tx, row.decision_id))) return;
      const keyed = row.idempotency_key !== null && row.claim_token !== null;
      if (keyed && result !== undefined) {
        await completeKey(tx, row.agent.id, row.idempotency_key!, row.claim_token!, { result, taskerRef: taskerReference(result) });
      } else if (keyed) {
        await releaseKey(tx, row.agent.id, row.idempotency_key!, row.claim_token!);
      }
      await this.deps.audit.append(tx, {
        kind: 'tool.reconciled',
        actor: SYSTEM,
        agentId: row.agent.id,
        ownerUserId: row.agent.owner_user_id,
        subject: { type: 'decision', id: row.decision_id },
        requestId: null,
        outcome: verdict.landed ? 'success' : 'failure',
        detail: {
          decision_id: row.decision_id,
          tool: row.tool,
          found: verdict.landed,
          was: row.status === 'unknown' ? 'outcome_unknown' : 'holder_gone',
          tasker: result === undefined ? null : taskerReference(result),
          idempotency_key: keyed ? (result !== undefined ? 'completed' : 'released') : null,
          checks: row.checks,
        },
      });
    });
    this.logger.info('reconciled a Tasker write', { decision_id: row.decision_id, tool: row.tool, found: verdict.landed });
  }
}
