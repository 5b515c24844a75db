import type { Logger } from '../log/index.js';
import type { PolicyEngine } from '../policy/index.js';
import { runPrepared, sql, type EntityManager, type Orm, type PreparedStatement } from '../store/index.js';

export interface Usage {
  calls_last_minute: number;
  writes_last_hour: number;
}

/**
 * The agent's usage, from the per-second counters a trigger keeps beside the audit log (migration
 * 0040), so every gateway instance sees the same numbers without a counter of its own:
 *  - calls_last_minute: the agent's own calls (any tool, any result) in the last minute;
 *  - writes_last_hour: write and destructive calls allowed in the last hour (an approved action
 *    counts when its approval lets it run).
 * Each window starts at the beginning of its first second, so it spans up to one second more than
 * its name: a budget errs towards refusing, never towards letting more through. Calls of an agent
 * with a budget read these under its usage lock (usage-lock.ts), so calls in flight cannot all
 * spend the same last unit. `agentExpression` is a placeholder, or the column of usage-batch.ts's
 * statement that reads many agents at once.
 */
export function usageSelect(agentExpression: string): string {
  return `select ${usageColumns(agentExpression)}`;
}

function usageColumns(agent: string): string {
  return `coalesce((select sum(calls) from agent_usage_buckets
                         where agent_id = ${agent} and bucket_start >= date_trunc('second', now() - interval '1 minute')), 0)::int as calls_last_minute,
                coalesce((select sum(writes) from agent_usage_buckets
                         where agent_id = ${agent} and writes > 0 and bucket_start >= date_trunc('second', now() - interval '1 hour')), 0)::int as writes_last_hour`;
}

/** What the decision input says when the serving policy reads no usage: nothing was counted for it. */
export const UNREAD_USAGE: Usage = Object.freeze({ calls_last_minute: 0, writes_last_hour: 0 });

/**
 * Whether the policy now serving reads `input.usage`, as its compiler recorded (the manifest's
 * `input_paths`, the same list that projects the input): a build that lists no paths, or the
 * whole input, reads everything. Any rule on usage a policy gains puts `usage` in that list, so
 * this needs no hand-kept flag. Until a build is loaded it says yes, so a call takes the usual way
 * to its `policy_unavailable` denial. The shipped policy reads usage (its budget rules), so today
 * every call still reads it; a policy without usage rules saves the round trip.
 */
export function policyReadsUsage(engine: Pick<PolicyEngine, 'ready' | 'manifest'>): boolean {
  if (!engine.ready) return true;
  const paths = engine.manifest.input_paths;
  return paths === undefined || paths.some((path) => path.length === 0 || path[0] === 'usage');
}

const LOAD_USAGE: PreparedStatement = { name: 'decision_load_usage', text: usageSelect('$1') };

export function usageOf(row: Usage | undefined): Usage {
  return { calls_last_minute: Number(row?.calls_last_minute ?? 0), writes_last_hour: Number(row?.writes_last_hour ?? 0) };
}

export async function loadUsage(em: EntityManager, agentId: string): Promise<Usage> {
  const [row] = await runPrepared<Usage>(em, LOAD_USAGE, [agentId]);
  return usageOf(row);
}

/** The same, on the connection of the caller's transaction (which holds the agent's usage lock). */
export async function loadUsageIn(tx: EntityManager, agentId: string): Promise<Usage> {
  const [row] = await sql<Usage>(tx, usageSelect('?'), [agentId, agentId]);
  return usageOf(row);
}

/** Counters older than the longest window count for nothing any more. */
export async function purgeUsageBuckets(em: EntityManager): Promise<number> {
  const rows = await sql<{ n: number }>(
    em,
    `with gone as (delete from agent_usage_buckets where bucket_start < date_trunc('second', now() - interval '1 hour') - interval '1 second' returning 1)
     select count(*)::int as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** How often old usage counters are deleted; every instance may do it, the deletes do not conflict. */
export const USAGE_PURGE_INTERVAL_MS = 60_000;

/** Purges old counters every interval until the returned function is called; the timer does not keep the process alive. */
export function startPurgingUsage(orm: Orm, logger: Logger, intervalMs = USAGE_PURGE_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    purgeUsageBuckets(orm.em.fork()).catch((err: unknown) => logger.warn('could not purge old usage counters', { error: err instanceof Error ? err.message : String(err) }));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
