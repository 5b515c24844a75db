import { cimdError } from './client-metadata-errors.js';
import { isLoopbackHost } from './client-metadata-address.js';

/** What the authorization server uses of a client's metadata document (RFC 7591 names). */
export interface ClientMetadataDocument {
  client_id: string;
  /** As the client wrote it: plain text that views must escape (it is the client's claim, not ours). */
  client_name?: string;
  /** The client_id URL's host, shown beside the name: the name is self-asserted, the host is not. */
  client_host: string;
  redirect_uris: string[];
  token_endpoint_auth_method: 'none';
  grant_types: string[];
  response_types: string[];
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
}

const SHARED_SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];
const MAX_NAME = 200;
const MAX_REDIRECT_URIS = 20;

function invalid(message: string): Error {
  return cimdError('invalid_document', message);
}

function optionalString(doc: Record<string, unknown>, key: string, max = 2000): string | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) throw invalid(`${key} must be a string of at most ${max} characters.`);
  return value;
}

function stringList(doc: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const value = doc[key];
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(`${key} must be a list of strings.`);
  return value as string[];
}

/** https anywhere, or http on a loopback host (RFC 8252 native clients; the port is the client's to pick). */
function acceptableRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * The document's rules (draft §4, §8): its client_id is exactly the URL it came from, it names at
 * least one acceptable redirect URI, it is a public client (no shared secret, auth method `none`).
 */
export function validateClientMetadata(clientId: string, url: URL, json: unknown): ClientMetadataDocument {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('The client metadata document must be a JSON object.');
  const doc = json as Record<string, unknown>;
  if (doc.client_id !== clientId) throw cimdError('client_id_mismatch', 'The document\'s client_id is not exactly the URL it was fetched from.');
  if ('client_secret' in doc || 'client_secret_expires_at' in doc) throw invalid('A client metadata document must not carry a client secret.');
  const method = doc.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') {
    throw invalid(SHARED_SECRET_METHODS.includes(String(method)) ? 'A client metadata document cannot use a shared secret.' : 'Only public clients (token_endpoint_auth_method "none") are supported.');
  }
  const redirects = stringList(doc, 'redirect_uris', []);
  if (redirects.length === 0 || redirects.length > MAX_REDIRECT_URIS) throw invalid(`redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs.`);
  const bad = redirects.find((uri) => !acceptableRedirect(uri));
  if (bad !== undefined) throw invalid('Every redirect URI must be https, or http on a loopback address.');
  const name = optionalString(doc, 'client_name', MAX_NAME);
  const clientUri = optionalString(doc, 'client_uri');
  const logoUri = optionalString(doc, 'logo_uri');
  const scope = optionalString(doc, 'scope');
  return {
    client_id: clientId,
    ...(name !== undefined ? { client_name: name } : {}),
    client_host: url.host,
    redirect_uris: redirects,
    token_endpoint_auth_method: 'none',
    grant_types: stringList(doc, 'grant_types', ['authorization_code']),
    response_types: stringList(doc, 'response_types', ['code']),
    ...(clientUri !== undefined ? { client_uri: clientUri } : {}),
    ...(logoUri !== undefined ? { logo_uri: logoUri } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}
