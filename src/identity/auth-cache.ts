/**
 * Tokens, their agents and the agents' live grants, kept in memory so that authenticating a
 * request needs no database round trip (DESIGN.md, "The hot path").
 *
 * Correctness rests on three rules:
 *  - Invalidation: every change to agents, agent_tokens or grants notifies channel `agw_identity`
 *    with the agent's id when it commits (migration 0090's triggers), on every instance; changes
 *    made by this process also invalidate at once, after their commit, so this process never
 *    answers from what it changed itself.
 *  - Fail closed: entries are served only while the listener can vouch that no notification was
 *    missed (LISTEN in place and a heartbeat answered within `maxSilenceMs`). Otherwise every
 *    request reads the database as if there were no cache, and nothing read is kept; when the
 *    listener comes back the cache starts empty.
 *  - No stale fill: a lookup that was in flight while any invalidation happened does not enter
 *    its (possibly older) answer (an epoch counts invalidations).
 * Expiry needs no message: an entry never outlives its token's or any of its grants' expiry, and
 * never lives longer than `maxEntryAgeMs` in any case.
 */

/** What the cache needs of a listener (src/store/notification-listener.ts). */
export interface ListenerHealth {
  isUp(maxAgeMs: number, now?: number): boolean;
}

export interface AuthCacheOptions {
  /** How old the listener's last proof of life may be for entries to be served. */
  maxSilenceMs?: number;
  /** An upper bound on any entry's age, whatever the notifications say. */
  maxEntryAgeMs?: number;
  maxEntries?: number;
}

export interface CacheEntry<T> {
  agentId: string;
  value: T;
  /** Date.now() ms after which the entry must be read again. */
  until: number;
}

/** Channel of migration 0090's notifications; a payload is an agent id, or '*' for everything. */
export const IDENTITY_CHANNEL = 'agw_identity';

export class AuthCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();
  private readonly byAgent = new Map<string, Set<string>>();
  private epoch = 0;
  private readonly maxSilenceMs: number;
  private readonly maxEntryAgeMs: number;
  private readonly maxEntries: number;
  private listener: ListenerHealth | undefined;

  constructor(options: AuthCacheOptions = {}) {
    this.maxSilenceMs = options.maxSilenceMs ?? 3_000;
    this.maxEntryAgeMs = options.maxEntryAgeMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The listener whose health decides whether entries may be served; without one, none are. */
  attach(listener: ListenerHealth | undefined): void {
    this.listener = listener;
    this.clear();
  }

  /** Whether entries may be served right now. */
  trusted(): boolean {
    return this.listener?.isUp(this.maxSilenceMs) ?? false;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now >= entry.until || !this.trusted()) {
      this.forget(key, entry.agentId);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before a database lookup and handed back to `put`: see "No stale fill" above. */
  ticket(): number {
    return this.epoch;
  }

  /** Keeps a looked-up value unless anything was invalidated since `ticket` or the listener cannot vouch for it. */
  put(key: string, agentId: string, value: T, ticket: number, expiresAt: number | null, now = Date.now()): void {
    if (ticket !== this.epoch || !this.trusted()) return;
    const until = Math.min(expiresAt ?? Number.POSITIVE_INFINITY, now + this.maxEntryAgeMs);
    if (until <= now) return;
    const previous = this.entries.get(key);
    if (previous) this.forget(key, previous.agentId);
    if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(key, { agentId, value, until });
    let keys = this.byAgent.get(agentId);
    if (!keys) this.byAgent.set(agentId, (keys = new Set()));
    keys.add(key);
  }

  /** A notification's payload: one agent's entries go, or every entry for '*' (or anything unexpected). */
  invalidate(payload: string): void {
    this.epoch += 1;
    if (payload === '*' || payload === '') return this.clear();
    const keys = this.byAgent.get(payload);
    if (!keys) return;
    this.byAgent.delete(payload);
    for (const key of keys) this.entries.delete(key);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byAgent.clear();
  }

  private forget(key: string, agentId: string): void {
    this.entries.delete(key);
    const keys = this.byAgent.get(agentId);
    keys?.delete(key);
    if (keys?.size === 0) this.byAgent.delete(agentId);
  }

  private evictOldest(): void {
    const oldest = this.entries.entries().next().value;
    if (oldest) this.forget(oldest[0], oldest[1].agentId);
  }
}
