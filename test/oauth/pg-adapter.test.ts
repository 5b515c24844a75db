import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { PgOAuthAdapter, sweepOAuthPayloads } from '../../src/oauth/pg-adapter.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

/** oidc-provider's storage contract against real PostgreSQL (migration 0110). */
describe('oauth: the PostgreSQL adapter of the authorization server', () => {
  let orm: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    await orm?.close(true);
  });

  it('stores, finds and replaces a payload by id', async () => {
    const clients = new PgOAuthAdapter(orm, 'Client');
    const id = randomUUID();
    await clients.upsert(id, { client_id: id, client_name: 'Codex' });
    expect(await clients.find(id)).to.deep.equal({ client_id: id, client_name: 'Codex' });
    await clients.upsert(id, { client_id: id, client_name: 'Codex 2' }, 60);
    expect((await clients.find(id))?.client_name).to.equal('Codex 2');
    expect(await new PgOAuthAdapter(orm, 'Session').find(id), 'models are apart').to.equal(undefined);
  });

  it('finds device codes by user code and sessions by uid', async () => {
    const codes = new PgOAuthAdapter(orm, 'DeviceCode');
    const userCode = `UC-${randomUUID().slice(0, 8)}`;
    await codes.upsert('dc-' + userCode, { userCode, grantId: 'g' }, 600);
    expect((await codes.findByUserCode(userCode))?.grantId).to.equal('g');
    const sessions = new PgOAuthAdapter(orm, 'Session');
    const uid = randomUUID();
    await sessions.upsert('s-' + uid, { uid, accountId: 'a' }, 600);
    expect((await sessions.findByUid(uid))?.accountId).to.equal('a');
  });

  it('marks a consumed refresh token (so oidc-provider detects reuse) and revokes a whole grant', async () => {
    const refresh = new PgOAuthAdapter(orm, 'RefreshToken');
    const grantId = randomUUID();
    await refresh.upsert('rt1-' + grantId, { grantId }, 600);
    await refresh.upsert('rt2-' + grantId, { grantId }, 600);
    await refresh.consume('rt1-' + grantId);
    expect((await refresh.find('rt1-' + grantId))?.consumed).to.be.a('number');
    expect((await refresh.find('rt2-' + grantId))?.consumed).to.equal(undefined);
    await refresh.revokeByGrantId(grantId);
    expect(await refresh.find('rt1-' + grantId)).to.equal(undefined);
    expect(await refresh.find('rt2-' + grantId)).to.equal(undefined);
  });

  it('never returns an expired payload, and the sweep deletes it', async () => {
    const codes = new PgOAuthAdapter(orm, 'AuthorizationCode');
    const id = randomUUID();
    await codes.upsert(id, { grantId: 'x' }, 60);
    await sql(orm.em.fork(), `update oauth_payloads set expires_at = now() - interval '1 second' where id = ?`, [id]);
    expect(await codes.find(id)).to.equal(undefined);
    expect(await sweepOAuthPayloads(orm)).to.be.at.least(1);
    const left = await sql(orm.em.fork(), `select 1 from oauth_payloads where id = ?`, [id]);
    expect(left).to.have.length(0);
  });

  it('destroys one payload', async () => {
    const interactions = new PgOAuthAdapter(orm, 'Interaction');
    const id = randomUUID();
    await interactions.upsert(id, { uid: id }, 600);
    await interactions.destroy(id);
    expect(await interactions.find(id)).to.equal(undefined);
  });
});
