import { expect } from 'chai';
import { call, InternalClient, randomAddress, startTestGateway, type TestGateway } from '../support/index.js';

describe('http: request ids and logs', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway();
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-logging');
  });
  after(async () => {
    await gw.close();
  });

  it('keeps a well-formed X-Request-Id, replaces a malformed one, and puts it in error bodies and the log', async () => {
    const kept = await call(gw.baseUrl, 'GET', '/nowhere', { headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(kept.headers.get('x-request-id')).to.equal('trace-1234abcd');
    expect(kept.body.error.request_id).to.equal('trace-1234abcd');
    const replaced = await call(gw.baseUrl, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces and "quotes"' } });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const line = gw.logs.lines.map((l) => JSON.parse(l)).find((l) => l.request_id === 'trace-1234abcd');
    expect(line).to.include({ message: 'request', method: 'GET', path: '/nowhere', status: 404 });
  });

  it('never writes a token, flow secret, pairing code or the service token to the log', async () => {
    const secrets: string[] = [gw.internalToken];
    const agent = await internal.createAgent('Secretive');
    const issued = await internal.issueToken(agent.id);
    secrets.push(issued.secret);
    const code = await internal.pairingCode(agent.id);
    secrets.push(code, code.replace('-', ''));
    const address = randomAddress();
    const exchanged = await call(gw.baseUrl, 'POST', '/api/v1/pairing/exchange', { body: { code, device_name: 'box' }, headers: { 'x-forwarded-for': address } });
    secrets.push(exchanged.body.access_token);
    const flow = await call(gw.baseUrl, 'POST', '/api/v1/pairing/flows', { body: { device_name: 'box' }, headers: { 'x-forwarded-for': address } });
    secrets.push(flow.body.flow_secret, flow.body.user_code, flow.body.user_code.replace('-', ''));
    await internal.request('POST', '/pairing/flows/approve', { user_code: flow.body.user_code, agent_id: agent.id });
    const polled = await call(gw.baseUrl, 'POST', `/api/v1/pairing/flows/${flow.body.flow_id}/poll`, { body: { flow_secret: flow.body.flow_secret }, headers: { 'x-forwarded-for': address } });
    secrets.push(polled.body.access_token);
    for (const token of [issued.secret, exchanged.body.access_token, polled.body.access_token]) {
      expect((await call(gw.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).to.equal(200);
    }
    const rotated = await internal.request('POST', `/agents/${agent.id}/tokens/${issued.token.id}/rotate`, {});
    secrets.push(rotated.body.secret);
    await call(gw.baseUrl, 'GET', `/api/v1/me?token=${issued.secret}`, { headers: { authorization: `Bearer ${issued.secret}x` } });

    // Code paths that do log: a stage logging a request object by mistake is still redacted.
    gw.gateway.deps.logger.warn(`probe with ${issued.secret} inline`, { authorization: `Bearer ${issued.secret}`, flow_secret: flow.body.flow_secret, nested: { pairing_code: code, note: `see ${polled.body.access_token}` } });
    // Free text naming every other format: a generated internal token, a pairing code, a user code, a flow secret.
    const generatedInternal = `agwi_${'Zq9'.repeat(14)}x`;
    secrets.push(generatedInternal);
    gw.gateway.deps.logger.warn(`free text: ${generatedInternal} / ${code} / ${flow.body.user_code} / ${flow.body.flow_secret}`);

    const text = gw.logs.text();
    expect(text).to.contain('probe with');
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 8)).to.equal(true);
    for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 6)}...) is in the log`).to.equal(false);
  });
});
