import type { LiveGrant } from '../identity/index.js';
import { sql, type EntityManager } from '../store/index.js';

/** Arbitrary but fixed: the class of the per-agent advisory locks (the chain lock is 4_100_002). */
export const AGENT_USAGE_LOCK_CLASS = 4_100_003;

/**
 * Whether a budget of one of these grants depends on the agent's usage. Only then do the agent's
 * decisions take turns (see lockAgentUsage): everyone else decides without waiting on anyone.
 */
export function hasUsageLimits(grants: readonly LiveGrant[]): boolean {
  return grants.some((g) => typeof g.constraints.write_budget_per_hour === 'number' || typeof g.constraints.calls_per_minute === 'number');
}

/**
 * Takes the agent's usage lock for the rest of the transaction. A caller that reads the usage,
 * decides and records the decision while holding it sees every decision recorded before it (the
 * counters are kept in the same transaction as each decision), so calls arriving together cannot
 * all spend the same last unit of a budget. Agents whose ids hash alike merely take turns.
 */
export async function lockAgentUsage(tx: EntityManager, agentId: string): Promise<void> {
  if (!tx.isInTransaction()) throw new Error('lockAgentUsage needs an open transaction');
  await sql(tx, 'select pg_advisory_xact_lock(?, hashtext(?))', [AGENT_USAGE_LOCK_CLASS, agentId]);
}

/**
 * Runs the calls of one agent one after another within this process, so that at most one of its
 * transactions at a time holds a pool connection while waiting for the agent's usage lock (the
 * database lock still orders the agent's calls across processes).
 */
export class AgentTurns {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(agentId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(agentId) ?? Promise.resolve();
    const mine = before.then(fn);
    const tail = mine.catch(() => undefined);
    this.tails.set(agentId, tail);
    try {
      return await mine;
    } finally {
      if (this.tails.get(agentId) === tail) this.tails.delete(agentId);
    }
  }
}
