import type { EntityManager } from '../store/index.js';
import { sql } from '../store/index.js';
import type { AuditEventInput } from './event.js';
import { prepareEvent, writeChained, type PreparedEvent } from './chain-writer.js';
import { errorSummary, isEventFault } from './refusal.js';
import { recordableString } from './recordable.js';

/** Where an event that must not be lost ended up. */
export type Durability = 'chain' | 'outbox' | 'memory';

/** How many kept events one relay transaction appends. */
export const RELAY_BATCH = 200;
/** How often the relay runs while this instance knows of kept events. */
export const RELAY_INTERVAL_MS = 1_000;
/** While it knows of none, it still looks every this many intervals (events kept by other or crashed instances). */
const IDLE_LOOK_EVERY = 30;

interface OutboxRow {
  id: string;
  kept_at: Date | string;
  event: AuditEventInput;
}

export interface RelayPass {
  relayed: number;
  /** Kept events still waiting after the pass (outbox rows and events held in memory). */
  backlog: number;
  /** The last failure of the pass, if any event could not be appended. */
  error?: unknown;
}

export interface RelayHooks {
  /** After each pass that relayed something or saw a backlog. */
  onPass?(pass: RelayPass): void;
}

function errorText(err: unknown): string {
  return recordableString(errorSummary(err));
}

/** A kept event as the chain takes it; it was made storable when it was kept, so it is not encoded twice. */
function relayedEvent(row: OutboxRow): PreparedEvent {
  const keptAt = row.kept_at instanceof Date ? row.kept_at.toISOString() : new Date(row.kept_at).toISOString();
  const detail = { ...(row.event.detail ?? {}), kept_in_outbox: { id: String(row.id), kept_at: keptAt } };
  return { event: { ...row.event, detail }, detail };
}

/**
 * The audit chain's outbox (table `audit_outbox`, migration 0050): events that must not be lost
 * (the outcome of an executed call) and that the chain could not take at once are kept here, in
 * the same database, and appended by the relay once the chain takes them. Each relay transaction
 * appends its events and deletes their rows together, so an event is in the outbox or in the
 * chain, never both; `for update skip locked` lets every instance relay without doubling events.
 * If even the outbox cannot take an event (the database is unreachable), it is held in memory and
 * the relay retries it; that is the one state in which an event can still be lost (a crash).
 */
export class AuditOutbox {
  private held: Array<{ event: PreparedEvent; error: string }> = [];
  private knownBacklog = 0;

  /** `em` only names the database; statements run outside any caller's transaction. */
  constructor(private readonly em: EntityManager) {}

  /** Keeps an event the chain refused; returns where it is now kept. Never throws. */
  async keep(event: AuditEventInput, cause: unknown): Promise<Exclude<Durability, 'chain'>> {
    const prepared = prepareEvent(event);
    try {
      await this.insert(prepared, errorText(cause));
      this.knownBacklog += 1;
      return 'outbox';
    } catch (err) {
      this.held.push({ event: prepared, error: errorText(err) });
      return 'memory';
    }
  }

  private async insert(prepared: PreparedEvent, error: string): Promise<void> {
    const stored = { ...prepared.event, detail: prepared.detail };
    await sql(this.em.fork(), 'insert into audit_outbox (event, last_error) values (?::jsonb, ?)', [JSON.stringify(stored), error]);
  }

  /** Kept events waiting: outbox rows (all instances) and events held in this process's memory. */
  async backlog(): Promise<number> {
    const [row] = await sql<{ n: string }>(this.em.fork(), 'select count(*) as n from audit_outbox');
    return Number(row!.n) + this.held.length;
  }

  /**
   * One pass: moves held events into the outbox, then appends kept events to the chain, oldest
   * first, RELAY_BATCH per transaction, until none is left. When the chain refuses a batch for
   * what one of its events holds, each event is tried alone, so one refused event (left in the
   * outbox with its error and attempt count) never holds back the others.
   */
  async relay(): Promise<RelayPass> {
    let relayed = 0;
    let error: unknown;
    try {
      await this.flushHeld();
      for (;;) {
        const n = await this.appendRows();
        relayed += n;
        if (n < RELAY_BATCH) break;
      }
    } catch (err) {
      error = err;
      if (isEventFault(err)) relayed += await this.relayEachAlone();
    }
    let backlog = this.held.length;
    try {
      backlog = await this.backlog();
    } catch (err) {
      error ??= err;
    }
    this.knownBacklog = backlog;
    return { relayed, backlog, ...(error === undefined ? {} : { error }) };
  }

  private async flushHeld(): Promise<void> {
    while (this.held.length > 0) {
      const next = this.held[0]!;
      await this.insert(next.event, next.error);
      this.held.shift();
      this.knownBacklog += 1;
    }
  }

  /** One transaction: lock kept rows (the oldest RELAY_BATCH, or row `id`), append them, delete them. */
  private async appendRows(id?: string): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      const rows = await sql<OutboxRow>(
        tx,
        `select id, kept_at, event from audit_outbox ${id === undefined ? '' : 'where id = ?'} order by id limit ? for update skip locked`,
        id === undefined ? [RELAY_BATCH] : [id, 1],
      );
      if (rows.length === 0) return 0;
      await writeChained(tx, rows.map(relayedEvent));
      await sql(tx, `delete from audit_outbox where id in (${rows.map(() => '?').join(', ')})`, rows.map((r) => r.id));
      return rows.length;
    });
  }

  private async relayEachAlone(): Promise<number> {
    let relayed = 0;
    const rows = await sql<{ id: string }>(this.em.fork(), 'select id from audit_outbox order by id limit ?', [RELAY_BATCH]).catch(() => []);
    for (const { id } of rows) {
      try {
        relayed += await this.appendRows(String(id));
      } catch (err) {
        await sql(this.em.fork(), 'update audit_outbox set attempts = attempts + 1, last_error = ? where id = ?', [errorText(err), id]).catch(() => undefined);
      }
    }
    return relayed;
  }

  /**
   * Runs the relay now and then every RELAY_INTERVAL_MS while kept events are known, else every
   * IDLE_LOOK_EVERY intervals (one count query). Returns a stop function that waits for a running pass.
   */
  startRelay(hooks: RelayHooks = {}, intervalMs = RELAY_INTERVAL_MS): () => Promise<void> {
    let ticks = 0;
    let running: Promise<void> | undefined;
    const pass = () => {
      if (running) return;
      running = this.relay()
        .then((result) => {
          if (result.relayed > 0 || result.backlog > 0 || result.error !== undefined) hooks.onPass?.(result);
        })
        .finally(() => (running = undefined));
    };
    pass();
    const timer = setInterval(() => {
      ticks += 1;
      if (this.knownBacklog > 0 || this.held.length > 0 || ticks % IDLE_LOOK_EVERY === 0) pass();
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
