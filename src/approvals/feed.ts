import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../log/index.js';
import type { PendingActionStatus } from './pending-action.js';

/** A pending action was created or changed status (migration 0101's trigger announces it at commit). */
export interface ActionChange {
  id: string;
  owner_user_id: string;
  agent_id: string;
  status: PendingActionStatus;
}

const CHANNEL = 'pending_actions';

function parseChange(payload: string | undefined): ActionChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<ActionChange>;
    if (typeof value.id === 'string' && typeof value.owner_user_id === 'string' && typeof value.status === 'string') return value as ActionChange;
  } catch {
    // a payload nobody here wrote: ignored
  }
  return undefined;
}

/**
 * Listens for pending-action changes of every gateway instance on one PostgreSQL connection of
 * its own (LISTEN needs a session; the pool's connections are shared). Emits `change` per
 * notification and `resync` after a reconnect, when notifications may have been missed, so
 * listeners re-read instead of trusting the stream.
 */
export class ApprovalFeed extends EventEmitter<{ change: [ActionChange]; resync: [] }> {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      const change = msg.channel === CHANNEL ? parseChange(msg.payload) : undefined;
      if (change) this.emit('change', change);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.client = client;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.logger.warn('approval feed connection lost; reconnecting', { error: err.message });
    client.end().catch(() => undefined);
    this.scheduleReconnect(1_000);
  }

  private scheduleReconnect(delayMs: number): void {
    this.retry = setTimeout(() => {
      this.connect().then(
        () => this.emit('resync'),
        (err: unknown) => {
          this.logger.warn('approval feed could not reconnect', { error: err instanceof Error ? err.message : String(err) });
          if (!this.stopped) this.scheduleReconnect(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
