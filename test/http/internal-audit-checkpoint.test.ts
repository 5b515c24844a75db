import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_KIND, SIGNING_KEY_FILE_NAME, publicKeyFrom, verifyCheckpointSignature, type SignedCheckpoint } from '../../src/audit/index.js';
import { auditCheckpointStage } from '../../src/gateway/checkpoint-stage.js';
import { InternalClient, call, createTestDatabase, dropTestDatabase, startTestGateway, type TestGateway } from '../support/index.js';

describe('http: signed audit checkpoints on the internal API and in the capabilities', () => {
  let url: string;
  let dataDir: string;
  let gw: TestGateway;
  let client: InternalClient;

  function start(intervalSeconds = 0): Promise<TestGateway> {
    return startTestGateway({ config: { databaseUrl: url, dataDir, auditCheckpointIntervalSeconds: intervalSeconds }, extensions: [auditCheckpointStage()] });
  }

  async function capabilitiesKey(base: string): Promise<{ key_id: string; public_key: string; algorithm: string; route: string; interval_seconds: number }> {
    const res = await call(base, 'GET', '/api/v1/meta/capabilities');
    expect(res.status).to.equal(200);
    return res.body.audit.checkpoint;
  }

  before(async () => {
    // A database of its own, so "no checkpoint yet" holds whatever else ran before.
    url = await createTestDatabase('agw_ckpt_http');
    dataDir = mkdtempSync(join(tmpdir(), 'agw-ckpt-http-'));
    gw = await start();
    client = new InternalClient(gw.baseUrl, gw.internalToken, 'security-admin');
  });
  after(async () => {
    await gw.close();
    await dropTestDatabase(url);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 404 before the first checkpoint, then POST signs the head and GET returns it', async () => {
    const none = await client.request('GET', '/audit/checkpoint');
    expect(none.status).to.equal(404);
    expect(none.body.error.code).to.equal('not_found');

    await client.createAgent('Checkpointed agent');
    const created = await client.request<SignedCheckpoint>('POST', '/audit/checkpoint');
    expect(created.status, created.text).to.equal(201);
    const [head] = (await gw.gateway.deps.audit.query(gw.gateway.deps.orm.em.fork(), {}, 2)).items;
    expect(head!.kind).to.equal(CHECKPOINT_KIND);
    expect(head!.actor).to.deep.equal({ type: 'user', id: 'security-admin' });
    expect(created.body.seq).to.equal((BigInt(head!.seq) - 1n).toString());
    expect(created.body.hash).to.equal(head!.prev_hash);

    const latest = await client.request<SignedCheckpoint>('GET', '/audit/checkpoint');
    expect(latest.status).to.equal(200);
    expect(latest.body).to.deep.equal(created.body);
    const standing = await client.request<SignedCheckpoint>('POST', '/audit/checkpoint');
    expect(standing.status).to.equal(200);
    expect(standing.body).to.deep.equal(created.body);
  });

  it('publishes the public key that verifies the checkpoints in /api/v1/meta/capabilities', async () => {
    const published = await capabilitiesKey(gw.baseUrl);
    expect(published).to.include({ algorithm: 'Ed25519', route: '/internal/v1/audit/checkpoint', interval_seconds: 0 });
    expect(published.public_key).to.match(/^-----BEGIN PUBLIC KEY-----/);
    const key = publicKeyFrom(published.public_key);
    expect(key.keyId).to.equal(published.key_id);
    const latest = await client.request<SignedCheckpoint>('GET', '/audit/checkpoint');
    expect(verifyCheckpointSignature(latest.body, key)).to.deep.equal({ ok: true });
    expect(published.public_key).to.not.contain('PRIVATE');
  });

  it('refuses callers without the service token and bodies with fields, changing nothing', async () => {
    const anonymous = await call(gw.baseUrl, 'GET', '/internal/v1/audit/checkpoint');
    expect(anonymous.status).to.equal(401);
    const before = await client.request('GET', '/audit/checkpoint');
    await client.createAgent('Moves the head');
    const withBody = await client.request('POST', '/audit/checkpoint', { seq: '1' });
    expect(withBody.status).to.equal(400);
    expect(withBody.body.error.code).to.equal('validation_failed');
    expect((await client.request('GET', '/audit/checkpoint')).body).to.deep.equal(before.body);
  });

  it('keeps its generated key in the data dir with mode 0600 and signs with it again after a restart', async () => {
    const keyFile = join(dataDir, SIGNING_KEY_FILE_NAME);
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    const before = await capabilitiesKey(gw.baseUrl);
    await gw.close();
    gw = await start();
    client = new InternalClient(gw.baseUrl, gw.internalToken, 'security-admin');
    expect(await capabilitiesKey(gw.baseUrl)).to.deep.equal(before);
    const signed = await client.request<SignedCheckpoint>('POST', '/audit/checkpoint');
    expect(signed.body.key_id).to.equal(before.key_id);
  });

  it('signs periodically, into the chain and the log, with the interval it is given', async function () {
    this.timeout(20_000);
    await gw.close();
    gw = await start(1);
    client = new InternalClient(gw.baseUrl, gw.internalToken, 'security-admin');
    await client.createAgent('Moves the head again');
    const deadline = Date.now() + 15_000;
    while (!gw.logs.text().includes('"audit checkpoint"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const line = gw.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'audit checkpoint');
    expect(line, 'a checkpoint log line').to.include({ trigger: 'periodic' });
    const latest = await client.request<SignedCheckpoint>('GET', '/audit/checkpoint');
    expect(latest.body).to.include({ seq: line!.seq, hash: line!.hash, signature: line!.signature });
    expect((await capabilitiesKey(gw.baseUrl)).interval_seconds).to.equal(1);
  });
});
