import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, extractWWWAuthenticateParams, refreshAuthorization, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createUser, launchBrowser, newPage, type ConsoleStack } from '../console/support.js';
import { MemoryOAuthProvider, nativeClientMetadata, serveClientMetadataDocument, startRedirectReceiver, type MetadataDocumentServer, type RedirectReceiver } from './support-client.js';
import { approve, deny, openConsent } from './support-consent.js';
import { startOAuthStack } from './support-stack.js';

/**
 * The whole OAuth 2.1 flow of the MCP authorization spec, driven by the MCP TypeScript SDK's own
 * client auth (a client nobody here wrote) against the real gateway, with the human's consent
 * given in real Chromium through the console.
 */
describe('oauth end to end: the MCP SDK client logs in, calls tools, refreshes and is revoked', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  let receiver: RedirectReceiver;
  let owner: { id: string; password: string };
  let mcpUrl: URL;

  before(async function () {
    this.timeout(240_000); // the policy is compiled on first use
    [stack, browser, receiver] = await Promise.all([startOAuthStack({ oauthCimdAllowPrivateAddresses: true }), launchBrowser(), startRedirectReceiver()]);
    owner = await createUser(stack, 'owner', 'oauth');
    ({ page } = await newPage(browser));
    mcpUrl = new URL(`${stack.baseUrl}/mcp`);
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await stack?.close();
  });

  const mcpWith = async (provider: MemoryOAuthProvider): Promise<Client> => {
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => (await client.callTool({ name, arguments: args })) as CallToolResult;
  /** A bare MCP initialize with this access token: its status and WWW-Authenticate parameters. */
  const probe = async (accessToken: string) => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
    });
    await res.body?.cancel();
    return { status: res.status, challenge: extractWWWAuthenticateParams(res) };
  };
  const tokensOf = (provider: MemoryOAuthProvider): OAuthTokens => {
    const tokens = provider.tokens();
    if (!tokens) throw new Error('the client holds no tokens');
    return tokens;
  };

  describe('a client that registers dynamically (RFC 7591)', () => {
    let provider: MemoryOAuthProvider;
    let firstTokens: OAuthTokens;

    it('discovers the authorization server from the 401, registers, and asks for a PKCE S256 code for the MCP resource', async function () {
      this.timeout(60_000);
      provider = new MemoryOAuthProvider(receiver.url, nativeClientMetadata('SDK e2e client', receiver.url));
      const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
      // No token yet: the gateway's 401 starts the SDK's discovery, registration and authorization request.
      const failure = await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).to.be.instanceOf(UnauthorizedError);

      const discovered = provider.discovered();
      expect(discovered.authorizationServerUrl).to.match(new RegExp(`^${stack.baseUrl}/?$`));
      expect(discovered.resourceMetadata?.resource).to.equal(mcpUrl.href);
      expect(discovered.authorizationServerMetadata?.code_challenge_methods_supported).to.deep.equal(['S256']);
      const registered = provider.clientInformation();
      expect(registered?.client_id, 'dynamic registration gave a client_id').to.be.a('string').and.not.equal('');

      const url = provider.lastAuthorizationUrl();
      expect(url.origin + url.pathname).to.equal(String(discovered.authorizationServerMetadata?.authorization_endpoint));
      expect(url.searchParams.get('response_type')).to.equal('code');
      expect(url.searchParams.get('client_id')).to.equal(registered!.client_id);
      expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
      expect(url.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('resource')).to.equal(mcpUrl.href);
      expect(url.searchParams.get('redirect_uri')).to.equal(receiver.url);
    });

    it('after sign-in and consent in the console, the redirect carries a code the SDK exchanges for an agw_ access token and a refresh token', async function () {
      this.timeout(90_000);
      const text = await openConsent(page, provider.lastAuthorizationUrl(), owner);
      expect(text, 'the consent page names the registered client').to.contain('SDK e2e client');
      await approve(page, { agentName: 'SDK laptop', write: true });
      const redirect = await receiver.next();
      expect(redirect.get('error'), redirect.toString()).to.equal(null);
      expect(redirect.get('state')).to.equal(provider.expectedState);
      // RFC 9207: the metadata promises `iss` in the response, and it names this issuer.
      expect(redirect.get('iss')).to.match(new RegExp(`^${stack.baseUrl}/?$`));
      const code = redirect.get('code');
      expect(code).to.be.a('string');

      expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code! })).to.equal('AUTHORIZED');
      firstTokens = tokensOf(provider);
      expect(firstTokens.access_token).to.match(/^agw_/);
      expect(firstTokens.token_type.toLowerCase()).to.equal('bearer');
      expect(firstTokens.refresh_token).to.be.a('string').and.not.equal(firstTokens.access_token);
      expect(firstTokens.expires_in).to.be.within(1, 3600);
    });

    it('the access token calls MCP tools as the agent the human bound it to, with the grants they chose', async function () {
      this.timeout(30_000);
      const client = await mcpWith(provider);
      try {
        const who = await call(client, 'whoami');
        expect(who.isError ?? false, JSON.stringify(who)).to.equal(false);
        const me = who.structuredContent as { agent: { id: string; name: string }; owner: { user_id: string }; grants: Array<{ workspace: string; projects: string[] }> };
        expect(me.agent.name).to.equal('SDK laptop');
        expect(me.owner.user_id).to.equal(owner.id);
        expect(me.grants.map((g) => g.projects)).to.deep.equal([['OPS']]);
        // The consent and the call are in the audit chain under the agent the human chose.
        const { audit, orm } = stack.gw.gateway.deps;
        const kinds = (await audit.query(orm.em.fork(), { agentId: me.agent.id }, 50)).items.map((e) => e.kind);
        expect(kinds).to.include.members(['oauth.consent_granted', 'decision']);
        const item = await call(client, 'get_work_item', { work_item: 'OPS-1' });
        expect(item.isError ?? false, JSON.stringify(item)).to.equal(false);
      } finally {
        await client.close();
      }
    });

    it('refresh rotates the refresh token, and the new access token works', async function () {
      this.timeout(30_000);
      // With tokens held and no code, the SDK's auth() refreshes.
      expect(await auth(provider, { serverUrl: mcpUrl })).to.equal('AUTHORIZED');
      const rotated = tokensOf(provider);
      expect(rotated.access_token).to.match(/^agw_/).and.not.equal(firstTokens.access_token);
      expect(rotated.refresh_token).to.be.a('string').and.not.equal(firstTokens.refresh_token);
      expect((await probe(rotated.access_token)).status).to.equal(200);
    });

    it('reusing the rotated-out refresh token is refused (invalid_grant) and revokes the whole family: the current access token stops working', async function () {
      this.timeout(30_000);
      const current = tokensOf(provider);
      const { authorizationServerUrl, authorizationServerMetadata } = provider.discovered();
      const reuse = await refreshAuthorization(authorizationServerUrl, { metadata: authorizationServerMetadata, clientInformation: provider.clientInformation()!, refreshToken: firstTokens.refresh_token!, resource: mcpUrl }).then(
        () => undefined,
        (err: unknown) => err as { errorCode?: string },
      );
      expect(reuse?.errorCode).to.equal('invalid_grant');

      const after = await probe(current.access_token);
      expect(after.status).to.equal(401);
      expect(after.challenge.error).to.equal('invalid_token');
      const again = await refreshAuthorization(authorizationServerUrl, { metadata: authorizationServerMetadata, clientInformation: provider.clientInformation()!, refreshToken: current.refresh_token!, resource: mcpUrl }).then(
        () => undefined,
        (err: unknown) => err as { errorCode?: string },
      );
      expect(again?.errorCode, 'the current refresh token went with its family').to.equal('invalid_grant');
    });
  });

  describe('a client identified by a client-ID metadata document', () => {
    let document: MetadataDocumentServer;
    let provider: MemoryOAuthProvider;

    before(async () => {
      document = await serveClientMetadataDocument((clientId) => ({ client_id: clientId, ...nativeClientMetadata('Metadata doc client', receiver.url) }));
      // The SDK offers a metadata-document client_id only for https URLs (SEP-991); this test's
      // document is on loopback http (OAUTH_CIMD_ALLOW_PRIVATE_ADDRESSES), so the client starts
      // with the document's URL as its client_id, which is all a CIMD client does.
      provider = new MemoryOAuthProvider(receiver.url, nativeClientMetadata('Metadata doc client', receiver.url), { client_id: document.url });
    });
    after(async () => {
      await document?.close();
    });

    it('the consent page names the client from its document and the document\'s host; tokens follow without any registration', async function () {
      this.timeout(90_000);
      expect(await auth(provider, { serverUrl: mcpUrl })).to.equal('REDIRECT');
      const url = provider.lastAuthorizationUrl();
      expect(url.searchParams.get('client_id')).to.equal(document.url);
      expect(url.searchParams.get('code_challenge_method')).to.equal('S256');

      const text = await openConsent(page, url, owner);
      expect(document.fetches(), 'the gateway fetched the document').to.be.greaterThan(0);
      expect(text).to.contain('Metadata doc client');
      expect(text).to.contain('127.0.0.1');
      await approve(page, { agentName: 'CIMD laptop' });
      const redirect = await receiver.next();
      expect(redirect.get('error'), redirect.toString()).to.equal(null);
      expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: redirect.get('code')! })).to.equal('AUTHORIZED');
      expect(tokensOf(provider).access_token).to.match(/^agw_/);

      const client = await mcpWith(provider);
      try {
        const who = await call(client, 'whoami');
        expect((who.structuredContent as { agent: { name: string } }).agent.name).to.equal('CIMD laptop');
      } finally {
        await client.close();
      }
    });

    it('revocation (RFC 7009) of the access token ends it at once; of the refresh token, ends refreshing', async function () {
      this.timeout(30_000);
      const tokens = tokensOf(provider);
      const endpoint = String((provider.discovered().authorizationServerMetadata as { revocation_endpoint?: string } | undefined)?.revocation_endpoint);
      const revoke = (token: string, hint: string) =>
        fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, token_type_hint: hint, client_id: document.url }) });

      expect((await probe(tokens.access_token)).status).to.equal(200);
      expect((await revoke(tokens.access_token, 'access_token')).status).to.equal(200);
      const after = await probe(tokens.access_token);
      expect(after.status).to.equal(401);
      expect(after.challenge.error).to.equal('invalid_token');

      expect((await revoke(tokens.refresh_token!, 'refresh_token')).status).to.equal(200);
      const { authorizationServerUrl, authorizationServerMetadata } = provider.discovered();
      const refreshed = await refreshAuthorization(authorizationServerUrl, { metadata: authorizationServerMetadata, clientInformation: provider.clientInformation()!, refreshToken: tokens.refresh_token!, resource: mcpUrl }).then(
        () => undefined,
        (err: unknown) => err as { errorCode?: string },
      );
      expect(refreshed?.errorCode).to.equal('invalid_grant');
    });
  });

  describe('authorization requests the server refuses before any consent', () => {
    /** The SDK's own authorization request for a freshly registered client, then altered as given; what the server answers. */
    const alteredRequest = async (alter: (params: URLSearchParams) => void) => {
      const provider = new MemoryOAuthProvider(receiver.url, nativeClientMetadata('Altered client', receiver.url));
      expect(await auth(provider, { serverUrl: mcpUrl })).to.equal('REDIRECT');
      const url = new URL(provider.lastAuthorizationUrl());
      alter(url.searchParams);
      const res = await fetch(url, { redirect: 'manual' });
      await res.body?.cancel();
      const location = res.headers.get('location');
      const target = location ? new URL(location, url) : undefined;
      return { status: res.status, toClient: target?.href.startsWith(receiver.url) ?? false, toGateway: target?.origin === stack.baseUrl, error: target?.searchParams.get('error') ?? null };
    };

    it('refuses a request without PKCE, or with the plain method: the client gets invalid_request and no code', async function () {
      this.timeout(30_000);
      for (const alter of [(p: URLSearchParams) => (p.delete('code_challenge'), p.delete('code_challenge_method')), (p: URLSearchParams) => p.set('code_challenge_method', 'plain')]) {
        const answer = await alteredRequest(alter);
        expect(answer.toClient, JSON.stringify(answer)).to.equal(true);
        expect(answer.error).to.equal('invalid_request');
      }
    });

    it('refuses a resource other than the gateway\'s MCP URL (RFC 8707): invalid_target', async function () {
      this.timeout(30_000);
      const answer = await alteredRequest((p) => p.set('resource', 'https://elsewhere.example/mcp'));
      expect(answer.toClient, JSON.stringify(answer)).to.equal(true);
      expect(answer.error).to.equal('invalid_target');
    });

    it('accepts the registered loopback redirect URI on another port (RFC 8252 §7.3): on to sign-in, not an error', async function () {
      this.timeout(30_000);
      const answer = await alteredRequest((p) => {
        const moved = new URL(receiver.url);
        moved.port = String(Number(moved.port) === 65_535 ? 1_024 : Number(moved.port) + 1);
        p.set('redirect_uri', moved.href);
      });
      expect(answer.error, JSON.stringify(answer)).to.equal(null);
      expect(answer.status).to.be.within(300, 399);
      expect(answer.toGateway, 'on to the interaction, at the gateway').to.equal(true);
    });

    it('refuses a redirect URI that is not registered, without redirecting to it', async function () {
      this.timeout(30_000);
      const answer = await alteredRequest((p) => p.set('redirect_uri', 'http://127.0.0.1:1/elsewhere'));
      expect(answer.toClient).to.equal(false);
      expect(answer.status).to.be.within(400, 499);
    });
  });

  describe('a human who says no', () => {
    it('a denial on the consent page sends the client back with access_denied', async function () {
      this.timeout(60_000);
      const provider = new MemoryOAuthProvider(receiver.url, nativeClientMetadata('Denied client', receiver.url));
      expect(await auth(provider, { serverUrl: mcpUrl })).to.equal('REDIRECT');
      expect(await openConsent(page, provider.lastAuthorizationUrl(), owner)).to.contain('Denied client');
      await deny(page);
      const redirect = await receiver.next();
      expect(redirect.get('error')).to.equal('access_denied');
      expect(redirect.get('code')).to.equal(null);
      expect(redirect.get('state')).to.equal(provider.expectedState);
    });
  });
});
