/**
 * The client side of the OAuth tests: an in-memory `OAuthClientProvider` for the MCP SDK's own
 * client auth, a loopback redirect receiver (RFC 8252 §7.3) and a server for a client-ID metadata
 * document. Nothing here speaks OAuth itself: the SDK does.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** What an MCP client keeps between runs, in memory; `authorizationUrls` are the browser steps it asked for. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = [];
  readonly expectedState = randomBytes(16).toString('base64url');
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    preset?: OAuthClientInformationMixed,
  ) {
    this.info = preset;
  }

  state(): string {
    return this.expectedState;
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  /** The last browser step the SDK asked for. */
  lastAuthorizationUrl(): URL {
    const url = this.authorizationUrls.at(-1);
    if (!url) throw new Error('the SDK never asked for a browser step');
    return url;
  }
  /** What `discoveryState` found (the authorization server's metadata). */
  discovered(): OAuthDiscoveryState {
    if (!this.discovery) throw new Error('the SDK never saved its discovery state');
    return this.discovery;
  }
}

/** Metadata of a native public client whose redirect goes to the test's loopback receiver. */
export function nativeClientMetadata(name: string, redirectUrl: string): OAuthClientMetadata {
  return {
    client_name: name,
    redirect_uris: [redirectUrl],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

interface Listening {
  server: Server;
  origin: string;
}

async function listenLoopback(server: Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The loopback HTTP server a native client opens to catch the authorization response. */
export interface RedirectReceiver {
  /** `http://127.0.0.1:<port>/callback` */
  url: string;
  /** The query of the next redirect that arrives (or the one that already did and was not taken yet). */
  next(): Promise<URLSearchParams>;
  close(): Promise<void>;
}

export async function startRedirectReceiver(): Promise<RedirectReceiver> {
  const arrived: URLSearchParams[] = [];
  const waiting: Array<(query: URLSearchParams) => void> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Done</title><p>You can close this window.</p>');
    const waiter = waiting.shift();
    if (waiter) waiter(url.searchParams);
    else arrived.push(url.searchParams);
  });
  const { origin } = await listenLoopback(server);
  return {
    url: `${origin}/callback`,
    next: () => {
      const ready = arrived.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A client-ID metadata document served over loopback HTTP, counting who fetched it. */
export interface MetadataDocumentServer {
  /** The document's URL, which is also the client's `client_id`. */
  url: string;
  fetches(): number;
  close(): Promise<void>;
}

export async function serveClientMetadataDocument(document: (clientId: string) => Record<string, unknown>): Promise<MetadataDocumentServer> {
  let fetched = 0;
  let clientId = '';
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/oauth/client.json') {
      res.writeHead(404).end();
      return;
    }
    fetched += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document(clientId)));
  });
  const { origin } = await listenLoopback(server);
  clientId = `${origin}/oauth/client.json`;
  return { url: clientId, fetches: () => fetched, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
