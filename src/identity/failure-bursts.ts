/**
 * Counts failed authentications per source address in one-minute windows and says when an
 * address crosses the threshold, once per window, so a burst becomes one audit event rather
 * than one per failed request (which would let an attacker flood the audit log).
 */
export class FailureBurstTracker {
  private windows = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly threshold: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Returns the count when this failure completes a burst, otherwise undefined. */
  recordFailure(address: string, now = Date.now()): number | undefined {
    const windowStart = now - (now % this.windowMs);
    const current = this.windows.get(address);
    const entry = current && current.windowStart === windowStart ? current : { windowStart, count: 0 };
    entry.count += 1;
    this.windows.set(address, entry);
    if (this.windows.size > 10_000) this.prune(windowStart);
    return entry.count === this.threshold ? entry.count : undefined;
  }

  private prune(currentWindow: number): void {
    for (const [key, value] of this.windows) if (value.windowStart < currentWindow) this.windows.delete(key);
  }
}
