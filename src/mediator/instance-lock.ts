import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log/index.js';
import { sql, type EntityManager } from '../store/index.js';

/**
 * Who is running a write: each gateway process holds a session-level PostgreSQL advisory lock on
 * a random key for its whole life, on a connection of its own, and stamps that key on the writes
 * and approved actions it runs. PostgreSQL frees a session lock the moment its connection ends, so
 * when a process dies (SIGKILL included) every other instance sees at once that its writes have no
 * holder, without heartbeats or clocks, and several instances sharing one database never mistake
 * a live holder for a dead one. (Needs session-level locks: no transaction-pooling proxy between
 * the gateway and PostgreSQL.)
 *
 * If the lock connection is lost while the process lives, others may take its writes for
 * orphaned; the reconciler then only reads Tasker and settles a write that a live holder would
 * settle the same way, so the harm is a duplicate audit event, never a duplicate write.
 */
export class InstanceLock {
  private client: pg.Client | null = null;
  private closed = false;

  private constructor(
    /** The advisory lock key, a signed 64-bit integer as decimal text. */
    readonly key: string,
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  static async acquire(databaseUrl: string, logger: Logger): Promise<InstanceLock> {
    // Never 0: approvals use that key for "held by nobody" (OUTCOME_UNKNOWN_HOLDER).
    const key = randomBytes(8).readBigInt64BE() || 1n;
    const lock = new InstanceLock(key.toString(), databaseUrl, logger);
    await lock.connect();
    return lock;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'agent-gateway instance lock' });
    client.on('error', (err) => this.lost(client, err));
    await client.connect();
    await client.query('select pg_advisory_lock($1::bigint)', [this.key]);
    this.client = client;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.logger.error('the instance lock connection was lost; reconnecting', { error: err.message });
    void client.end().catch(() => undefined);
    const retry = (delayMs: number) =>
      setTimeout(() => {
        if (this.closed) return;
        this.connect().catch(() => retry(Math.min(delayMs * 2, 5_000)));
      }, delayMs).unref();
    retry(200);
  }
}

/**
 * The holders among `keys` whose gateway is gone: their lock is free. Tried with transaction-level
 * locks, which end with this short transaction, so nothing stays held.
 */
export async function goneHolders(em: EntityManager, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await em.fork().transactional((tx) =>
    // An array literal: the query builder would spread a JS array into a list of parameters.
    sql<{ key: string; free: boolean }>(tx, 'select k::text as key, pg_try_advisory_xact_lock(k) as free from unnest(?::bigint[]) as k', [`{${keys.join(',')}}`]),
  );
  return new Set(rows.filter((r) => r.free).map((r) => r.key));
}
