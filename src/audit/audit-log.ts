import type { EntityManager } from '../store/index.js';
import { sql, decodeCursor, encodeCursor, type Page } from '../store/index.js';
import { toRecord, type AuditEventInput, type AuditRecord, type AuditRow } from './event.js';
import { holdsChainLock, prepareEvent, writeChained } from './chain-writer.js';
import { GroupCommitAppender, type AppendOptions } from './group-commit.js';

export interface AuditFilter {
  agentId?: string;
  ownerUserId?: string;
  /** Exact kind, or a prefix ending in `.` or `.*` (e.g. `token.*`). */
  kind?: string;
  since?: Date;
  until?: Date;
}

interface SeqPosition extends Record<string, string | number> {
  seq: string;
}

function isSeqPosition(value: unknown): value is SeqPosition {
  return !!value && typeof value === 'object' && typeof (value as SeqPosition).seq === 'string' && /^\d{1,19}$/.test((value as SeqPosition).seq);
}

/**
 * The append-only, hash-chained audit log. Inside a caller's transaction, `append` writes there, so
 * a change and its event commit or roll back together. Outside one, the event joins a group commit
 * (see GroupCommitAppender) shared by every append of this process to the same database. Either
 * way the advisory lock makes appends from every process take turns, which keeps a single chain.
 */
export class AuditLog {
  /** One group-commit queue per database driver (per ORM), so events never cross databases. */
  private readonly appenders = new WeakMap<object, GroupCommitAppender>();

  /** `options.lazy` applies only outside a transaction, `options.afterQueued` only inside one (see AppendOptions). */
  async append(em: EntityManager, event: AuditEventInput, options: AppendOptions = {}): Promise<AuditRecord> {
    if (!em.isInTransaction()) return this.appenderFor(em).append(event, options);
    const prepared = prepareEvent(event);
    // Events this process queued earlier go first, so the chain keeps this process's order. Not
    // when this transaction already holds the chain lock: the queue's batch would wait for it.
    if (options.afterQueued !== false && !(await holdsChainLock(em))) await this.settled(em);
    const [record] = await writeChained(em, [prepared]);
    return record!;
  }

  /**
   * Resolves when every event this process queued for `em`'s database so far is written or
   * refused: a reader in this process then sees its own appends (read-your-writes).
   */
  async settled(em: EntityManager): Promise<void> {
    await this.appenders.get(em.getDriver())?.settled();
  }

  private appenderFor(em: EntityManager): GroupCommitAppender {
    const driver = em.getDriver();
    let appender = this.appenders.get(driver);
    if (!appender) {
      appender = new GroupCommitAppender(em.fork());
      this.appenders.set(driver, appender);
    }
    return appender;
  }

  /** Newest first, keyset-paginated by seq; includes every event this process queued before the call. */
  async query(em: EntityManager, filter: AuditFilter, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    await this.settled(em);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.agentId) (where.push('agent_id = ?'), params.push(filter.agentId));
    if (filter.ownerUserId) (where.push('owner_user_id = ?'), params.push(filter.ownerUserId));
    if (filter.kind) {
      const prefix = filter.kind.endsWith('.*') ? filter.kind.slice(0, -1) : filter.kind.endsWith('.') ? filter.kind : undefined;
      if (prefix) (where.push('starts_with(kind, ?)'), params.push(prefix));
      else (where.push('kind = ?'), params.push(filter.kind));
    }
    if (filter.since) (where.push('occurred_at >= ?'), params.push(filter.since));
    if (filter.until) (where.push('occurred_at < ?'), params.push(filter.until));
    if (cursor) (where.push('seq < ?'), params.push(decodeCursor(cursor, isSeqPosition).seq));
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const rows = await sql<AuditRow>(em, `select * from audit_events ${clause} order by seq desc limit ?`, [...params, limit + 1]);
    const items = rows.slice(0, limit).map(toRecord);
    const more = rows.length > limit;
    return { items, next_cursor: more ? encodeCursor({ seq: items[items.length - 1]!.seq }) : null };
  }
}
