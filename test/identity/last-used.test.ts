import { expect } from 'chai';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { call, InternalClient, startTestGateway, testDatabaseUrl } from '../support/index.js';

describe('identity: last-used time and address', () => {
  let orm: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    await orm.close(true);
  });

  const lastUsed = async (tokenId: string) =>
    (await sql<{ last_used_at: string | null; last_used_ip: string | null }>(orm.em.fork(), 'select last_used_at, last_used_ip from agent_tokens where id = ?', [tokenId]))[0]!;

  it('is kept in memory on each request and written in one batch at flush and at shutdown', async () => {
    const gw = await startTestGateway({ lastUsedFlushSeconds: 3600 });
    try {
      const internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-last-used');
      const agent = await internal.createAgent();
      const a = await internal.issueToken(agent.id);
      const b = await internal.issueToken(agent.id);
      for (const [token, address] of [[a.secret, '203.0.113.7'], [b.secret, '203.0.113.8'], [a.secret, '203.0.113.9']] as const) {
        expect((await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': address } })).status).to.equal(200);
      }
      expect((await lastUsed(a.token.id)).last_used_at, 'no write per request').to.equal(null);
      expect(await gw.gateway.deps.identity.lastUsed.flush()).to.equal(2);
      expect((await lastUsed(a.token.id)).last_used_ip).to.equal('203.0.113.9');
      expect((await lastUsed(b.token.id)).last_used_ip).to.equal('203.0.113.8');
      expect(await gw.gateway.deps.identity.lastUsed.flush(), 'nothing new to write').to.equal(0);
      await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${b.secret}`, 'x-forwarded-for': '203.0.113.10' } });
      await gw.close();
      expect((await lastUsed(b.token.id)).last_used_ip, 'flushed at shutdown').to.equal('203.0.113.10');
    } finally {
      await gw.close();
    }
  });

  it('audits a burst of failed authentications from one address once', async () => {
    const gw = await startTestGateway({ authFailureBurstThreshold: 3 });
    try {
      const internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-burst');
      for (let i = 0; i < 5; i += 1) await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: 'Bearer agw_nope', 'x-forwarded-for': '203.0.113.66' } });
      let events: Array<{ detail: { address: string } }> = [];
      for (let i = 0; i < 20 && events.length === 0; i += 1) {
        const res = await internal.request('GET', '/audit?kind=auth.failure_burst&limit=200');
        events = res.body.items.filter((e: { detail: { address: string } }) => e.detail.address === '203.0.113.66');
        if (events.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(events).to.have.length(1);
    } finally {
      await gw.close();
    }
  });
});
