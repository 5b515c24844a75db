/**
 * A project's states, labels or members, kept for a short while. Plane allows an API key 60
 * requests a minute, and nearly every write names a state, a label or a member by name: reading
 * the list again for each call would spend a third of a write's requests on data that hardly
 * ever changes. An entry is dropped when it ages out or when the gateway itself has reason to
 * believe it is stale (a name that matches nothing is looked up again before it is refused).
 */
interface Entry<T> {
  values: T[];
  at: number;
}

export class ReferenceCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Concurrent callers share one request per project (a cold cache under load). */
  private readonly loading = new Map<string, Promise<T[]>>();

  constructor(private readonly ttlMs: number) {}

  /** The fresh entry of a project, or undefined. */
  peek(projectId: string): T[] | undefined {
    const entry = this.entries.get(projectId.toLowerCase());
    return entry && Date.now() - entry.at < this.ttlMs ? entry.values : undefined;
  }

  /** The project's list: the fresh entry, or `fetch` (stored). */
  async get(projectId: string, fetch: () => Promise<T[]>): Promise<T[]> {
    return this.peek(projectId) ?? this.refresh(projectId, fetch);
  }

  /** Reads the list again whatever the cache holds, and keeps it. */
  refresh(projectId: string, fetch: () => Promise<T[]>): Promise<T[]> {
    const key = projectId.toLowerCase();
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const load = fetch()
      .then((values) => {
        this.entries.set(key, { values, at: Date.now() });
        return values;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  invalidate(projectId: string): void {
    this.entries.delete(projectId.toLowerCase());
  }
}
