import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { PgRateLimiter } from '../pairing/index.js';
import type { Orm } from '../store/index.js';

export interface SignInLimitSettings {
  maxPerAccount: number;
  maxPerAddress: number;
  windowSeconds: number;
}

/**
 * Failed sign-ins counted per account and per address in PostgreSQL (shared by every instance).
 * Over either budget, sign-in is refused for the rest of the window even with the right password,
 * so a guesser learns nothing from the answer.
 */
export class SignInLimits {
  private readonly limiter = new PgRateLimiter();

  constructor(
    private readonly orm: Orm,
    private readonly audit: AuditLog,
    private readonly settings: SignInLimitSettings,
  ) {}

  private buckets(account: string, address: string) {
    return { account: `console:signin:account:${account.toLowerCase().slice(0, 128)}`, address: `console:signin:address:${address}` };
  }

  async admit(account: string, address: string): Promise<void> {
    const em = this.orm.em.fork();
    const { windowSeconds, maxPerAccount, maxPerAddress } = this.settings;
    const b = this.buckets(account, address);
    const [byAccount, byAddress] = await Promise.all([this.limiter.current(em, b.account, windowSeconds), this.limiter.current(em.fork(), b.address, windowSeconds)]);
    if (byAccount >= maxPerAccount || byAddress >= maxPerAddress) {
      throw new GatewayError('rate_limited', 'Too many failed sign-ins for this account or from this address; try again later.');
    }
  }

  async fail(account: string, address: string, requestId?: string): Promise<void> {
    const em = this.orm.em.fork();
    const { windowSeconds, maxPerAccount, maxPerAddress } = this.settings;
    const b = this.buckets(account, address);
    const byAccount = await this.limiter.hit(em, b.account, windowSeconds);
    const byAddress = await this.limiter.hit(em, b.address, windowSeconds);
    if (byAccount !== maxPerAccount && byAddress !== maxPerAddress) return;
    await this.audit.append(em, {
      kind: 'console.sign_in_locked',
      actor: { type: 'anonymous', id: address },
      subject: { type: 'console_user', id: account.slice(0, 128) },
      requestId: requestId ?? null,
      outcome: 'failure',
      detail: { address, account_failures: byAccount, address_failures: byAddress, window_seconds: windowSeconds },
    });
  }
}
