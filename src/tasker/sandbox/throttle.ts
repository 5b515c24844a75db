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

export class Throttle {
  private readonly history = new Map<string, number[]>();

  constructor(private limit: RateLimit) {}

  setLimit(limit: RateLimit): void {
    this.limit = limit;
    this.history.clear();
  }

  /** Records one call for `key` and returns the success headers, or throws the 429. */
  admit(key: string, now = Date.now()): Record<string, string> {
    const windowMs = this.limit.windowSeconds * 1000;
    const times = (this.history.get(key) ?? []).filter((t) => t > now - windowMs);
    if (times.length >= this.limit.requests) {
      this.history.set(key, times);
      throw throttled(this.waitSeconds(times, now, windowMs));
    }
    times.push(now);
    this.history.set(key, times);
    return {
      'X-RateLimit-Remaining': String(this.limit.requests - times.length),
      'X-RateLimit-Reset': String(Math.floor(now / 1000) + this.limit.windowSeconds),
    };
  }

  private waitSeconds(times: number[], now: number, windowMs: number): number {
    const oldest = times[0] ?? now;
    const remainingMs = windowMs - (now - oldest);
    const available = this.limit.requests - times.length + 1;
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
