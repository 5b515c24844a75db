/**
 * A small bounded cache of fetched client metadata, so a login's several lookups of one client_id
 * (authorize, consent, token) fetch it once. Entries live as long as the document's
 * `Cache-Control: max-age` says, never longer than `maxTtlSeconds`; the oldest entry goes first
 * when the cache is full, so a flood of distinct client_ids cannot grow memory.
 */
export class ClientMetadataCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    readonly maxEntries = 500,
    readonly maxTtlSeconds = 300,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    const ttl = Math.min(ttlSeconds, this.maxTtlSeconds);
    this.entries.delete(key);
    if (ttl <= 0) return;
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: this.now() + ttl * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Seconds a response may be cached: its max-age, 0 for no-store or no-cache, `fallback` when it says nothing. */
export function cacheSeconds(cacheControl: string | undefined, fallback: number): number {
  if (!cacheControl) return fallback;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  if (!maxAge) return fallback;
  const value = Number(maxAge.slice('max-age='.length));
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
