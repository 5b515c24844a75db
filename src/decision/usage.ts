import { sql, type EntityManager } from '../store/index.js';

export interface Usage {
  calls_last_minute: number;
  writes_last_hour: number;
}

/**
 * The agent's usage, counted from the decisions in the audit log, so every gateway instance sees
 * the same numbers without a counter of its own:
 *  - calls_last_minute: the agent's own calls (any tool, any result) in the last 60 seconds;
 *  - writes_last_hour: write and destructive calls allowed in the last hour (an approved action
 *    counts when its approval lets it run).
 * Each count matches the predicate of a partial index (migration 0030), so it is a range scan of
 * just the rows it counts. Concurrent calls may read the same counts, so a budget can be overrun
 * by the calls in flight.
 */
export async function loadUsage(em: EntityManager, agentId: string): Promise<Usage> {
  const [row] = await sql<Usage>(
    em,
    `select (select count(*) from audit_events
              where agent_id = ? and kind = 'decision' and actor_type = 'agent'
                and occurred_at > now() - interval '1 minute')::int as calls_last_minute,
            (select count(*) from audit_events
              where agent_id = ? and kind = 'decision' and (detail->>'result') = 'allow' and (detail->>'tool_kind') in ('write', 'destructive')
                and occurred_at > now() - interval '1 hour')::int as writes_last_hour`,
    [agentId, agentId],
  );
  return { calls_last_minute: Number(row?.calls_last_minute ?? 0), writes_last_hour: Number(row?.writes_last_hour ?? 0) };
}
