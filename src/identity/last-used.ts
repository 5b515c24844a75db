import type { Logger } from '../log/index.js';
import type { Orm } from '../store/index.js';
import { sql } from '../store/index.js';

interface Sighting {
  at: Date;
  address: string;
}

/**
 * Remembers when and from where each token was last used, and writes that in one UPDATE per
 * interval (and at shutdown) instead of one write per request. Losing a few seconds of "last used"
 * in a crash is acceptable; a write on every authenticated request is not.
 */
export class LastUsedRecorder {
  private pending = new Map<string, Sighting>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
  ) {}

  record(tokenId: string, address: string, at = new Date()): void {
    this.pending.set(tokenId, { at, address });
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.entries()].map(([id, s]) => ({ id, at: s.at.toISOString(), ip: s.address }));
    this.pending = new Map();
    try {
      await sql(
        this.orm.em.fork(),
        `update agent_tokens t set last_used_at = greatest(t.last_used_at, v.at), last_used_ip = v.ip
           from jsonb_to_recordset(?::jsonb) as v(id uuid, at timestamptz, ip text) where t.id = v.id`,
        [JSON.stringify(batch)],
      );
    } catch (err) {
      this.logger.warn('could not record token last-used times', { error: err instanceof Error ? err.message : String(err), tokens: batch.length });
    }
    return batch.length;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
