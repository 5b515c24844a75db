import { expect } from 'chai';
import pg from 'pg';
import { AuthCache, tokenPrefix, type ListenerHealth } from '../../src/identity/index.js';
import { call, InternalClient, startTestGateway, testDatabaseUrl, type TestGateway } from '../support/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs SQL as a DBA would, on a connection of its own (outside the gateway's services). */
async function asDba(statements: string[], params: unknown[][] = []): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    for (const [i, text] of statements.entries()) await client.query(text, params[i] ?? []);
  } finally {
    await client.end();
  }
}

/** Polls until `probe` holds or `ms` pass; returns whether it held. */
async function within(ms: number, probe: () => Promise<boolean> | boolean): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > until) return false;
    await sleep(20);
  }
}

describe('identity: the authentication cache (LISTEN/NOTIFY, fail closed)', function () {
  this.timeout(60_000);
  let gw: TestGateway;
  let internal: InternalClient;
  const me = (secret: string) => call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
  const cache = () => gw.gateway.deps.identity.authenticator.cache;

  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-cache');
    expect(await within(10_000, () => cache().trusted()), 'the change feed comes up').to.equal(true);
  });
  after(async () => {
    await gw.close();
  });

  /** A new agent with a grant and a token, in the cache (its own creation's notifications may drop it a few times first). */
  async function agentWithSecret(): Promise<{ agentId: string; tokenId: string; secret: string }> {
    const agent = await internal.createAgent();
    await internal.createGrant(agent.id, { workspace: 'acme', projects: '*', tools: ['read'] });
    const { secret, token } = await internal.issueToken(agent.id);
    const cached = await within(2_000, async () => (await me(secret)).status === 200 && cache().get(tokenPrefix(secret)!) !== undefined);
    expect(cached, 'the new token is cached').to.equal(true);
    return { agentId: agent.id, tokenId: token.id, secret };
  }

  it('serves a known token from memory: a change that sends no notification is not seen', async () => {
    const { tokenId, secret } = await agentWithSecret();
    expect((await me(secret)).status).to.equal(200);
    // session_replication_role = replica skips ordinary triggers, so this revocation notifies nobody.
    await asDba(['set session_replication_role = replica', 'update agent_tokens set revoked_at = now() where id = $1'], [[], [tokenId]]);
    expect((await me(secret)).status, 'answered from the cache').to.equal(200);
    cache().invalidate('*');
    expect((await me(secret)).status, 'read again once dropped').to.equal(401);
  });

  it('drops an agent on a change made behind the services (a DBA UPDATE), through the triggers', async () => {
    const { agentId, secret } = await agentWithSecret();
    expect((await me(secret)).status).to.equal(200);
    await asDba(["update agents set status = 'suspended' where id = $1"], [[agentId]]);
    expect(await within(1_000, async () => (await me(secret)).status === 401), 'refused within a second').to.equal(true);
    await asDba(["update agents set status = 'active' where id = $1"], [[agentId]]);
    expect(await within(1_000, async () => (await me(secret)).status === 200), 'served again within a second').to.equal(true);
  });

  it('sees its own revocations, suspensions and grant changes on the very next request', async () => {
    const { agentId, tokenId, secret } = await agentWithSecret();
    expect((await me(secret)).body.grants).to.have.length(1);
    const extra = await internal.createGrant(agentId, { workspace: 'acme', projects: ['OPS'], tools: ['write'] });
    expect((await me(secret)).body.grants.map((g: { id: string }) => g.id)).to.include(extra.id);
    expect((await internal.request('POST', `/agents/${agentId}/suspend`, {})).status).to.equal(200);
    expect((await me(secret)).status).to.equal(401);
    expect((await internal.request('POST', `/agents/${agentId}/reactivate`, {})).status).to.equal(200);
    expect((await me(secret)).status).to.equal(200);
    expect((await internal.request('POST', `/agents/${agentId}/tokens/${tokenId}/revoke`, {})).status).to.equal(200);
    expect((await me(secret)).status).to.equal(401);
  });

  it('never keeps an entry past its token or grant expiry', async () => {
    const agent = await internal.createAgent();
    const soon = new Date(Date.now() + 1_500).toISOString();
    const grant = await internal.createGrant(agent.id, { workspace: 'acme', projects: '*', tools: ['read'], expires_at: soon });
    const { secret } = await internal.issueToken(agent.id, { expires_at: new Date(Date.now() + 3_000).toISOString() });
    expect((await me(secret)).body.grants.map((g: { id: string }) => g.id)).to.deep.equal([grant.id]);
    await sleep(1_600);
    expect((await me(secret)).body.grants, 'the expired grant is gone').to.deep.equal([]);
    await sleep(1_500);
    expect((await me(secret)).status, 'the expired token is refused').to.equal(401);
  });

  it('notices a lost change feed and misses nothing: whatever changed meanwhile is read from the database', async () => {
    const { tokenId, secret } = await agentWithSecret();
    await asDba(["select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'agent-gateway-listener' and datname = current_database()"]);
    expect(await within(3_000, () => !cache().trusted()), 'the loss is noticed').to.equal(true);
    expect(cache().get(tokenPrefix(secret)!), 'nothing served from memory meanwhile').to.equal(undefined);
    // Notifies nobody; seen anyway, whether the feed is still down or already back (it starts empty).
    await asDba(['set session_replication_role = replica', 'update agent_tokens set revoked_at = now() where id = $1'], [[], [tokenId]]);
    expect((await me(secret)).status).to.equal(401);
    expect(await within(10_000, () => cache().trusted()), 'the feed reconnects').to.equal(true);
    await agentWithSecret();
  });

  it('while the change feed is stopped, every request reads the database and nothing is kept', async () => {
    const { tokenId, secret } = await agentWithSecret();
    expect((await me(secret)).status).to.equal(200);
    await gw.gateway.deps.identity.changeFeed.stop();
    try {
      expect(cache().trusted()).to.equal(false);
      await asDba(['set session_replication_role = replica', 'update agent_tokens set revoked_at = now() where id = $1'], [[], [tokenId]]);
      expect((await me(secret)).status).to.equal(401);
      const agent = await internal.createAgent();
      const other = await internal.issueToken(agent.id);
      expect((await me(other.secret)).status).to.equal(200);
      expect(cache().size).to.equal(0);
    } finally {
      gw.gateway.deps.identity.changeFeed.start();
    }
    expect(await within(10_000, () => cache().trusted())).to.equal(true);
  });
});

describe('identity: AuthCache on its own', () => {
  const up: ListenerHealth = { isUp: () => true };

  it('does not keep an answer read while an invalidation happened (no stale fill)', () => {
    const cache = new AuthCache<string>();
    cache.attach(up);
    const ticket = cache.ticket();
    cache.invalidate('agent-1');
    cache.put('prefix', 'agent-1', 'old answer', ticket, null);
    expect(cache.get('prefix')).to.equal(undefined);
    cache.put('prefix', 'agent-1', 'fresh answer', cache.ticket(), null);
    expect(cache.get('prefix')).to.equal('fresh answer');
  });

  it('serves nothing and keeps nothing while its listener cannot vouch for it', () => {
    let healthy = true;
    const cache = new AuthCache<string>();
    cache.attach({ isUp: () => healthy });
    cache.put('a', 'agent-1', 'x', cache.ticket(), null);
    healthy = false;
    expect(cache.get('a')).to.equal(undefined);
    cache.put('b', 'agent-1', 'y', cache.ticket(), null);
    healthy = true;
    expect(cache.get('b')).to.equal(undefined);
  });

  it('forgets an agent on its notification, everything on *, and entries at their expiry', () => {
    const cache = new AuthCache<string>();
    cache.attach(up);
    const now = Date.now();
    cache.put('a1', 'agent-1', 'x', cache.ticket(), null, now);
    cache.put('a2', 'agent-1', 'y', cache.ticket(), null, now);
    cache.put('b1', 'agent-2', 'z', cache.ticket(), now + 1_000, now);
    cache.invalidate('agent-1');
    expect([cache.get('a1', now), cache.get('a2', now), cache.get('b1', now)]).to.deep.equal([undefined, undefined, 'z']);
    expect(cache.get('b1', now + 1_000)).to.equal(undefined);
    cache.put('b1', 'agent-2', 'z', cache.ticket(), null, now);
    cache.invalidate('*');
    expect(cache.size).to.equal(0);
  });
});
