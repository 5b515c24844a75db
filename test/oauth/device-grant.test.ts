import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { GatewayConfig } from '../../src/config/index.js';
import { hashPassword } from '../../src/console/index.js';
import { insertUser } from '../../src/console/users.js';
import type { GatewayExtension } from '../../src/gateway/index.js';
import { buildStages } from '../../src/gateway/stages.js';
import { silentLogger } from '../../src/log/index.js';
import { DEVICE_CODE_GRANT, deviceGrantRouter } from '../../src/oauth/device-grant.js';
import { PgOAuthAdapter } from '../../src/oauth/pg-adapter.js';
import { compiledPolicyDir } from '../decision/support.js';
import { call, InternalClient, randomAddress, startTestGateway, type TestGateway } from '../support/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'correct horse battery staple';

/** For the bare gateway of the expiry test (no OAuth extension): the RFC 8628 endpoints as the OAuth extension mounts them. */
const deviceGrant: GatewayExtension = { name: 'oauth-device-grant', setup: (deps) => ({ pageRouters: [{ path: '/', router: deviceGrantRouter(deps) }] }) };

/** A form POST as an RFC 8628 client sends it, from a chosen address (the test gateway trusts loopback proxies). */
function form(gw: TestGateway, path: string, fields: Record<string, string>, address: string) {
  return fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address }, body: new URLSearchParams(fields).toString() }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  }));
}

/** The console in plain HTTP: a cookie jar, its CSRF fields, no JavaScript needed. */
class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(method: 'GET' | 'POST', path: string, fields?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, { method, headers, redirect: 'manual', ...(fields ? { body: new URLSearchParams(fields).toString() } : {}) });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  static csrf(page: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!token) throw new Error('no CSRF field on the page');
    return token;
  }

  async signIn(id: string): Promise<void> {
    const page = await this.request('GET', '/console/sign-in');
    const res = await this.request('POST', '/console/sign-in', { id, password: PASSWORD, _csrf: ConsoleClient.csrf(page.text) });
    expect(res.status, res.text).to.equal(303);
  }

  pairPage(userCode: string) {
    return this.request('GET', `/console/pair?user_code=${encodeURIComponent(userCode)}`);
  }

  async decide(userCode: string, decision: 'approve' | 'deny', displayName = 'Device grant agent') {
    const page = await this.pairPage(userCode);
    expect(page.status, page.text).to.equal(200);
    const fields: Record<string, string> = decision === 'approve' ? { user_code: userCode, target: 'new', display_name: displayName } : { user_code: userCode };
    return this.request('POST', `/console/pair/${decision}`, { ...fields, _csrf: ConsoleClient.csrf(page.text) });
  }
}

describe('oauth: the RFC 8628 device grant over the pairing flow, approved on the console', function () {
  this.timeout(120_000);
  let gw: TestGateway;
  let owner: ConsoleClient;
  let internal: InternalClient;
  let docs: Server;
  let docsBase = '';
  let clientId = '';

  before(async () => {
    docs = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client_id: `${docsBase}${req.url}`, client_name: 'Doc <CLI>', redirect_uris: ['http://127.0.0.1/callback'] }));
    });
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    docsBase = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;

    const stages = buildStages(silentLogger(), {
      env: {},
      policyBuild: { outDir: await compiledPolicyDir(), engine: 'regoc', optimize: false },
      sandbox: { rateLimit: '100000/minute' },
      allowedOrigins: [],
    });
    // Polls every second, slowing down by 0.2 s (as the pairing flow's own test): back-to-back polls are reliably too fast.
    const config: Partial<GatewayConfig> = { dataDir: mkdtempSync(join(tmpdir(), 'agw-device-grant-')), pairingPollIntervalSeconds: 1, pairingSlowDownSeconds: 0.2, oauthCimdAllowPrivateAddresses: true };
    gw = await startTestGateway({ config, extensions: stages.extensions });
    gw.gateway.deps.config.publicUrl = gw.baseUrl;
    const userId = `device-owner-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
    await insertUser(gw.gateway.deps.orm.em.fork(), { id: userId, email: `${userId}@example.com`, displayName: 'Device Owner', role: 'owner', source: 'local', passwordHash: await hashPassword(PASSWORD) });
    owner = new ConsoleClient(gw.baseUrl);
    await owner.signIn(userId);
    internal = new InternalClient(gw.baseUrl, gw.internalToken, userId);
    // A public client registered dynamically (RFC 7591) with the gateway's authorization server.
    const registered = await call(gw.baseUrl, 'POST', '/oauth/register', { body: { client_name: 'Headless <Codex>', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] }, headers: { 'x-forwarded-for': randomAddress() } });
    expect(registered.status, registered.text).to.equal(201);
    clientId = registered.body.client_id as string;
  });
  after(async () => {
    await gw?.close();
    docs?.close();
  });

  const authorize = (address: string, fields: Record<string, string> = {}) => form(gw, '/oauth/device/auth', { client_id: clientId, scope: 'tasker', resource: `${gw.baseUrl}/mcp`, ...fields }, address);
  const token = (deviceCode: string, address: string, id = clientId) => form(gw, '/oauth/token', { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: id }, address);

  it('answers a device authorization request with the RFC 8628 fields, and the owner sees the client named (escaped) on the console', async () => {
    const res = await authorize(randomAddress());
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(res.body).to.have.keys('device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval');
    expect(res.body.verification_uri).to.equal(`${gw.baseUrl}/console/pair`);
    expect(res.body.verification_uri_complete).to.equal(`${gw.baseUrl}/console/pair?user_code=${encodeURIComponent(res.body.user_code as string)}`);
    const page = await owner.pairPage(res.body.user_code as string);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Headless &lt;Codex&gt;').and.not.to.contain('Headless <Codex>');
  });

  it('polls authorization_pending, slow_down when too fast, then hands out an agw_ token once after the owner approves on the console', async () => {
    const address = randomAddress();
    const started = (await authorize(address)).body as { device_code: string; user_code: string };
    const pending = await token(started.device_code, address);
    expect(pending.status).to.equal(400);
    expect(pending.body.error).to.equal('authorization_pending');
    expect(pending.headers.get('cache-control')).to.equal('no-store');
    const tooFast = await Promise.all([token(started.device_code, address), token(started.device_code, address)]);
    expect(tooFast.map((r) => r.body.error)).to.include('slow_down');

    const approved = await owner.decide(started.user_code, 'approve', 'Headless Codex');
    expect(approved.status, approved.text).to.equal(303);
    await sleep(1500); // past the slowed-down interval
    const issued = await token(started.device_code, address);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(200);
    expect(issued.body).to.include({ token_type: 'Bearer', scope: 'tasker' });
    expect(issued.body.access_token).to.match(/^agw_/);
    expect(issued.body.expires_in).to.be.a('number').above(0);
    expect(issued.body).not.to.have.property('refresh_token');

    const me = await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${issued.body.access_token}` } });
    expect(me.status).to.equal(200);
    expect(me.body.agent.display_name).to.equal('Headless Codex');

    await sleep(1500);
    const again = await token(started.device_code, address);
    expect(again.status).to.equal(400);
    expect(again.body.error).to.equal('expired_token');
    expect(again.body).not.to.have.property('access_token');
  });

  it('answers access_denied once the owner denies on the console', async () => {
    const address = randomAddress();
    const started = (await authorize(address)).body as { device_code: string; user_code: string };
    const denied = await owner.decide(started.user_code, 'deny');
    expect(denied.status, denied.text).to.be.oneOf([200, 303]);
    const res = await token(started.device_code, address);
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal('access_denied');
  });

  it('binds a device_code to its client: another client_id or an altered code gets invalid_grant', async () => {
    const address = randomAddress();
    const started = (await authorize(address)).body as { device_code: string; user_code: string };
    const other = await token(started.device_code, address, `${clientId}-other`);
    expect(other.status).to.equal(400);
    expect(other.body.error).to.equal('invalid_grant');
    const [flowId, secret, tag] = started.device_code.split('.');
    const forged = await token(`${flowId}.${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}.${tag}`, address);
    expect(forged.body.error).to.equal('invalid_grant');
    const garbage = await token('not-a-device-code', address);
    expect(garbage.body.error).to.equal('invalid_grant');
    // The rightful client is still only waiting.
    await sleep(1100);
    expect((await token(started.device_code, address)).body.error).to.equal('authorization_pending');
  });

  it('refuses an unknown client (401 invalid_client), a missing client_id, an unknown scope, a foreign resource and an oversized form, starting no flow', async () => {
    const address = randomAddress();
    const unknown = await authorize(address, { client_id: 'nobody-registered-this' });
    expect(unknown.status).to.equal(401);
    expect(unknown.body.error).to.equal('invalid_client');
    const missing = await form(gw, '/oauth/device/auth', { scope: 'tasker' }, address);
    expect(missing.status).to.equal(400);
    expect(missing.body.error).to.equal('invalid_request');
    const scope = await authorize(address, { scope: 'tasker admin' });
    expect(scope.body.error).to.equal('invalid_scope');
    const resource = await authorize(address, { resource: 'https://elsewhere.example.com/mcp' });
    expect(resource.body.error).to.equal('invalid_target');
    const oversized = await authorize(address, { padding: 'x'.repeat(20_000) });
    expect(oversized.status).to.equal(400);
    expect(oversized.body).to.deep.include({ error: 'invalid_request' });
    const started = await internal.request('GET', '/audit?kind=pairing.flow_started&limit=200');
    const fromAddress = (started.body.items as { actor: { id: string } }[]).filter((e) => e.actor.id === address);
    expect(fromAddress).to.have.length(0);
  });

  it('accepts a client-ID metadata document URL as client_id, naming the client with its host on the console, and audits the client', async () => {
    const address = randomAddress();
    const docClient = `${docsBase}/device-client.json`;
    const res = await authorize(address, { client_id: docClient });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const page = await owner.pairPage(res.body.user_code as string);
    expect(page.text).to.contain(`Doc &lt;CLI&gt; (${new URL(docsBase).host})`);
    const audit = await internal.request('GET', '/audit?kind=oauth.device_authorization&limit=200');
    const event = (audit.body.items as { actor: { id: string }; detail: Record<string, unknown> }[]).find((e) => e.actor.id === address);
    expect(event?.detail).to.include({ client_id: docClient, grant_type: DEVICE_CODE_GRANT });
  });

  it('leaves every other grant to the authorization server, which still reads the form it was sent', async () => {
    const res = await form(gw, '/oauth/token', { grant_type: 'authorization_code', client_id: clientId, code: 'not-a-code', code_verifier: 'v'.repeat(43), redirect_uri: 'http://127.0.0.1/cb' }, randomAddress());
    expect(res.status).to.equal(400);
    // oidc-provider's answer: it saw grant_type and code (an unreadable body would be invalid_request).
    expect(res.body.error).to.equal('invalid_grant');
  });

  it('answers expired_token once the flow has expired', async () => {
    const short = await startTestGateway({ config: { pairingFlowTtlSeconds: 1 }, extensions: [deviceGrant] });
    try {
      await new PgOAuthAdapter(short.gateway.deps.orm, 'Client').upsert(clientId, { client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] });
      const address = randomAddress();
      const started = await form(short, '/oauth/device/auth', { client_id: clientId }, address);
      expect(started.status, JSON.stringify(started.body)).to.equal(200);
      await sleep(1300);
      const res = await form(short, '/oauth/token', { grant_type: DEVICE_CODE_GRANT, device_code: started.body.device_code as string, client_id: clientId }, address);
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal('expired_token');
    } finally {
      await short.close();
    }
  });
});
