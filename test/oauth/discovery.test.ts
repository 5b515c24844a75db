import { expect } from 'chai';
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

  it('the SDK discovers the resource and its authorization server (S256, registration, client-ID metadata documents)', async () => {
    const info = await discoverOAuthServerInfo(`${stack.baseUrl}/mcp`);
    expect(info.resourceMetadata?.resource).to.equal(`${stack.baseUrl}/mcp`);
    expect(info.authorizationServerUrl).to.equal(stack.baseUrl);
    const meta = info.authorizationServerMetadata as Record<string, unknown> | undefined;
    expect(meta?.issuer).to.equal(stack.baseUrl);
    expect(meta?.code_challenge_methods_supported).to.deep.equal(['S256']);
    expect(meta?.registration_endpoint).to.equal(`${stack.baseUrl}/oauth/register`);
    expect(meta?.client_id_metadata_document_supported).to.equal(true);
  });

  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server/mcp', '/.well-known/openid-configuration', '/mcp/.well-known/openid-configuration']) {
    it(`answers ${path} (a path Codex or the SDK probes)`, async () => {
      const res = await fetch(stack.baseUrl + path);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.resource ?? body.issuer).to.be.a('string');
    });
  }
});
