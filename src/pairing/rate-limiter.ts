import { sql, type EntityManager } from '../store/index.js';

/**
 * Fixed-window counters in PostgreSQL, so a limit holds however many gateway instances share the
 * database. Each hit is one upsert; old windows are swept by `sweep`.
 */
export class PgRateLimiter {
  /** Counts one event in the bucket's current window and returns the window's total. */
  async hit(em: EntityManager, bucket: string, windowSeconds: number): Promise<number> {
    const [row] = await sql<{ count: number }>(
      em,
      `insert into rate_limit_counters (bucket, window_start, count)
         values (?, to_timestamp(floor(extract(epoch from now()) / ?) * ?), 1)
       on conflict (bucket, window_start) do update set count = rate_limit_counters.count + 1
       returning count`,
      [bucket, windowSeconds, windowSeconds],
    );
    return Number(row?.count ?? 0);
  }

  /** The current window's total without counting anything. */
  async current(em: EntityManager, bucket: string, windowSeconds: number): Promise<number> {
    const [row] = await sql<{ count: number }>(
      em,
      `select count from rate_limit_counters where bucket = ? and window_start = to_timestamp(floor(extract(epoch from now()) / ?) * ?)`,
      [bucket, windowSeconds, windowSeconds],
    );
    return Number(row?.count ?? 0);
  }

  async sweep(em: EntityManager, olderThanSeconds = 86400): Promise<void> {
    await sql(em, `delete from rate_limit_counters where window_start < now() - make_interval(secs => ?)`, [olderThanSeconds]);
  }
}
