import type { EntityManager } from '../store/index.js';
import type { AuditEventInput, AuditRecord } from './event.js';
import { StaleChainHead, appendAfterHead, prepareEvent, readChainHead, type ChainHead, type PreparedEvent } from './chain-writer.js';
import { isEventFault, refusalEvent } from './refusal.js';

interface Waiter {
  source: AuditEventInput;
  prepared: PreparedEvent;
  resolve(record: AuditRecord): void;
  reject(err: unknown): void;
}

/** Bounds one INSERT's parameters (14 per row) well below PostgreSQL's 65,535. */
export const MAX_BATCH = 500;

/**
 * How often a batch is re-chained behind a freshly read head when other writers keep appending in
 * between; each retry means another writer made progress, so this bounds starvation, not failure.
 */
export const MAX_STALE_RETRIES = 20;

/** How long a lazy event may wait for a batch to ride with before it is written on its own. */
export const LAZY_FLUSH_MS = 10;

export interface AppendOptions {
  /**
   * For an event nobody waits on before acting (an outcome recorded after the answer went out):
   * instead of starting a commit of its own, it joins the next batch, or is written on its own
   * after LAZY_FLUSH_MS. Its promise still settles only after its commit.
   */
  lazy?: boolean;
  /**
   * Inside a transaction: whether to wait first for the events this process has queued, so the
   * chain keeps this process's order (default true). A transaction that holds other locks sets it
   * false: waiting would need a pool connection for the queue's batch, and under load the pool
   * may be held by transactions that wait on those same locks.
   */
  afterQueued?: boolean;
}

/**
 * Group commit for events that are not part of a caller's transaction: they queue, and every
 * queued event is written by ONE statement (one round trip, one commit, so one fsync). The
 * appender remembers the chain head it last wrote, so a batch needs no read first; when another
 * writer (another process, or a transaction of this one) appended since, the statement is refused
 * whole and the batch is chained again behind the new head. A caller's promise settles only after that commit.
 * One event the database refuses never fails the others (see writeBatch): the batch is split and
 * the halves written again until the refused event stands alone; its caller alone is rejected (a
 * caller that must not act on an unrecorded decision fails closed) and the refusal itself is
 * recorded as an `audit.event_refused` event. A failure of the database itself (connection lost,
 * shutdown) rejects every caller of the batch. While a batch is being written, new events
 * queue for the next one; when idle, a batch starts at once (after the current tick, so events
 * appended together go together), never after a timer.
 */
export class GroupCommitAppender {
  private queue: Waiter[] = [];
  private writing = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  /** Settles once the last queued event is written or refused (batches keep queue order). */
  private tail: Promise<void> = Promise.resolve();
  /** The head this appender last wrote or read; unknown at first and after any failure. */
  private head: ChainHead | undefined;

  /** `em` only names the database (the pool of its driver) that batches are written to. */
  constructor(private readonly em: EntityManager) {}

  append(event: AuditEventInput, options: AppendOptions = {}): Promise<AuditRecord> {
    let prepared: PreparedEvent;
    try {
      prepared = prepareEvent(event);
    } catch (err) {
      return Promise.reject(err);
    }
    const appended = new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ source: event, prepared, resolve, reject });
      if (options.lazy) this.startSoon();
      else this.start();
    });
    this.tail = appended.then(
      () => undefined,
      () => undefined,
    );
    return appended;
  }

  /** Resolves when every event queued so far has been written or refused (lazy ones are written now). */
  settled(): Promise<void> {
    if (this.queue.length > 0) this.start();
    return this.tail;
  }

  private start(): void {
    if (this.lazyTimer) (clearTimeout(this.lazyTimer), (this.lazyTimer = undefined));
    if (this.writing) return;
    this.writing = true;
    queueMicrotask(() => void this.drain());
  }

  private startSoon(): void {
    if (this.writing || this.lazyTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined;
      this.start();
    }, LAZY_FLUSH_MS);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.writing = false;
    }
  }

  /**
   * Writes a batch; when the database refuses it for something an event holds (see isEventFault),
   * writes each half again, so a poisoned event costs about 2·log2(batch) extra statements and
   * fails only its own caller.
   */
  private async writeBatch(batch: Waiter[]): Promise<void> {
    let records: AuditRecord[];
    try {
      records = await this.appendToChain(batch.map((w) => w.prepared));
    } catch (err) {
      if (!isEventFault(err)) {
        for (const waiter of batch) waiter.reject(err);
        return;
      }
      if (batch.length === 1) return this.refuse(batch[0]!, err);
      const half = Math.ceil(batch.length / 2);
      await this.writeBatch(batch.slice(0, half));
      await this.writeBatch(batch.slice(half));
      return;
    }
    batch.forEach((waiter, i) => waiter.resolve(records[i]!));
  }

  /** Records that an event was refused (what it was, a digest of its detail, why), then rejects its caller. */
  private async refuse(waiter: Waiter, err: unknown): Promise<void> {
    try {
      await this.appendToChain([prepareEvent(refusalEvent(waiter.source, waiter.prepared, err))]);
    } catch {
      // The caller's rejection below carries the error; its caller logs it.
    }
    waiter.reject(err);
  }

  private async appendToChain(events: PreparedEvent[]): Promise<AuditRecord[]> {
    const em = this.em;
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.head ??= await readChainHead(em);
        const records = await appendAfterHead(em, this.head, events);
        const last = records[records.length - 1]!;
        this.head = { seq: BigInt(last.seq), hash: last.hash };
        return records;
      } catch (err) {
        this.head = undefined;
        if (!(err instanceof StaleChainHead) || attempt >= MAX_STALE_RETRIES) throw err;
      }
    }
  }
}
