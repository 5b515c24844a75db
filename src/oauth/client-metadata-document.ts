/**
 * Client ID Metadata Documents (MCP authorization spec 2025-11-25; draft-ietf-oauth-client-id-
 * metadata-document): a client names itself with an https URL as its client_id, and the gateway
 * fetches the client's metadata from that URL instead of a registration. The URL is chosen by
 * whoever starts a login, so the fetch is the gateway's one outbound request an outsider steers:
 * it is held to a small body, a short time, no redirects and public addresses only.
 */
import { Agent, request } from 'undici';
import type { GatewayConfig } from '../config/index.js';
import { assertLiteralAllowed, checkedLookup, isLoopbackHost } from './client-metadata-address.js';
import { cacheSeconds, ClientMetadataCache } from './client-metadata-cache.js';
import { cimdError } from './client-metadata-errors.js';
import { validateClientMetadata, type ClientMetadataDocument } from './client-metadata-validation.js';

export type { ClientMetadataDocument } from './client-metadata-validation.js';
/** The name H1's adapter imports. */
export type ClientMetadata = ClientMetadataDocument;
export { cimdFailureOf, type CimdFailure } from './client-metadata-errors.js';
export { ClientMetadataCache } from './client-metadata-cache.js';

export interface CimdOptions {
  /** OAUTH_CIMD_ALLOW_PRIVATE_ADDRESSES: also fetch from private/loopback addresses, and over http from loopback. */
  allowPrivateAddresses?: boolean;
  /** Largest body accepted, in bytes (default 5 KiB). */
  maxBytes?: number;
  /** Whole fetch, connect to last byte (default 5 s). */
  timeoutMs?: number;
  /** Default: one cache for the process. */
  cache?: ClientMetadataCache<ClientMetadataDocument>;
}

export const CIMD_MAX_BYTES = 5 * 1024;
export const CIMD_TIMEOUT_MS = 5_000;
/** Longer client_ids are refused before any parsing: they are stored, logged and shown. */
const MAX_CLIENT_ID = 2000;
/** When the document's response says nothing about caching. */
const DEFAULT_CACHE_SECONDS = 60;

const sharedCache = new ClientMetadataCache<ClientMetadataDocument>();
const inFlight = new Map<string, Promise<ClientMetadataDocument>>();

/** The options the gateway's configuration implies. */
export function cimdOptionsFrom(config: Pick<GatewayConfig, 'oauthCimdAllowPrivateAddresses'>): CimdOptions {
  return { allowPrivateAddresses: config.oauthCimdAllowPrivateAddresses };
}

/** Whether a client_id is meant as a metadata document URL (rather than a registered client's id). */
export function isClientMetadataUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * The client_id URL's rules (draft §3): https, a path, no fragment, no user or password, no `.` or
 * `..` segments. Plain http only from a loopback host, and only when private addresses are allowed
 * (tests, single-machine setups).
 */
export function parseClientIdUrl(clientId: string, allowPrivate: boolean): URL {
  if (clientId.length > MAX_CLIENT_ID) throw cimdError('invalid_client_id', `A client_id URL must be at most ${MAX_CLIENT_ID} characters.`);
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw cimdError('invalid_client_id', 'The client_id is not a URL.');
  }
  const plainLoopback = url.protocol === 'http:' && allowPrivate && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !plainLoopback) throw cimdError('invalid_client_id', 'A client_id URL must use https.');
  if (url.username || url.password) throw cimdError('invalid_client_id', 'A client_id URL must not carry a user name or password.');
  if (clientId.includes('#')) throw cimdError('invalid_client_id', 'A client_id URL must not have a fragment.');
  const rawPath = clientId.slice(clientId.indexOf('//') + 2).replace(/^[^/?]*/, '').split('?')[0]!;
  if (rawPath === '' || rawPath === '/') throw cimdError('invalid_client_id', 'A client_id URL must have a path.');
  if (rawPath.split('/').some((segment) => segment === '.' || segment === '..' || /^%2e(%2e)?$/i.test(segment) || /^(\.%2e|%2e\.)$/i.test(segment))) {
    throw cimdError('invalid_client_id', 'A client_id URL must not have "." or ".." path segments.');
  }
  return url;
}

/**
 * The client's metadata, from the cache or fetched now. Throws `invalid_client_metadata` with a
 * `reason` (see CimdFailure) when the URL, the fetch or the document is not acceptable.
 */
export async function fetchClientMetadataDocument(clientId: string, options: CimdOptions = {}): Promise<ClientMetadataDocument> {
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const url = parseClientIdUrl(clientId, allowPrivate);
  const cache = options.cache ?? sharedCache;
  // Keyed with the address rule too: a document fetched from loopback under the permissive setting never answers a strict lookup.
  const key = `${allowPrivate}:${clientId}`;
  const cached = cache.get(key);
  if (cached) return cached;
  // Concurrent logins of one client share one fetch.
  const pending = inFlight.get(key);
  if (pending) return pending;
  const fetching = fetchAndValidate(clientId, key, url, options, cache).finally(() => inFlight.delete(key));
  inFlight.set(key, fetching);
  return fetching;
}

async function fetchAndValidate(clientId: string, key: string, url: URL, options: CimdOptions, cache: ClientMetadataCache<ClientMetadataDocument>): Promise<ClientMetadataDocument> {
  const { body, cacheControl } = await fetchBounded(url, options);
  const document = validateClientMetadata(clientId, url, parseJson(body));
  cache.set(key, document, cacheSeconds(cacheControl, DEFAULT_CACHE_SECONDS));
  return document;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw cimdError('not_json', 'The client metadata document is not valid JSON.', err);
  }
}

/** One GET, no redirects, the connection pinned to checked addresses, body and time bounded. */
async function fetchBounded(url: URL, options: CimdOptions): Promise<{ body: string; cacheControl: string | undefined }> {
  const allowPrivate = options.allowPrivateAddresses ?? false;
  assertLiteralAllowed(url.hostname, allowPrivate);
  const timeoutMs = options.timeoutMs ?? CIMD_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? CIMD_MAX_BYTES;
  const dispatcher = new Agent({ connect: { lookup: checkedLookup(allowPrivate), timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connections: 1, pipelining: 0 });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(url, { method: 'GET', dispatcher, signal, headers: { accept: 'application/json', 'user-agent': 'agent-gateway (client metadata)' } });
    try {
      return { body: await readResponse(res, maxBytes), cacheControl: headerValue(res.headers['cache-control']) };
    } finally {
      // Whatever was not read is dropped with the connection; undici reports that as an error nobody needs.
      res.body.on('error', () => undefined);
      res.body.destroy();
    }
  } catch (err) {
    throw asFetchFailure(err, signal);
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}

type UndiciResponse = Awaited<ReturnType<typeof request>>;

async function readResponse(res: UndiciResponse, maxBytes: number): Promise<string> {
  if (res.statusCode >= 300 && res.statusCode < 400) throw cimdError('redirect_refused', `The client metadata URL answered a redirect (${res.statusCode}); it must answer the document itself.`);
  if (res.statusCode !== 200) throw cimdError('bad_status', `The client metadata URL answered ${res.statusCode}, not 200.`);
  const type = (headerValue(res.headers['content-type']) ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) throw cimdError('not_json', `The client metadata document is ${type || 'untyped'}, not application/json.`);
  const declared = Number(headerValue(res.headers['content-length']) ?? NaN);
  if (declared > maxBytes) throw cimdError('too_large', `The client metadata document is larger than ${maxBytes} bytes.`);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of res.body) {
    received += (chunk as Buffer).length;
    // Stop reading at the limit: a server streaming without end costs at most maxBytes.
    if (received > maxBytes) throw cimdError('too_large', `The client metadata document is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Ours pass through; the socket's and the clock's become `address_refused`, `timeout` or `unreachable`. */
function asFetchFailure(err: unknown, signal: AbortSignal): Error {
  const own = findOwn(err);
  if (own) return own;
  if (signal.aborted || /timeout/i.test((err as { code?: string; name?: string })?.code ?? '') || (err as Error)?.name === 'TimeoutError') {
    return cimdError('timeout', 'The client metadata URL did not answer in time.', err);
  }
  return cimdError('unreachable', 'The client metadata URL could not be reached.', err);
}

/** Our refusal, possibly wrapped by the socket layer (a refused lookup surfaces as the connect error's cause). */
function findOwn(err: unknown): Error | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (e.code === 'invalid_client_metadata') return e as unknown as Error;
  }
  return undefined;
}
