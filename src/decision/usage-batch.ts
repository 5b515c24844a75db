import { runPrepared, type Orm, type PreparedStatement } from '../store/index.js';
import { usageOf, usageSelect, type Usage } from './usage.js';

/**
 * One statement for the usage of every call that asks in the same turn of the event loop.
 * Under load, calls arrive together, each needing its agent's usage before its decision; reading
 * them one statement each cost a round trip per call on the gateway and on PostgreSQL (which
 * shares the machine). The reads of one turn are queued and sent, after the turn, as one
 * statement over the distinct agents; every caller gets its own agent's row. A call alone waits
 * only for the end of its turn. The figures are those a read of its own at that moment would
 * give: the counters change only when a decision commits, and none of these callers has.
 * Calls of an agent with a budget do not come here: they read under the agent's usage lock.
 */
const LOAD_USAGES: PreparedStatement = {
  name: 'decision_load_usages',
  text: `select a.id::text as agent_id, u.calls_last_minute, u.writes_last_hour
           from unnest($1::uuid[]) as a(id)
           cross join lateral (${usageSelect('a.id')}) as u`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Waiting {
  resolve(usage: Usage): void;
  reject(err: unknown): void;
}

export class UsageBatch {
  private queued = new Map<string, Waiting[]>();
  private scheduled = false;
  /** Statements sent so far (each serving every read of one turn). */
  statements = 0;

  constructor(private readonly orm: Orm) {}

  read(agentId: string): Promise<Usage> {
    // One malformed id would fail the statement for every agent of its turn: it fails alone.
    if (!UUID.test(agentId)) return Promise.reject(new Error(`usage: ${JSON.stringify(agentId)} is not an agent id`));
    return new Promise<Usage>((resolve, reject) => {
      const waiting = this.queued.get(agentId);
      if (waiting) waiting.push({ resolve, reject });
      else this.queued.set(agentId, [{ resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = new Map();
    this.scheduled = false;
    this.statements += 1;
    try {
      const rows = await runPrepared<Usage & { agent_id: string }>(this.orm.em, LOAD_USAGES, [[...batch.keys()]]);
      const byAgent = new Map(rows.map((row) => [row.agent_id, usageOf(row)]));
      for (const [agentId, waiting] of batch) {
        const usage = byAgent.get(agentId) ?? usageOf(undefined);
        for (const w of waiting) w.resolve(usage);
      }
    } catch (err) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(err);
    }
  }
}
