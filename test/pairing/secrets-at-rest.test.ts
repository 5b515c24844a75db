import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { SecretHasher } from '../../src/identity/index.js';
import { CODE_ALPHABET, normaliseCode } from '../../src/pairing/index.js';
import { call, InternalClient, randomAddress, startTestGateway, testDatabaseUrl, type TestGateway } from '../support/index.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What someone with read access to the database sees: the rows, as text. */
async function dumpRows(table: 'pairing_codes' | 'pairing_flows', where: string, value: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query(`select * from ${table} where ${where} = $1`, [value])).rows;
  } finally {
    await client.end();
  }
}

/** Every completion of `known` to a full normalised code (32^missing candidates). */
function* completions(known: string, missing: number): Generator<string> {
  if (missing === 0) return yield known;
  for (const ch of CODE_ALPHABET) yield* completions(known + ch, missing - 1);
}

/** The candidates among the completions whose hash (as `hash` computes it) is the stored value. */
function search(known: string, missing: number, stored: string, hash: (candidate: string) => string): string[] {
  const found: string[] = [];
  for (const candidate of completions(known, missing)) if (hash(candidate) === stored) found.push(candidate);
  return found;
}

describe('pairing: secrets at rest (what a database reader can and cannot do)', () => {
  const serverKey = randomBytes(32);
  const hasher = new SecretHasher(serverKey);
  let gw: TestGateway;
  let internal: InternalClient;
  before(async () => {
    gw = await startTestGateway({ secretKey: serverKey });
    internal = new InternalClient(gw.baseUrl, gw.internalToken, 'owner-at-rest');
  });
  after(async () => {
    await gw.close();
  });

  const exchange = (baseUrl: string, code: string) => call(baseUrl, 'POST', '/api/v1/pairing/exchange', { body: { code, device_name: 'reader' }, headers: { 'x-forwarded-for': randomAddress() } });

  it('stores a pairing code only as HMACs under the server key: no column holds the code, a group of it in clear, or its plain SHA-256', async () => {
    const agent = await internal.createAgent('At rest');
    const code = await internal.pairingCode(agent.id);
    const normalised = normaliseCode(code)!;
    const [row] = await dumpRows('pairing_codes', 'agent_id', agent.id);
    // A new column here must be looked at: this list is what a reader gets.
    expect(Object.keys(row!).sort()).to.deep.equal(['agent_id', 'code_mac', 'created_at', 'created_by', 'expires_at', 'failed_attempts', 'group_mac', 'id', 'locked_at', 'token_id', 'used_at']);
    expect(row!.code_mac).to.equal(hasher.mac('pairing-code', normalised));
    expect(row!.group_mac).to.equal(hasher.mac('pairing-code-group', normalised.slice(0, 4)));
    const text = JSON.stringify(row);
    for (const form of [code, normalised, code.toLowerCase()]) expect(text).not.to.contain(form);
    for (const group of [normalised.slice(0, 4), normalised.slice(4)]) expect([row!.code_mac, row!.group_mac, row!.created_by]).not.to.include(group);
    for (const plain of [sha256(normalised), sha256(normalised.slice(0, 4)), sha256(code)]) expect(text).not.to.contain(plain);
  });

  it('a reader who tries every completion of a code against the stored value finds nothing without the key, and finds the code with it', async () => {
    const agent = await internal.createAgent('Searched');
    const code = await internal.pairingCode(agent.id);
    const normalised = normaliseCode(code)!;
    const [row] = await dumpRows('pairing_codes', 'agent_id', agent.id);
    const stored = String(row!.code_mac);
    // Handed five of the eight characters (more than the old clear `lookup` column gave away),
    // 32^3 candidates are left; the test keeps the search small, the result is the same for 32^8.
    const known = normalised.slice(0, 5);
    expect(search(known, 3, stored, sha256), 'plain SHA-256, the old scheme').to.deep.equal([]);
    const guessedKey = new SecretHasher(randomBytes(32));
    expect(search(known, 3, stored, (c) => guessedKey.mac('pairing-code', c)), 'HMAC under another key').to.deep.equal([]);
    expect(search(known, 3, stored, (c) => hasher.mac('pairing-code', c)), 'HMAC under the server key').to.deep.equal([normalised]);
  });

  it('a stored value is not a code: presenting what the rows hold yields nothing', async () => {
    const agent = await internal.createAgent('Replayed');
    await internal.pairingCode(agent.id);
    const [row] = await dumpRows('pairing_codes', 'agent_id', agent.id);
    for (const value of [String(row!.code_mac), String(row!.code_mac).slice(0, 8), String(row!.group_mac).slice(0, 8)]) {
      const res = await exchange(gw.baseUrl, value);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.be.oneOf(['invalid_pairing_code', 'validation_failed']);
      expect(res.body).not.to.have.property('access_token');
    }
  });

  it('the server key is what makes a code work: a gateway with another key refuses it, the same key after a restart accepts it', async () => {
    const agent = await internal.createAgent('Keyed');
    const code = await internal.pairingCode(agent.id);
    const otherKey = await startTestGateway({ secretKey: randomBytes(32) });
    try {
      const refused = await exchange(otherKey.baseUrl, code);
      expect(refused.status).to.equal(400);
      expect(refused.body.error.code).to.equal('invalid_pairing_code');
    } finally {
      await otherKey.close();
    }
    const restarted = await startTestGateway({ secretKey: Buffer.from(serverKey) });
    try {
      const accepted = await exchange(restarted.baseUrl, code);
      expect(accepted.status, accepted.text).to.equal(201);
      expect(accepted.body.access_token).to.match(/^agw_/);
    } finally {
      await restarted.close();
    }
  });

  it("stores a device flow's secret and user code only as HMACs under the server key, and the stored values poll for nothing", async () => {
    const address = randomAddress();
    const started = await call(gw.baseUrl, 'POST', '/api/v1/pairing/flows', { body: { device_name: 'read box' }, headers: { 'x-forwarded-for': address } });
    expect(started.status, started.text).to.equal(201);
    const { flow_id: flowId, flow_secret: flowSecret, user_code: userCode } = started.body as { flow_id: string; flow_secret: string; user_code: string };
    const [row] = await dumpRows('pairing_flows', 'id', flowId);
    expect(row!.secret_mac).to.equal(hasher.mac('flow-secret', flowSecret));
    expect(row!.user_code_mac).to.equal(hasher.mac('user-code', normaliseCode(userCode)!));
    const text = JSON.stringify(row);
    for (const form of [flowSecret, flowSecret.slice(5), userCode, normaliseCode(userCode)!, sha256(flowSecret), sha256(normaliseCode(userCode)!)]) expect(text).not.to.contain(form);

    const withStored = await call(gw.baseUrl, 'POST', `/api/v1/pairing/flows/${flowId}/poll`, { body: { flow_secret: `agwf_${String(row!.secret_mac).slice(0, 43)}` }, headers: { 'x-forwarded-for': address } });
    expect(withStored.status).to.equal(400);
    expect(withStored.body.error.code).to.equal('invalid_pairing_code');
    const lookup = await internal.request('POST', '/pairing/flows/lookup', { user_code: userCode });
    expect(lookup.status, lookup.text).to.equal(200);
    expect(lookup.body.flow.id).to.equal(flowId);
  });
});
