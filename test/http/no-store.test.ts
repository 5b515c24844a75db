import { expect } from 'chai';
import { call, InternalClient, randomAddress, startTestGateway, type HttpResult, type TestGateway } from '../support/index.js';

/** Every response that carries a secret must not be kept by any cache (RFC 9111 no-store, and Pragma for HTTP/1.0). */
function expectNoStore(res: HttpResult, route: string): void {
  expect(res.headers.get('cache-control'), `${route}: Cache-Control`).to.equal('no-store');
  expect(res.headers.get('pragma'), `${route}: Pragma`).to.equal('no-cache');
}

describe('http: responses that carry secrets are never cached', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-no-store');
  });
  after(async () => {
    await gw.close();
  });

  it('marks every route that mints a token, a pairing code or a flow secret no-store, and shows each one does carry it', async () => {
    const agent = await internal.createAgent('Uncached');
    const address = randomAddress();
    const publicCall = (path: string, body: unknown) => call(gw.baseUrl, 'POST', `/api/v1${path}`, { body, headers: { 'x-forwarded-for': address } });

    const issued = await internal.request('POST', `/agents/${agent.id}/tokens`, {});
    const rotated = await internal.request('POST', `/agents/${agent.id}/tokens/${issued.body.token.id}/rotate`, {});
    const code = await internal.request('POST', `/agents/${agent.id}/pairing-codes`, {});
    const exchanged = await publicCall('/pairing/exchange', { code: code.body.pairing_code.code, device_name: 'box' });
    const started = await publicCall('/pairing/flows', { device_name: 'box' });
    await internal.request('POST', '/pairing/flows/approve', { user_code: started.body.user_code, agent_id: agent.id });
    const polled = await publicCall(`/pairing/flows/${started.body.flow_id}/poll`, { flow_secret: started.body.flow_secret });

    const walk: Array<[string, HttpResult, number, (body: any) => unknown]> = [
      ['POST /internal/v1/agents/{id}/tokens', issued, 201, (b) => b.secret],
      ['POST /internal/v1/agents/{id}/tokens/{id}/rotate', rotated, 201, (b) => b.secret],
      ['POST /internal/v1/agents/{id}/pairing-codes', code, 201, (b) => b.pairing_code.code],
      ['POST /api/v1/pairing/exchange', exchanged, 201, (b) => b.access_token],
      ['POST /api/v1/pairing/flows', started, 201, (b) => b.flow_secret && b.user_code],
      ['POST /api/v1/pairing/flows/{id}/poll', polled, 200, (b) => b.access_token],
    ];
    for (const [route, res, status, secretOf] of walk) {
      expect(res.status, `${route}: ${res.text}`).to.equal(status);
      expect(secretOf(res.body), `${route} carries a secret`).to.be.a('string').with.length.above(7);
      expectNoStore(res, route);
    }
  });

  it('keeps no-store on the error answers of those routes too (a pending poll, an unknown agent, a wrong code)', async () => {
    const address = randomAddress();
    const started = await call(gw.baseUrl, 'POST', '/api/v1/pairing/flows', { body: { device_name: 'box' }, headers: { 'x-forwarded-for': address } });
    const pending = await call(gw.baseUrl, 'POST', `/api/v1/pairing/flows/${started.body.flow_id}/poll`, { body: { flow_secret: started.body.flow_secret }, headers: { 'x-forwarded-for': address } });
    expect(pending.body.error.code).to.equal('authorization_pending');
    expectNoStore(pending, 'poll (pending)');
    const unknown = await internal.request('POST', '/agents/00000000-0000-4000-8000-000000000000/tokens', {});
    expect(unknown.status).to.equal(404);
    expectNoStore(unknown, 'tokens (unknown agent)');
    const wrong = await call(gw.baseUrl, 'POST', '/api/v1/pairing/exchange', { body: { code: 'ZZZZ-ZZZZ', device_name: 'box' }, headers: { 'x-forwarded-for': randomAddress() } });
    expect(wrong.status).to.equal(400);
    expectNoStore(wrong, 'exchange (wrong code)');
  });
});
