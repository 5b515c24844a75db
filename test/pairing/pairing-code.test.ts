import { expect } from 'chai';
import pg from 'pg';
import { call, InternalClient, randomAddress, startTestGateway, testDatabaseUrl, type TestGateway } from '../support/index.js';

describe('pairing: one-time pairing codes', () => {
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway({ pairingCodeMaxAttempts: 3, pairingAddressMaxFailures: 6 });
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-pairing');
  });
  after(async () => {
    await gw.close();
  });

  const exchange = (code: string, address: string, deviceName = 'laptop') =>
    call(gw.baseUrl, 'POST', '/api/v1/pairing/exchange', { body: { code, device_name: deviceName }, headers: { 'x-forwarded-for': address } });

  /** Same code, last character changed to another symbol of the alphabet. */
  const wrongSecret = (code: string) => code.slice(0, -1) + (code.endsWith('Z') ? 'Y' : 'Z');

  it('yields exactly one token when two exchanges of one code race', async () => {
    const agent = await internal.createAgent('Race');
    const code = await internal.pairingCode(agent.id);
    const results = await Promise.all([exchange(code, randomAddress(), 'one'), exchange(code, randomAddress(), 'two'), exchange(code, randomAddress(), 'three')]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, 400, 400]);
    const losers = results.filter((r) => r.status === 400);
    for (const loser of losers) expect(loser.body.error.code).to.equal('invalid_pairing_code');
    const tokens = await internal.request('GET', `/agents/${agent.id}/tokens`);
    expect(tokens.body.items).to.have.length(1);
    expect(tokens.body.items[0].origin).to.equal('pairing_code');
  });

  it('accepts the code typed loosely (lower case, no dash, O for 0, I or L for 1) exactly once', async () => {
    const agent = await internal.createAgent('Loose typing');
    const code = await internal.pairingCode(agent.id);
    const typed = code.replace('-', ' ').toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    const first = await exchange(typed, randomAddress());
    expect(first.status, first.text).to.equal(201);
    expect(first.headers.get('cache-control')).to.equal('no-store');
    const again = await exchange(code, randomAddress());
    expect(again.status).to.equal(400);
    expect(again.body.error.code).to.equal('invalid_pairing_code');
    expect(again.body).not.to.have.nested.property('error.access_token');
  });

  it('never yields a token for an expired code', async () => {
    const agent = await internal.createAgent('Expired');
    const code = await internal.pairingCode(agent.id);
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query(`update pairing_codes set expires_at = now() - interval '1 second' where agent_id = $1`, [agent.id]);
    } finally {
      await client.end();
    }
    const res = await exchange(code, randomAddress());
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_pairing_code');
  });

  it('never yields a token for a code of a suspended agent', async () => {
    const agent = await internal.createAgent('Suspended before exchange');
    const code = await internal.pairingCode(agent.id);
    await internal.request('POST', `/agents/${agent.id}/suspend`);
    const res = await exchange(code, randomAddress());
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_pairing_code');
  });

  it('locks a code after repeated wrong guesses, so even the right code then fails', async () => {
    const agent = await internal.createAgent('Guessed');
    const code = await internal.pairingCode(agent.id);
    for (let i = 0; i < 3; i += 1) {
      const res = await exchange(wrongSecret(code), randomAddress());
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_pairing_code');
    }
    const right = await exchange(code, randomAddress());
    expect(right.status).to.equal(429);
    expect(right.body.error.code).to.equal('pairing_locked');
    const audit = await internal.request('GET', `/audit?agent_id=${agent.id}&kind=pairing.code_locked`);
    expect(audit.body.items).to.have.length(1);
  });

  it('locks an address after repeated failures, even for a valid code, and leaves other addresses alone', async () => {
    const address = randomAddress();
    for (let i = 0; i < 6; i += 1) {
      const res = await exchange('ZZZZ-ZZZZ', address);
      expect(res.status).to.equal(400);
    }
    const agent = await internal.createAgent('Locked address');
    const code = await internal.pairingCode(agent.id);
    const locked = await exchange(code, address);
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('pairing_locked');
    expect(locked.headers.get('retry-after')).to.match(/^\d+$/);
    const elsewhere = await exchange(code, randomAddress());
    expect(elsewhere.status).to.equal(201);
  });
});
