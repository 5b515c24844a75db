import { performance } from 'node:perf_hooks';
import type { DecisionReason } from '../policy/index.js';

/** Small value helpers the request path's stages share. */

/** Milliseconds since `since` (a performance.now() reading), to the microsecond. */
export function elapsedMs(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message of a denial: the policy's reasons in its own words. */
export function denialMessage(reasons: DecisionReason[]): string {
  return reasons.length ? `Denied: ${reasons.map((r) => r.message).join('; ')}.` : 'Denied by policy.';
}
