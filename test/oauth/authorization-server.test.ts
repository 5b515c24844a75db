import { expect } from 'chai';
import { calculatePKCECodeChallenge, randomPKCECodeVerifier, randomState } from 'openid-client';
import { sql } from '../../src/store/index.js';
import { createUser, PASSWORD, type ConsoleStack } from '../console/support.js';
import { startOAuthStack } from './support-stack.js';

/** The console in plain HTTP: a cookie jar (path-blind: every cookie to every path is close enough here), its CSRF fields. */
class Browserish {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(method: 'GET' | 'POST', url: string, fields?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url.startsWith('http') ? url : this.base + url, { method, headers, redirect: 'manual', ...(fields ? { body: new URLSearchParams(fields).toString() } : {}) });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    const location = res.headers.get('location');
    return { status: res.status, text: await res.text(), location: location ? new URL(location, this.base).href : null };
  }

  static csrf(page: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!token) throw new Error(`no CSRF field on the page: ${page.slice(0, 300)}`);
    return token;
  }

  async signIn(id: string): Promise<void> {
    const page = await this.request('GET', '/console/sign-in');
    const res = await this.request('POST', '/console/sign-in', { id, password: PASSWORD, _csrf: Browserish.csrf(page.text) });
    expect(res.status, res.text).to.equal(303);
  }

  /** Follows redirects until one leaves the gateway (the client's redirect URI) or a page is shown. */
  async follow(url: string): Promise<{ status: number; text: string; url: string }> {
    let current = url;
    for (let hops = 0; hops < 10; hops += 1) {
      if (!current.startsWith(this.base)) return { status: 0, text: '', url: current };
      const res = await this.request('GET', current);
      if (!res.location) return { status: res.status, text: res.text, url: current };
      current = res.location;
    }
    throw new Error('too many redirects');
  }
}

const REDIRECT = 'http://127.0.0.1:47011/callback';
/** Rate-limit counters live in the shared test database: each run counts from addresses of its own. */
const net = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('oauth: the gateway authorization server (code + PKCE, consent in the console, agw_ tokens, refresh, revocation)', function () {
  this.timeout(120_000);
  let stack: ConsoleStack;
  let owner: { id: string };
  let human: Browserish;
  let clientId: string;
  const startedAt = new Date();

  before(async function () {
    this.timeout(240_000);
    stack = await startOAuthStack({ oauthRegistrationMaxPerHour: 3 });
    owner = await createUser(stack, 'owner', 'oauth-as');
    human = new Browserish(stack.baseUrl);
    await human.signIn(owner.id);
  });
  after(async () => {
    await stack?.close();
  });

  const register = (name: string, redirectUris = [REDIRECT], address = `${net}.1`) =>
    fetch(`${stack.baseUrl}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ client_name: name, redirect_uris: redirectUris }) });

  const token = async (fields: Record<string, string>) => {
    const res = await fetch(`${stack.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    return { status: res.status, body: (await res.json()) as Record<string, string | number> };
  };

  const whoami = async (accessToken: string) => {
    const res = await fetch(`${stack.baseUrl}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    return { status: res.status, text: await res.text(), challenge: res.headers.get('www-authenticate') };
  };

  /** An authorization request as a native client makes it; returns where the gateway first sends the browser. */
  const authorize = async (params: Record<string, string>) => {
    const url = new URL(`${stack.baseUrl}/oauth/authorize`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return human.follow(url.href);
  };

  const pkce = async () => {
    const verifier = randomPKCECodeVerifier();
    return { verifier, challenge: await calculatePKCECodeChallenge(verifier) };
  };

  const baseParams = async (overrides: Record<string, string> = {}) => {
    const { verifier, challenge } = await pkce();
    const state = randomState();
    const params = { client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'tasker offline_access', code_challenge: challenge, code_challenge_method: 'S256', resource: `${stack.baseUrl}/mcp`, state, ...overrides };
    return { params, verifier, state };
  };

  /** The whole browser part: authorization request, consent page, approval with a new agent; returns the code. */
  const consent = async (agentName: string): Promise<{ code: string; verifier: string; page: string }> => {
    const { params, verifier, state } = await baseParams();
    const shown = await authorize(params);
    expect(shown.status, shown.text).to.equal(200);
    expect(shown.url).to.match(/\/console\/oauth\/consent\/[A-Za-z0-9_-]+$/);
    const answer = await human.request('POST', shown.url, { _csrf: Browserish.csrf(shown.text), target: 'new', display_name: agentName });
    expect(answer.status, answer.text).to.equal(303);
    const back = await human.follow(answer.location!);
    const redirected = new URL(back.url);
    expect(redirected.origin + redirected.pathname).to.equal(REDIRECT);
    expect(redirected.searchParams.get('state')).to.equal(state);
    expect(redirected.searchParams.get('iss')).to.equal(stack.baseUrl);
    return { code: redirected.searchParams.get('code')!, verifier, page: shown.text };
  };

  const exchange = (code: string, verifier: string, overrides: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId, resource: `${stack.baseUrl}/mcp`, ...overrides });

  it('registers a public client dynamically (RFC 7591): no secret, token_endpoint_auth_method none', async () => {
    const res = await register('HTTP <Test> Client');
    expect(res.status).to.equal(201);
    const body = (await res.json()) as Record<string, unknown>;
    clientId = String(body.client_id);
    expect(body.token_endpoint_auth_method).to.equal('none');
    expect(body.client_secret, JSON.stringify(body)).to.equal(undefined);
  });

  it('code + PKCE with consent in the console yields an agw_ access token that works on /mcp whoami, and a refresh token', async () => {
    const { code, verifier, page } = await consent('OAuth HTTP agent');
    expect(page).to.include('HTTP &lt;Test&gt; Client');
    expect(page).to.include('127.0.0.1:47011');
    const res = await exchange(code, verifier);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(String(res.body.access_token)).to.match(/^agw_/);
    expect(res.body.token_type).to.equal('Bearer');
    expect(res.body.expires_in).to.equal(3600);
    expect(res.body.refresh_token).to.be.a('string');
    const me = await whoami(String(res.body.access_token));
    expect(me.status, me.text).to.equal(200);
    expect(me.text).to.include('OAuth HTTP agent');
  });

  it('refresh rotates: a new agw_ token and a new refresh token; reusing the old one is refused and revokes the family (old access token then 401 invalid_token)', async () => {
    const { code, verifier } = await consent('OAuth refresh agent');
    const first = await exchange(code, verifier);
    const second = await token({ grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token), client_id: clientId });
    expect(second.status, JSON.stringify(second.body)).to.equal(200);
    expect(second.body.refresh_token).to.not.equal(first.body.refresh_token);
    expect(String(second.body.access_token)).to.match(/^agw_/);
    expect((await whoami(String(second.body.access_token))).status).to.equal(200);

    const reuse = await token({ grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token), client_id: clientId });
    expect(reuse.status).to.equal(400);
    expect(reuse.body.error).to.equal('invalid_grant');
    for (const access of [first.body.access_token, second.body.access_token]) {
      const me = await whoami(String(access));
      expect(me.status).to.equal(401);
      expect(me.challenge).to.include('error="invalid_token"');
    }
    const later = await token({ grant_type: 'refresh_token', refresh_token: String(second.body.refresh_token), client_id: clientId });
    expect(later.body.error).to.equal('invalid_grant');
  });

  it('a replayed authorization code is refused and revokes what the first redemption got', async () => {
    const { code, verifier } = await consent('OAuth code replay agent');
    const first = await exchange(code, verifier);
    expect(first.status).to.equal(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).to.equal(400);
    expect(replay.body.error).to.equal('invalid_grant');
    expect((await whoami(String(first.body.access_token))).status).to.equal(401);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token), client_id: clientId });
    expect(refreshed.body.error).to.equal('invalid_grant');
  });

  it('RFC 7009 revocation accepts the agw_ access token (it stops working) and the refresh token (refreshing stops)', async () => {
    const { code, verifier } = await consent('OAuth revoke agent');
    const tokens = await exchange(code, verifier);
    const revoke = (value: string) =>
      fetch(`${stack.baseUrl}/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: value, client_id: clientId }).toString() });
    expect((await revoke(String(tokens.body.access_token))).status).to.equal(200);
    expect((await whoami(String(tokens.body.access_token))).status).to.equal(401);
    expect((await revoke(String(tokens.body.refresh_token))).status).to.equal(200);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), client_id: clientId });
    expect(refreshed.body.error).to.equal('invalid_grant');
  });

  it('the agent page lists its OAuth client, and Revoke there ends the grant: the access token gets 401, the refresh token invalid_grant', async () => {
    const { code, verifier } = await consent('OAuth console agent');
    const tokens = await exchange(code, verifier);
    expect((await whoami(String(tokens.body.access_token))).status).to.equal(200);
    const [row] = await sql<{ id: string }>(stack.gw.gateway.deps.orm.em.fork(), `select id from agents where display_name = ? and owner_user_id = ?`, ['OAuth console agent', owner.id]);
    const page = await human.request('GET', `/console/agents/${row!.id}`);
    expect(page.text).to.include('OAuth clients');
    expect(page.text).to.include('HTTP &lt;Test&gt; Client');
    const action = /action="(\/console\/agents\/[^"]+\/oauth-clients\/[^"]+\/revoke)"/.exec(page.text)![1]!;
    const forged = await human.request('POST', action, { _csrf: 'wrong' });
    expect(forged.status).to.equal(403);
    const revoked = await human.request('POST', action, { _csrf: Browserish.csrf(page.text) });
    expect(revoked.status).to.equal(303);
    const me = await whoami(String(tokens.body.access_token));
    expect(me.status).to.equal(401);
    expect(me.challenge).to.include('error="invalid_token"');
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), client_id: clientId });
    expect(refreshed.body.error).to.equal('invalid_grant');
    expect((await human.request('GET', `/console/agents/${row!.id}`)).text).to.include('No application signed in as this agent');
  });

  it('a resource other than the gateway MCP URL is refused with invalid_target', async () => {
    const { params } = await baseParams({ resource: 'https://elsewhere.example/mcp' });
    const shown = await authorize(params);
    const back = new URL(shown.url);
    expect(back.origin + back.pathname).to.equal(REDIRECT);
    expect(back.searchParams.get('error')).to.equal('invalid_target');
  });

  it('PKCE is required and only S256: a plain challenge and a missing one are refused', async () => {
    const cases: Record<string, string>[] = [{ code_challenge_method: 'plain' }, { code_challenge: '', code_challenge_method: '' }];
    for (const overrides of cases) {
      const { params } = await baseParams(overrides);
      const cleaned = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
      const shown = await authorize(cleaned);
      const back = new URL(shown.url);
      expect(back.origin + back.pathname, JSON.stringify(overrides)).to.equal(REDIRECT);
      expect(back.searchParams.get('error')).to.equal('invalid_request');
    }
  });

  it('a redirect URI that was not registered is refused on the gateway, never redirected to', async () => {
    const { params } = await baseParams({ redirect_uri: 'http://attacker.example/callback' });
    const shown = await authorize(params);
    expect(shown.url.startsWith(stack.baseUrl)).to.equal(true);
    expect(shown.status).to.equal(400);
    expect(shown.text).to.include('redirect_uri');
  });

  it('a loopback redirect URI may use another port (RFC 8252), exactly the same path otherwise', async () => {
    const other = 'http://127.0.0.1:50999/callback';
    const { params } = await baseParams({ redirect_uri: other });
    const shown = await authorize(params);
    expect(shown.status, shown.text).to.equal(200);
    expect(shown.url).to.match(/\/console\/oauth\/consent\//);
  });

  it('deny on the consent page sends the client back with access_denied', async () => {
    const { params, state } = await baseParams();
    const shown = await authorize(params);
    const uid = /\/console\/oauth\/consent\/([A-Za-z0-9_-]+)$/.exec(shown.url)![1];
    const answer = await human.request('POST', `/console/oauth/consent/${uid}/deny`, { _csrf: Browserish.csrf(shown.text) });
    expect(answer.status).to.equal(303);
    const back = new URL((await human.follow(answer.location!)).url);
    expect(back.searchParams.get('error')).to.equal('access_denied');
    expect(back.searchParams.get('state')).to.equal(state);
  });

  it('the consent form refuses a post without the CSRF token', async () => {
    const { params } = await baseParams();
    const shown = await authorize(params);
    const answer = await human.request('POST', shown.url, { target: 'new', display_name: 'forged' });
    expect(answer.status).to.equal(403);
  });

  it('records every OAuth step in the audit chain, as the pairing paths are: registration, consent and denial, tokens issued and refreshed, refresh reuse, revocation', async () => {
    const rows = await sql<{ kind: string; actor_type: string; actor_id: string }>(
      stack.gw.gateway.deps.orm.em.fork(),
      `select kind, actor_type, actor_id from audit_events where kind like 'oauth.%' and occurred_at >= ?`,
      [startedAt],
    );
    const kinds = new Set(rows.map((r) => r.kind));
    for (const kind of ['oauth.client_registered', 'oauth.consent_granted', 'oauth.consent_denied', 'oauth.token_issued', 'oauth.token_refreshed', 'oauth.refresh_reuse_detected', 'oauth.revoked']) {
      expect(kinds, kind).to.include(kind);
    }
    // The human's decisions name the human; the client's requests name its address.
    expect(rows.filter((r) => r.kind === 'oauth.consent_granted').every((r) => r.actor_type === 'user' && r.actor_id === owner.id)).to.equal(true);
    expect(rows.filter((r) => r.kind === 'oauth.token_issued').every((r) => r.actor_type === 'anonymous')).to.equal(true);
  });

  it('a registered client nobody consented to within a day is swept; a client with a live consent stays', async () => {
    const em = () => stack.gw.gateway.deps.orm.em.fork();
    const stale = `stale-${process.pid}-${Date.now()}`;
    const issuedLongAgo = Math.floor(Date.now() / 1000) - 2 * 86400;
    await sql(em(), `insert into oauth_payloads (model, id, payload) values ('Client', ?, ?::jsonb)`, [stale, JSON.stringify({ client_id: stale, client_id_issued_at: issuedLongAgo, redirect_uris: [REDIRECT] })]);
    // The client of the earlier tests has live consents; make it look old too.
    await sql(em(), `update oauth_payloads set payload = jsonb_set(payload, '{client_id_issued_at}', to_jsonb(?::bigint)) where model = 'Client' and id = ?`, [issuedLongAgo, clientId]);
    expect(await stack.context.oauth!.sweepUnusedClients()).to.be.greaterThan(0);
    const left = await sql<{ id: string }>(em(), `select id from oauth_payloads where model = 'Client' and id in (?, ?)`, [stale, clientId]);
    expect(left.map((r) => r.id)).to.deep.equal([clientId]);
  });

  it('dynamic registration is rate-limited per client address (429 after the hourly limit)', async () => {
    const address = `${net}.77`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await register(`Flood ${i}`, [REDIRECT], address)).status);
    expect(statuses).to.deep.equal([201, 201, 201, 429]);
    expect((await register('Elsewhere', [REDIRECT], `${net}.78`)).status).to.equal(201);
  });
});
