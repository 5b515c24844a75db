import type { RequestHandler } from 'express';
import { GatewayError } from '../errors/index.js';

function normalise(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Origin validation of the MCP transport (a defence against DNS rebinding from browsers): a request
 * without an Origin header (CLI agents, server-side clients) passes, a browser request passes only
 * from a configured origin. `null` and malformed origins are foreign.
 */
export function originGuard(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins.map(normalise).filter((o): o is string => o !== undefined));
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (origin === undefined) return next();
    const normalised = normalise(origin);
    if (normalised !== undefined && allowed.has(normalised)) return next();
    next(new GatewayError('forbidden', 'Requests from this Origin are not accepted.'));
  };
}

/** Parses a comma-separated list (e.g. MCP_ALLOWED_ORIGINS); throws on an entry that is not an http(s) origin. */
export function parseAllowedOrigins(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) if (normalise(entry) === undefined) throw new Error(`not an http(s) origin: ${entry}`);
  return entries;
}
