import { expect } from 'chai';
import { call, InternalClient, randomAddress, startTestGateway, type HttpResult, type TestGateway } from '../support/index.js';

describe('gateway: the whole agent lifecycle over HTTP', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-lifecycle');
  });
  after(async () => {
    await gw.close();
  });

  const me = (token: string) => call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });

  it('creates an agent, pairs it with a code, grants, rotates and revokes, and then refuses its tokens', async () => {
    const created = await internal.request('POST', '/agents', { owner_user_id: 'owner-lifecycle', owner_email: 'owner@example.com', display_name: 'Laptop Codex' });
    expect(created.status).to.equal(201);
    const agentId: string = created.body.agent.id;
    expect(created.body.agent).to.include({ status: 'active', owner_user_id: 'owner-lifecycle', display_name: 'Laptop Codex' });

    const codeRes = await internal.request('POST', `/agents/${agentId}/pairing-codes`, {});
    expect(codeRes.status).to.equal(201);
    const code: string = codeRes.body.pairing_code.code;
    expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    const exchanged = await call(gw.baseUrl, 'POST', '/api/v1/pairing/exchange', { body: { code, device_name: 'laptop' }, headers: { 'x-forwarded-for': randomAddress() } });
    expect(exchanged.status).to.equal(201);
    expect(exchanged.body.token_type).to.equal('Bearer');
    const token: string = exchanged.body.access_token;
    expect(token).to.match(/^agw_/);
    expect(exchanged.body.agent.id).to.equal(agentId);

    const whoami = await me(token);
    expect(whoami.status).to.equal(200);
    expect(whoami.body.agent.id).to.equal(agentId);
    expect(whoami.body.owner).to.deep.equal({ user_id: 'owner-lifecycle', email: 'owner@example.com' });
    expect(whoami.body.grants).to.deep.equal([]);

    const grant = await internal.request('POST', `/agents/${agentId}/grants`, {
      workspace: 'acme',
      projects: ['WEB', 'API'],
      tools: ['read', 'create_work_item'],
      constraints: { write_budget_per_hour: 20, approval_required_projects: ['API'] },
    });
    expect(grant.status).to.equal(201);
    const withGrant = await me(token);
    expect(withGrant.body.grants).to.have.length(1);
    expect(withGrant.body.grants[0]).to.include({ id: grant.body.grant.id, workspace: 'acme' });
    expect(withGrant.body.grants[0].constraints).to.deep.equal({ write_budget_per_hour: 20, approval_required_projects: ['API'] });

    const tokens = await internal.request('GET', `/agents/${agentId}/tokens`);
    expect(tokens.status).to.equal(200);
    expect(tokens.body.items).to.have.length(1);
    expect(JSON.stringify(tokens.body)).not.to.contain(token.slice(17));
    expect(tokens.body.items[0]).not.to.have.property('secret_hash');
    const tokenId: string = exchanged.body.token_id;

    const rotated = await internal.request('POST', `/agents/${agentId}/tokens/${tokenId}/rotate`, { overlap_seconds: 60 });
    expect(rotated.status).to.equal(201);
    const newToken: string = rotated.body.secret;
    expect(newToken).to.not.equal(token);
    expect((await me(newToken)).status).to.equal(200);
    expect((await me(token)).status, 'the old token still works during the overlap').to.equal(200);
    expect(new Date(rotated.body.previous.expires_at).getTime()).to.be.at.most(Date.now() + 61_000);

    const rotatedWithoutOverlap = await internal.request('POST', `/agents/${agentId}/tokens/${rotated.body.token.id}/rotate`, { overlap_seconds: 0 });
    expect(rotatedWithoutOverlap.status).to.equal(201);
    expect((await me(newToken)).status, 'no overlap: the rotated token stops at once').to.equal(401);
    const third: string = rotatedWithoutOverlap.body.secret;
    expect((await me(third)).status).to.equal(200);

    const revoked = await internal.request('POST', `/agents/${agentId}/revoke`, { reason: 'laptop lost' });
    expect(revoked.status).to.equal(200);
    expect(revoked.body.agent.status).to.equal('revoked');
    for (const t of [token, third]) {
      const after = await me(t);
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal('unauthenticated');
    }
    const listed = await internal.request('GET', `/agents/${agentId}/tokens`);
    expect(listed.body.items.every((t: { state: string }) => t.state !== 'active')).to.equal(true);
    const reactivate = await internal.request('POST', `/agents/${agentId}/reactivate`, {});
    expect(reactivate.status, 'revocation is final').to.equal(409);

    const audit = await internal.request('GET', `/audit?agent_id=${agentId}&limit=200`);
    const kinds = audit.body.items.map((e: { kind: string }) => e.kind);
    for (const kind of ['agent.created', 'pairing.code_created', 'pairing.code_exchanged', 'grant.created', 'token.rotated', 'agent.revoked']) expect(kinds).to.include(kind);
  });

  it('suspends and reactivates an agent: its token is refused while suspended and works again after', async () => {
    const agent = await internal.createAgent('Suspendable');
    const { secret } = await internal.issueToken(agent.id);
    expect((await me(secret)).status).to.equal(200);
    expect((await internal.request('POST', `/agents/${agent.id}/suspend`, {})).body.agent.status).to.equal('suspended');
    expect((await me(secret)).status).to.equal(401);
    expect((await internal.request('POST', `/agents/${agent.id}/reactivate`)).body.agent.status).to.equal('active');
    expect((await me(secret)).status).to.equal(200);
  });

  it('gives the same 401 body for unknown, malformed, expired and revoked tokens', async () => {
    const agent = await internal.createAgent('Token states');
    const revoked = await internal.issueToken(agent.id);
    await internal.request('POST', `/agents/${agent.id}/tokens/${revoked.token.id}/revoke`);
    const unknown = 'agw_AAAAAAAAAAAA_' + 'B'.repeat(43);
    const bodies = [];
    for (const header of [`Bearer ${unknown}`, 'Bearer nonsense', `Bearer ${revoked.secret}`, '', `Basic ${revoked.secret}`]) {
      const res = await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: header ? { authorization: header } : {} });
      expect(res.status).to.equal(401);
      bodies.push({ code: res.body.error.code, message: res.body.error.message });
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).to.equal(1);
  });

  it('lists agents by owner and status with cursor pagination', async () => {
    const owner = internal.as('owner-paging');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await owner.createAgent(`Paged ${i}`)).id);
    await owner.request('POST', `/agents/${ids[0]}/suspend`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: HttpResult = await owner.request('GET', `/agents?owner_user_id=owner-paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).to.equal(200);
      expect(page.body.items.length).to.be.at.most(2);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect([...seen].sort()).to.deep.equal([...ids].sort());
    const suspended = await owner.request('GET', '/agents?owner_user_id=owner-paging&status=suspended');
    expect(suspended.body.items.map((a: { id: string }) => a.id)).to.deep.equal([ids[0]]);
  });
});
