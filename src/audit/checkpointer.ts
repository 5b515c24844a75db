import { GatewayError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { sql, type EntityManager } from '../store/index.js';
import type { AuditLog } from './audit-log.js';
import { AUDIT_CHAIN_LOCK_KEY } from './chain-writer.js';
import { CHECKPOINT_KIND, parseCheckpoint, signCheckpoint, verifyCheckpointSignature, type SignedCheckpoint } from './checkpoint.js';
import type { CheckpointSigningKey } from './checkpoint-key.js';
import type { Actor } from './event.js';

export type CheckpointTrigger = 'periodic' | 'on_demand';

export interface CheckpointResult {
  checkpoint: SignedCheckpoint;
  /** False when the head was already the event of a checkpoint by this key, which is returned instead. */
  created: boolean;
  /** The seq of the event that records the checkpoint (one after the seq it signs). */
  event_seq: string;
}

export interface CheckpointerOptions {
  /** Forked for every use; names the database. */
  em: EntityManager;
  audit: AuditLog;
  key: CheckpointSigningKey;
  logger: Logger;
  /** 0 disables periodic checkpoints. */
  intervalSeconds: number;
}

interface HeadRow {
  seq: string;
  hash: string;
  kind: string;
  detail: Record<string, unknown>;
}

const PERIODIC_ACTOR: Actor = { type: 'system', id: 'audit-checkpointer' };

async function readHead(em: EntityManager): Promise<HeadRow | undefined> {
  const [head] = await sql<HeadRow>(em, 'select seq, hash, kind, detail from audit_events order by seq desc limit 1');
  return head ? { ...head, seq: String(head.seq) } : undefined;
}

/**
 * Periodic checkpoints are due `interval` after the latest one (or, before the first, after the
 * chain's first event). Judged by the database clock, so every instance agrees.
 */
async function isDue(em: EntityManager, intervalSeconds: number): Promise<boolean> {
  const [row] = await sql<{ due: boolean | null }>(
    em,
    `select coalesce(
       (select occurred_at from audit_events where kind = ? order by seq desc limit 1),
       (select occurred_at from audit_events order by seq asc limit 1)
     ) <= clock_timestamp() - ? * interval '1 second' as due`,
    [CHECKPOINT_KIND, intervalSeconds],
  );
  return row?.due === true;
}

/** How often the timer looks whether a checkpoint is due: a quarter interval, between 0.25 s and a minute. */
function tickMs(intervalSeconds: number): number {
  return Math.round(Math.min(60, Math.max(0.25, intervalSeconds / 4)) * 1000);
}

/**
 * Signs the audit chain's head into checkpoints, on demand and every `intervalSeconds`. Each new
 * checkpoint is appended to the chain as an `audit.checkpoint` event, under the chain lock, so the
 * head it signs is exactly the event before its own; and it is logged as one line, so a copy
 * leaves the database. The head never moves by a checkpoint alone: while the head is a
 * checkpoint's own event, that checkpoint is the current one and nothing new is signed, which
 * keeps several instances from piling up checkpoints of an idle chain.
 */
export class AuditCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: CheckpointerOptions) {}

  get key(): CheckpointSigningKey {
    return this.options.key;
  }

  /** The current checkpoint, signing a new one unless the head is already one; undefined for an empty chain. */
  async checkpoint(actor: Actor, requestId?: string): Promise<CheckpointResult | undefined> {
    return this.signHead('on_demand', actor, requestId ?? null);
  }

  /** A periodic checkpoint if one is due and the head has moved; undefined otherwise. */
  async checkpointIfDue(): Promise<CheckpointResult | undefined> {
    const { em, intervalSeconds } = this.options;
    const head = await readHead(em.fork());
    // Checked first without the chain lock, so an idle tick costs appenders nothing.
    if (!head || head.kind === CHECKPOINT_KIND || !(await isDue(em.fork(), intervalSeconds))) return undefined;
    return this.signHead('periodic', PERIODIC_ACTOR, null, (tx) => isDue(tx, intervalSeconds));
  }

  /** The latest checkpoint recorded in the chain, by any instance; undefined when there is none. */
  async latest(): Promise<SignedCheckpoint | undefined> {
    const em = this.options.em.fork();
    await this.options.audit.settled(em);
    const [row] = await sql<{ detail: Record<string, unknown> }>(em, 'select detail from audit_events where kind = ? order by seq desc limit 1', [CHECKPOINT_KIND]);
    if (!row) return undefined;
    try {
      return parseCheckpoint(row.detail.checkpoint);
    } catch (err) {
      throw new GatewayError('service_unavailable', 'The latest recorded audit checkpoint is malformed; run agent-gateway audit verify.', { cause: err });
    }
  }

  start(): void {
    if (this.options.intervalSeconds <= 0 || this.timer || this.stopped) return;
    this.schedule();
  }

  /** Stops the timer and waits for a checkpoint in progress (call before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule();
      });
    }, tickMs(this.options.intervalSeconds));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.checkpointIfDue();
    } catch (err) {
      // The next tick tries again; a missed checkpoint weakens evidence but must not stop the gateway.
      this.options.logger.warn('audit checkpoint failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** The head's checkpoint if the head is the event of one signed by this key (the head has not moved since). */
  private standing(head: HeadRow): SignedCheckpoint | undefined {
    if (head.kind !== CHECKPOINT_KIND) return undefined;
    try {
      const checkpoint = parseCheckpoint(head.detail.checkpoint);
      if (BigInt(checkpoint.seq) + 1n !== BigInt(head.seq)) return undefined;
      return verifyCheckpointSignature(checkpoint, this.options.key).ok ? checkpoint : undefined;
    } catch {
      return undefined;
    }
  }

  private async signHead(trigger: CheckpointTrigger, actor: Actor, requestId: string | null, stillDue?: (tx: EntityManager) => Promise<boolean>): Promise<CheckpointResult | undefined> {
    const { em, audit, key, logger } = this.options;
    const fork = em.fork();
    // This process's queued events go first, so an on-demand checkpoint covers what it just did.
    await audit.settled(fork);
    const result = await fork.transactional(async (tx): Promise<CheckpointResult | undefined> => {
      await sql(tx, 'select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK_KEY]);
      const head = await readHead(tx);
      if (!head) return undefined;
      const standing = this.standing(head);
      if (standing) return trigger === 'periodic' ? undefined : { checkpoint: standing, created: false, event_seq: head.seq };
      // Another instance may have made the checkpoint between the unlocked look and the lock.
      if (stillDue && !(await stillDue(tx))) return undefined;
      const checkpoint = signCheckpoint(head, new Date(), key);
      const record = await audit.append(tx, {
        kind: CHECKPOINT_KIND,
        actor,
        requestId,
        subject: { type: 'audit_event', id: head.seq },
        outcome: 'success',
        detail: { checkpoint, trigger },
      });
      return { checkpoint, created: true, event_seq: record.seq };
    });
    if (result?.created) logger.info('audit checkpoint', { ...result.checkpoint, event_seq: result.event_seq, trigger });
    return result;
  }
}
