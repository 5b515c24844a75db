import { expect } from 'chai';
import { call, InternalClient, randomAddress, startTestGateway, type TestGateway } from '../support/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pairing: the device flow', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  // Polls every second, slowing down by 0.2 s: long enough that back-to-back polls count as too
  // fast even on a loaded machine, short enough to keep the test quick.
  before(async () => {
    gw = await startTestGateway({ pairingPollIntervalSeconds: 1, pairingSlowDownSeconds: 0.2 });
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-device');
  });
  after(async () => {
    await gw.close();
  });

  async function startFlow(address: string, deviceName = 'workstation') {
    const res = await call(gw.baseUrl, 'POST', '/api/v1/pairing/flows', { body: { device_name: deviceName }, headers: { 'x-forwarded-for': address } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { flow_id: string; flow_secret: string; user_code: string; interval: number; expires_in: number };
  }

  const poll = (flow: { flow_id: string; flow_secret: string }, address: string) =>
    call(gw.baseUrl, 'POST', `/api/v1/pairing/flows/${flow.flow_id}/poll`, { body: { flow_secret: flow.flow_secret }, headers: { 'x-forwarded-for': address } });

  it('answers pending, then slow_down when polled too fast, then delivers the token once after approval', async () => {
    const address = randomAddress();
    const flow = await startFlow(address);
    expect(flow.user_code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(flow.interval).to.be.a('number');
    expect(flow.flow_secret).to.match(/^agwf_/);

    const pending = await poll(flow, address);
    expect(pending.status).to.equal(400);
    expect(pending.body.error.code).to.equal('authorization_pending');

    const tooFast = await Promise.all([poll(flow, address), poll(flow, address)]);
    expect(tooFast.map((r) => r.status)).to.deep.equal([400, 400]);
    expect(tooFast.map((r) => r.body.error.code)).to.include('slow_down');
    const slowed = tooFast.find((r) => r.body.error.code === 'slow_down')!;
    expect(slowed.body.error.context.interval).to.be.a('number');

    const lookup = await internal.request('POST', '/pairing/flows/lookup', { user_code: flow.user_code });
    expect(lookup.status).to.equal(200);
    expect(lookup.body.flow).to.include({ id: flow.flow_id, status: 'pending', device_name: 'workstation', client_address: address });

    const approved = await internal.request('POST', '/pairing/flows/approve', { user_code: flow.user_code.toLowerCase(), agent: { display_name: 'Workstation Codex', owner_email: 'dev@example.com' } });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.body.agent).to.include({ owner_user_id: 'owner-device', display_name: 'Workstation Codex', status: 'active' });

    // After at most two slow_downs the interval is 1.4 s.
    await sleep(1500);
    const delivered = await poll(flow, address);
    expect(delivered.status, delivered.text).to.equal(200);
    expect(delivered.body.access_token).to.match(/^agw_/);
    expect(delivered.body.agent.id).to.equal(approved.body.agent.id);

    const me = await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${delivered.body.access_token}` } });
    expect(me.status).to.equal(200);
    expect(me.body.agent.id).to.equal(approved.body.agent.id);

    const second = await poll(flow, address);
    expect(second.status).to.equal(400);
    expect(second.body.error.code).to.equal('expired_token');
    expect(second.body).not.to.have.property('access_token');
    const tokens = await internal.request('GET', `/agents/${approved.body.agent.id}/tokens`);
    expect(tokens.body.items).to.have.length(1);
  });

  it('binds an approval to an existing agent', async () => {
    const address = randomAddress();
    const agent = await internal.createAgent('Existing');
    const flow = await startFlow(address);
    const approved = await internal.request('POST', '/pairing/flows/approve', { user_code: flow.user_code, agent_id: agent.id });
    expect(approved.status).to.equal(200);
    const delivered = await poll(flow, address);
    expect(delivered.status, delivered.text).to.equal(200);
    expect(delivered.body.agent.id).to.equal(agent.id);
  });

  it('answers access_denied after the owner denies, and never delivers a token', async () => {
    const address = randomAddress();
    const flow = await startFlow(address);
    const denied = await internal.request('POST', '/pairing/flows/deny', { user_code: flow.user_code });
    expect(denied.status).to.equal(200);
    expect(denied.body.flow.status).to.equal('denied');
    const res = await poll(flow, address);
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('access_denied');
    const late = await internal.request('POST', '/pairing/flows/approve', { user_code: flow.user_code, agent: { display_name: 'Too late', owner_email: 'dev@example.com' } });
    expect(late.status).to.equal(409);
  });

  it('refuses a poll with the wrong flow secret', async () => {
    const address = randomAddress();
    const flow = await startFlow(address);
    const res = await poll({ flow_id: flow.flow_id, flow_secret: 'agwf_' + 'x'.repeat(43) }, address);
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_pairing_code');
  });

  it('answers 404 for approving an unknown user code', async () => {
    const res = await internal.request('POST', '/pairing/flows/approve', { user_code: 'ZZZZ-ZZZZ', agent: { display_name: 'Nobody', owner_email: 'dev@example.com' } });
    expect(res.status).to.equal(404);
  });
});
