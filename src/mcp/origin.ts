import type { Request, RequestHandler } from 'express';
import { GatewayError } from '../errors/index.js';

function normalise(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The gateway's own origins: PUBLIC_URL (if set) and the address it listens on. */
export interface OwnOrigins {
  /** PUBLIC_URL, the origin browsers use when the gateway sits behind a proxy. */
  publicUrl?: string;
  /** HOST as configured; a wildcard or loopback host means the loopback names below. */
  host: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_OR_WILDCARD = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0', '::']);

/**
 * The origins of pages the gateway itself serves on the port this request arrived on (the socket's
 * own port, so port 0 in the configuration still works): its host, and for a loopback or wildcard
 * host the loopback names (`localhost`, `127.0.0.1`, `[::1]`). Never the request's Host header: a
 * rebinding page sends its own name there too.
 */
function ownOriginsOf(req: Request, own: OwnOrigins): Set<string> {
  const out = new Set<string>();
  const publicOrigin = own.publicUrl ? normalise(own.publicUrl) : undefined;
  if (publicOrigin) out.add(publicOrigin);
  const port = req.socket.localPort;
  if (port === undefined) return out;
  const hosts = LOOPBACK_OR_WILDCARD.has(own.host) ? LOOPBACK_NAMES : [own.host.includes(':') ? `[${own.host}]` : own.host];
  for (const host of hosts) {
    const origin = normalise(`http://${host}:${port}`);
    if (origin) out.add(origin);
  }
  return out;
}

/**
 * Origin validation of the MCP transport (a defence against DNS rebinding from browsers): a request
 * without an Origin header (CLI agents, server-side clients) passes, a browser request passes only
 * from the gateway's own origin or a configured one (MCP_ALLOWED_ORIGINS). `null` and malformed
 * origins are foreign.
 */
export function originGuard(allowedOrigins: readonly string[], own?: OwnOrigins): RequestHandler {
  const allowed = new Set(allowedOrigins.map(normalise).filter((o): o is string => o !== undefined));
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (origin === undefined) return next();
    const normalised = normalise(origin);
    if (normalised !== undefined && (allowed.has(normalised) || (own && ownOriginsOf(req, own).has(normalised)))) return next();
    next(new GatewayError('forbidden', 'Requests from this Origin are not accepted.'));
  };
}

/** Parses a comma-separated list (e.g. MCP_ALLOWED_ORIGINS); throws on an entry that is not an http(s) origin. */
export function parseAllowedOrigins(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) if (normalise(entry) === undefined) throw new Error(`not an http(s) origin: ${entry}`);
  return entries;
}
