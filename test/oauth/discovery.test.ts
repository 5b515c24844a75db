import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { discoveryRouter } from '../../src/oauth/discovery-router.js';
import { oauthUrls } from '../../src/oauth/urls.js';
import { discoverOAuthServerInfo, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { startStack, type Stack } from '../e2e/support.js';

/** What a client sees from a 401 and the well-known documents, read with the MCP SDK's own client code. */
describe('oauth discovery: actionable 401s and the metadata MCP clients look for', () => {
  let stack: Stack;
  before(async function () {
    this.timeout(180_000); // the policy is compiled on first use
    stack = await startStack();
    // As the console's test stack does: the gateway learns its port only once listening.
    stack.gw.gateway.deps.config.publicUrl = stack.baseUrl;
  });
  after(async () => {
    await stack?.close();
  });

  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  const postMcp = (headers: Record<string, string>) =>
    fetch(`${stack.baseUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(initialize) });

  it('a 401 from /mcp without a token names the resource metadata and no error (a first login)', async () => {
    const res = await postMcp({});
    expect(res.status).to.equal(401);
    const params = extractWWWAuthenticateParams(res);
    expect(params.resourceMetadataUrl?.href).to.equal(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    expect(params.error).to.equal(undefined);
  });

  it('a 401 from /mcp with a wrong token says invalid_token (log in again)', async () => {
    const res = await postMcp({ authorization: 'Bearer agw_wrongwrongwrongwrongwrongwrongwrongwrong' });
    expect(res.status).to.equal(401);
    const params = extractWWWAuthenticateParams(res);
    expect(params.error).to.equal('invalid_token');
    expect(params.resourceMetadataUrl?.href).to.equal(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`);
  });

  it('the agent REST routes answer a 401 the same way', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/me`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).to.equal(401);
    expect(res.headers.get('www-authenticate')).to.match(/^Bearer .*resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp".*error="invalid_token"/);
  });

  it('serves the resource metadata at both RFC 9728 paths, naming the gateway as its authorization server', async () => {
    const info = await discoverOAuthServerInfo(`${stack.baseUrl}/mcp`);
    expect(info.resourceMetadata?.resource).to.equal(`${stack.baseUrl}/mcp`);
    expect(info.resourceMetadata?.authorization_servers).to.deep.equal([stack.baseUrl]);
    const root = await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource`);
    expect(((await root.json()) as { resource: string }).resource).to.equal(`${stack.baseUrl}/mcp`);
  });

  it('every endpoint the authorization server metadata names is served by the mounted server (no 404 for a client to trip on)', async () => {
    const meta = (await (await fetch(`${stack.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
    expect(meta.issuer).to.equal(stack.baseUrl);
    const post = (url: string, body: string, type = 'application/x-www-form-urlencoded') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    // Each answers an OAuth error for an empty request, not a 404: the document says what the server does.
    const token = await post(meta.token_endpoint!, 'grant_type=authorization_code');
    expect(token.status).to.equal(400);
    expect(((await token.json()) as { error: string }).error).to.match(/^invalid_/);
    const revoke = await post(meta.revocation_endpoint!, 'token=x');
    expect(revoke.status).to.equal(400);
    const register = await post(meta.registration_endpoint!, JSON.stringify({ redirect_uris: ['notaurl'] }), 'application/json');
    expect(register.status).to.equal(400);
    expect(((await register.json()) as { error: string }).error).to.equal('invalid_redirect_uri');
    const device = await post(meta.device_authorization_endpoint!, 'client_id=nobody');
    expect(device.status).to.not.equal(404);
    const authorize = await fetch(`${meta.authorization_endpoint}?client_id=nobody`, { redirect: 'manual' });
    expect(authorize.status).to.equal(400);
    expect(await authorize.text()).to.not.match(/\bat \S+:\d+:\d+/); // no stack trace
  });

  it('a gateway without the authorization server names none (its documents would point at endpoints answering 404)', async () => {
    const app = express();
    app.use(discoveryRouter(() => oauthUrls('http://127.0.0.1:1'), false));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const doc = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
      expect(doc.authorization_servers).to.equal(undefined);
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) expect((await fetch(origin + path)).status, path).to.equal(404);
    } finally {
      server.close();
    }
  });

  it('with the authorization server mounted, the SDK discovers it at every path it probes (S256, registration, client-ID metadata documents)', async () => {
    const app = express();
    let origin = '';
    app.use(discoveryRouter(() => oauthUrls(origin), true));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const info = await discoverOAuthServerInfo(`${origin}/mcp`);
      expect(info.authorizationServerUrl).to.equal(origin);
      const meta = info.authorizationServerMetadata as Record<string, unknown> | undefined;
      expect(meta?.issuer).to.equal(origin);
      expect(meta?.code_challenge_methods_supported).to.deep.equal(['S256']);
      expect(meta?.registration_endpoint).to.equal(`${origin}/oauth/register`);
      expect(meta?.client_id_metadata_document_supported).to.equal(true);
      for (const path of ['/.well-known/oauth-authorization-server/mcp', '/.well-known/openid-configuration', '/mcp/.well-known/openid-configuration']) {
        const res = await fetch(origin + path);
        expect(res.status, path).to.equal(200);
        expect(((await res.json()) as { issuer: string }).issuer).to.equal(origin);
      }
    } finally {
      server.close();
    }
  });
});
