import { expect } from 'chai';
import { call, InternalClient, startTestGateway, type TestGateway } from '../support/index.js';

describe('identity: authentication reads the token, its agent and the live grants together', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-auth');
  });
  after(async () => {
    await gw.close();
  });

  it('carries only live grants, oldest first, and sees a revocation on the very next request', async () => {
    const agent = await internal.createAgent();
    const first = await internal.createGrant(agent.id, { workspace: 'acme', projects: ['OPS'], tools: ['read'] });
    const second = await internal.createGrant(agent.id, { workspace: 'acme', projects: '*', tools: ['write'], constraints: { write_budget_per_hour: 5 } });
    const revoked = await internal.createGrant(agent.id, { workspace: 'acme', projects: '*', tools: ['delete_work_item'] });
    expect((await internal.request('POST', `/agents/${agent.id}/grants/${revoked.id}/revoke`, {})).status).to.equal(200);
    const { secret } = await internal.issueToken(agent.id);

    const auth = await gw.gateway.deps.identity.authenticator.authenticate(`Bearer ${secret}`, '127.0.0.1');
    expect(auth.grants.map((g) => g.id)).to.deep.equal([first.id, second.id]);
    expect(auth.grants[1]).to.deep.include({ workspace: 'acme', projects: '*', tools: ['write'], constraints: { write_budget_per_hour: 5 }, expires_at: null });

    const me = () => call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
    expect((await me()).body.grants.map((g: { id: string }) => g.id)).to.deep.equal([first.id, second.id]);
    expect((await internal.request('POST', `/agents/${agent.id}/grants/${first.id}/revoke`, {})).status).to.equal(200);
    expect((await me()).body.grants.map((g: { id: string }) => g.id)).to.deep.equal([second.id]);
  });

  it('gives expiry times as ISO strings, as the policy input expects', async () => {
    const agent = await internal.createAgent();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await internal.createGrant(agent.id, { workspace: 'acme', projects: '*', tools: ['read'], expires_at: expiresAt });
    const { secret } = await internal.issueToken(agent.id);
    const auth = await gw.gateway.deps.identity.authenticator.authenticate(`Bearer ${secret}`, '127.0.0.1');
    expect(auth.grants.map((g) => g.expires_at)).to.deep.equal([expiresAt]);
  });
});
