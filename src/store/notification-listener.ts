import pg from 'pg';

/** What a listener tells its owner: a message, or that it can (no longer) vouch for having seen every message. */
export interface ListenerEvents {
  /** LISTEN is in place on a fresh connection; messages sent before this moment were missed. */
  onUp(): void;
  /** The connection is gone or did not answer in time; messages may be missed until the next onUp. */
  onDown(reason: string): void;
  onMessage(payload: string): void;
}

export interface ListenerOptions {
  connectionString: string;
  channel: string;
  /** How often the connection proves it is alive (a `select 1` round trip). */
  heartbeatMs?: number;
  /** How long a connect, LISTEN or heartbeat may take before the connection counts as lost. */
  timeoutMs?: number;
  /** Wait before reconnecting, doubled per failed attempt up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One dedicated PostgreSQL connection (not from the pool: a pooled connection is handed to others
 * and LISTEN is per session) that LISTENs on one channel and reconnects when lost. It reports
 * up/down so that a cache relying on its messages can stop trusting itself the moment it might
 * have missed one. "Up" is renewed by a heartbeat: PostgreSQL delivers pending notifications
 * before answering a query on the session, so a heartbeat answered at time T proves every message
 * committed before the heartbeat was sent has arrived; `confirmedAt` lets the owner bound how old
 * that proof may be (a half-open TCP connection never errors, it just stops answering).
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  private live = false;
  /** performance-clock ms of the last proof that no message can have been missed (0: none). */
  private confirmed = 0;

  constructor(
    private readonly options: ListenerOptions,
    private readonly events: ListenerEvents,
  ) {
    if (!CHANNEL_NAME.test(options.channel)) throw new Error(`not a plain channel name: ${options.channel}`);
  }

  /** Whether LISTEN is in place and the connection answered within `maxAgeMs`. */
  isUp(maxAgeMs: number, now = performance.now()): boolean {
    return this.live && now - this.confirmed <= maxAgeMs;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.markDown('stopped');
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      application_name: 'agent-gateway-listener',
    });
    this.client = client;
    client.on('notification', (message) => {
      if (client === this.client && message.channel === this.options.channel) this.events.onMessage(message.payload ?? '');
    });
    client.on('error', (err) => this.lost(client, err.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`listen ${this.options.channel}`);
    } catch (err) {
      this.lost(client, err instanceof Error ? err.message : String(err));
      return;
    }
    if (client !== this.client) return;
    this.attempt = 0;
    this.live = true;
    this.confirmed = performance.now();
    this.events.onUp();
    this.heartbeat = setInterval(() => void this.beat(client), this.options.heartbeatMs ?? 1_000);
    this.heartbeat.unref();
  }

  private async beat(client: pg.Client): Promise<void> {
    const sent = performance.now();
    try {
      await client.query('select 1');
      if (client === this.client && this.live) this.confirmed = sent;
    } catch (err) {
      this.lost(client, err instanceof Error ? err.message : String(err));
    }
  }

  /** The connection `client` failed: forget it, report down once, and try again later. */
  private lost(client: pg.Client, reason: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    this.markDown(reason);
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    const wait = Math.min((this.options.retryMs ?? 100) * 2 ** this.attempt, this.options.maxRetryMs ?? 5_000);
    this.attempt += 1;
    this.retry = setTimeout(() => void this.connect(), wait);
    this.retry.unref();
  }

  private markDown(reason: string): void {
    const was = this.live;
    this.live = false;
    this.confirmed = 0;
    if (was) this.events.onDown(reason);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 2_000;
  }
}
