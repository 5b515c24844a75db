import type { AuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import type { Orm } from '../store/index.js';
import { PgRateLimiter } from './rate-limiter.js';

/**
 * The per-address limits of the public pairing endpoints: a request budget per minute and a
 * failure budget per window after which the address is locked out until the window ends.
 * Counters live in PostgreSQL and are written outside the request's transaction, so a failed
 * attempt counts even though its transaction rolls back.
 */
export class PairingGuard {
  private readonly limiter = new PgRateLimiter();

  constructor(
    private readonly orm: Orm,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
  ) {}

  /** Counts the request and refuses it when the address is over its budget or locked. */
  async admit(address: string): Promise<void> {
    const em = this.orm.em.fork();
    const requests = await this.limiter.hit(em, `pairing:req:${address}`, 60);
    if (requests > this.config.pairingAddressMaxRequestsPerMinute) {
      throw new GatewayError('rate_limited', 'Too many pairing requests from this address; try again in a minute.');
    }
    const failures = await this.limiter.current(em, `pairing:fail:${address}`, this.config.pairingAddressWindowSeconds);
    if (failures >= this.config.pairingAddressMaxFailures) {
      throw new GatewayError('pairing_locked', 'Too many failed pairing attempts from this address; try again later.');
    }
  }

  /** Counts a failed attempt; audits the moment the address becomes locked. */
  async fail(address: string, requestId?: string): Promise<void> {
    const em = this.orm.em.fork();
    const failures = await this.limiter.hit(em, `pairing:fail:${address}`, this.config.pairingAddressWindowSeconds);
    if (failures !== this.config.pairingAddressMaxFailures) return;
    await this.audit.append(em, {
      kind: 'pairing.address_locked',
      actor: { type: 'anonymous', id: address },
      requestId: requestId ?? null,
      outcome: 'failure',
      detail: { address, failures, window_seconds: this.config.pairingAddressWindowSeconds },
    });
  }

  async sweep(): Promise<void> {
    await this.limiter.sweep(this.orm.em.fork());
  }
}
