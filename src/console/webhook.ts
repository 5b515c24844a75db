import type { Logger } from '../log/index.js';
import { asDate, sql, type Orm } from '../store/index.js';

export interface WebhookSettings {
  url: string;
  /** The console's origin, for the link in the notice. */
  origin(): string;
  maxAttempts?: number;
  timeoutMs?: number;
  /** Backoff of the first retry; doubled per attempt. */
  retryBaseMs?: number;
}

interface DueRow {
  action_id: string;
  attempts: number;
  status: string | null;
  tool: string | null;
  agent_id: string | null;
  owner_user_id: string | null;
  resource: unknown;
  approval_reasons: unknown;
  expires_at: Date | string | null;
  display_name: string | null;
}

/** The JSON a webhook receives: what waits, for whom, and the inbox link; never the arguments. */
export function webhookBody(row: DueRow, origin: string): Record<string, unknown> {
  return {
    type: 'approval.requested',
    action: {
      id: row.action_id,
      tool: row.tool,
      agent_id: row.agent_id,
      agent_name: row.display_name,
      owner_user_id: row.owner_user_id,
      resource: row.resource,
      reasons: row.approval_reasons,
      expires_at: row.expires_at ? asDate(row.expires_at).toISOString() : null,
    },
    inbox_url: `${origin}/console/approvals/${row.action_id}`,
  };
}

/**
 * Sends the approval webhook. Each parked action has one queued delivery (migration 0101, written
 * with the action); any instance claims due ones with SKIP LOCKED, so one sends each. A failed
 * send is retried with backoff and logged; the request that parked the action never waits for it.
 */
export class ApprovalWebhook {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly settings: WebhookSettings,
  ) {}

  /** Checks for due deliveries now (coalesced with a run in progress). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => {
        this.logger.warn('approval webhook run failed', { error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  start(intervalMs = 5_000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.claim();
      if (due.length === 0) return;
      await Promise.all(due.map((row) => this.deliver(row)));
    }
  }

  /** Claims up to 10 due deliveries: a claimed row is not due again until its lease (a minute) ends. */
  private async claim(): Promise<DueRow[]> {
    return sql<DueRow>(
      this.orm.em.fork(),
      `with due as (
         select action_id from approval_webhook_deliveries
          where status = 'queued' and next_attempt_at <= now()
          order by next_attempt_at limit 10 for update skip locked
       ), claimed as (
         update approval_webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + interval '60 seconds'
           from due where d.action_id = due.action_id
         returning d.action_id, d.attempts
       )
       select c.action_id, c.attempts, p.status, p.tool, p.agent_id, p.owner_user_id, p.resource, p.approval_reasons, p.expires_at, a.display_name
         from claimed c left join pending_actions p on p.id = c.action_id left join agents a on a.id = p.agent_id`,
    );
  }

  private async deliver(row: DueRow): Promise<void> {
    if (row.status !== 'pending') return this.finish(row.action_id, 'skipped', null);
    const error = await this.send(webhookBody(row, this.settings.origin()));
    if (error === undefined) return this.finish(row.action_id, 'delivered', null);
    const maxAttempts = this.settings.maxAttempts ?? 6;
    if (row.attempts >= maxAttempts) {
      this.logger.error('approval webhook failed for good', { action_id: row.action_id, attempts: row.attempts, error });
      return this.finish(row.action_id, 'failed', error);
    }
    const delayMs = (this.settings.retryBaseMs ?? 2_000) * 2 ** (row.attempts - 1);
    this.logger.warn('approval webhook failed; will retry', { action_id: row.action_id, attempts: row.attempts, retry_in_ms: delayMs, error });
    await sql(this.orm.em.fork(), `update approval_webhook_deliveries set last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where action_id = ?`, [
      error,
      delayMs / 1000,
      row.action_id,
    ]);
  }

  /** Undefined when the receiver answered 2xx, else why not. */
  private async send(body: Record<string, unknown>): Promise<string | undefined> {
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'nodedc-agent-gateway' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 5_000),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (err) {
      return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }

  private async finish(actionId: string, status: 'delivered' | 'failed' | 'skipped', error: string | null): Promise<void> {
    await sql(
      this.orm.em.fork(),
      `update approval_webhook_deliveries set status = ?, last_error = ?, delivered_at = case when ? = 'delivered' then now() else null end where action_id = ?`,
      [status, error, status, actionId],
    );
  }
}
