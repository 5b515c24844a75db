import { expect } from 'chai';
import { InternalClient, startTestGateway, type HttpResult, type TestGateway } from '../support/index.js';

describe('audit: GET /internal/v1/audit', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  let agentId: string;
  let startedAt: string;
  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-audit-query');
    startedAt = new Date(Date.now() - 1000).toISOString();
    agentId = (await internal.createAgent('Audited')).id;
    const issued = await internal.issueToken(agentId);
    await internal.request('POST', `/agents/${agentId}/tokens/${issued.token.id}/revoke`);
    await internal.createGrant(agentId);
    await internal.request('POST', `/agents/${agentId}/suspend`, { reason: 'holiday' });
  });
  after(async () => {
    await gw.close();
  });

  it('names who acted, on what, when, on which request, with which outcome', async () => {
    const res = await internal.request('GET', `/audit?agent_id=${agentId}&kind=agent.suspended`);
    expect(res.status).to.equal(200);
    const [event] = res.body.items;
    expect(event).to.include({ kind: 'agent.suspended', agent_id: agentId, owner_user_id: 'owner-audit-query', outcome: 'success' });
    expect(event.actor).to.deep.equal({ type: 'user', id: 'owner-audit-query' });
    expect(event.subject).to.deep.equal({ type: 'agent', id: agentId });
    expect(event.detail).to.deep.include({ from: 'active', to: 'suspended', reason: 'holiday' });
    expect(event.request_id).to.be.a('string');
    expect(event.hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('filters by kind prefix, owner and time, newest first, and pages with a cursor', async () => {
    const tokens = await internal.request('GET', `/audit?agent_id=${agentId}&kind=token.*`);
    expect(tokens.body.items.map((e: { kind: string }) => e.kind)).to.deep.equal(['token.revoked', 'token.issued']);
    const future = await internal.request('GET', `/audit?owner_user_id=owner-audit-query&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.items).to.deep.equal([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: HttpResult = await internal.request('GET', `/audit?owner_user_id=owner-audit-query&since=${encodeURIComponent(startedAt)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).to.equal(200);
      seen.push(...page.body.items.map((e: { kind: string }) => e.kind));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).to.deep.equal(['agent.suspended', 'grant.created', 'token.revoked', 'token.issued', 'agent.created']);
  });
});
