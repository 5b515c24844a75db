/**
 * Per-key sliding-window throttle after DRF's SimpleRateThrottle (TASKER_API.md section 3):
 * a list of request times per key; rejected calls are not recorded.
 */
import { PlaneHttpError } from './http-io.js';

export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

const PERIODS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 };

/** Parses Plane's `API_KEY_RATE_LIMIT` form, `"N/period"` (e.g. `60/minute`). */
export function parseRateLimit(spec: string | RateLimit): RateLimit {
  if (typeof spec !== 'string') return spec;
  const match = /^\s*(\d+)\s*\/\s*([a-z]+)\s*$/i.exec(spec);
  const seconds = match ? PERIODS[match[2]!.toLowerCase()] : undefined;
  if (!match || !seconds) throw new Error(`tasker sandbox: bad rate limit '${spec}', expected N/second|minute|hour|day`);
  return { requests: Number(match[1]), windowSeconds: seconds };
}

/**
 * One key's request times in the window, oldest first. Expired times are dropped from the front
 * (amortised O(1) per call): filtering the whole list on every call cost the sandbox about 1.4 ms
 * of CPU per request once a benchmark had put 15,000 calls into the window, and that cost showed
 * up in every gateway figure measured after the direct run.
 */
class Window {
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }

  get oldest(): number | undefined {
    return this.times[this.head];
  }

  expire(before: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= before) this.head += 1;
    // Compacted once most of the array is dead, so memory follows the window, not the history.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Kept in time order even if the clock stepped back, so expiry from the front stays exact. */
  record(time: number): void {
    let at = this.times.length;
    while (at > this.head && this.times[at - 1]! > time) at -= 1;
    this.times.splice(at, 0, time);
  }
}

export class Throttle {
  private readonly history = new Map<string, Window>();

  constructor(private limit: RateLimit) {}

  setLimit(limit: RateLimit): void {
    this.limit = limit;
    this.history.clear();
  }

  /** Records one call for `key` and returns the success headers, or throws the 429. */
  admit(key: string, now = Date.now()): Record<string, string> {
    const windowMs = this.limit.windowSeconds * 1000;
    let window = this.history.get(key);
    if (!window) this.history.set(key, (window = new Window()));
    window.expire(now - windowMs);
    if (window.size >= this.limit.requests) throw throttled(this.waitSeconds(window, now, windowMs));
    window.record(now);
    return {
      'X-RateLimit-Remaining': String(this.limit.requests - window.size),
      'X-RateLimit-Reset': String(Math.floor(now / 1000) + this.limit.windowSeconds),
    };
  }

  private waitSeconds(window: Window, now: number, windowMs: number): number {
    const oldest = window.oldest ?? now;
    const remainingMs = windowMs - (now - oldest);
    const available = this.limit.requests - window.size + 1;
    return Math.max(1, Math.ceil(remainingMs / 1000 / Math.max(available, 1)));
  }
}

export function throttled(retryAfterSeconds: number): PlaneHttpError {
  return new PlaneHttpError(
    429,
    { error_code: 5900, error_message: 'RATE_LIMIT_EXCEEDED' },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
