import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { OPS, PUB, SANDBOX_SEED, SLUG, api, createItem, itemsPath, startForTest } from './helpers.js';

const human = (key: string, rest = '', family = 'work-items') => `/workspaces/${SLUG}/${family}/${key}/${rest}`;

describe('tasker sandbox: human ids', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('resolves IDENT-SEQ under /work-items/ and /issues/ with expand and fields', async () => {
    const a = await api(sb, 'GET', human('OPS-1', '?expand=state&fields=id,sequence_id,state'));
    expect(a.status).to.equal(200);
    expect(a.body.id).to.equal(SANDBOX_SEED.workItems['OPS-1'].id);
    expect(a.body.state.group).to.equal('started');
    const b = await api(sb, 'GET', human('OPS-2', '', 'issues'));
    expect(b.body.id).to.equal(SANDBOX_SEED.workItems['OPS-2'].id);
  });

  it('answers 403 for an unknown identifier or a project the caller is not in, 404 for an unknown sequence', async () => {
    expect((await api(sb, 'GET', human('NOPE-1'))).status).to.equal(403);
    expect((await api(sb, 'GET', human('ops-1'))).status).to.equal(403);
    expect((await api(sb, 'GET', human('PUB-1'), { key: sb.apiKeys.member })).status).to.equal(403);
    const missing = await api(sb, 'GET', human('OPS-999'));
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.equal({ error: 'The requested resource does not exist.' });
  });

  it('answers 404 once the item is deleted', async () => {
    const item = (await createItem(sb, OPS, { name: 'short lived' })).body;
    await api(sb, 'DELETE', itemsPath(OPS, `${item.id}/`));
    expect((await api(sb, 'GET', human(`OPS-${item.sequence_id}`))).status).to.equal(404);
  });
});

describe('tasker sandbox: search', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());
  const search = (q: string, key?: string) => api(sb, 'GET', `/workspaces/${SLUG}/work-items/search/?${q}`, { key });

  it('returns {"issues": [...]} with literal project__identifier and workspace__slug keys', async () => {
    const res = await search('search=gateway');
    expect(res.body).to.deep.equal({ issues: [{
      id: SANDBOX_SEED.workItems['OPS-1'].id, name: 'Set up the agent gateway', sequence_id: 1,
      project__identifier: 'OPS', project_id: OPS, workspace__slug: SLUG,
    }] });
  });

  it('matches a sequence number and the project identifier, limited by limit (default 10)', async () => {
    const bySeq = (await search('search=2')).body.issues.map((i: { sequence_id: number }) => i.sequence_id);
    expect(bySeq).to.deep.equal([2]);
    const byIdent = await search('search=pub&limit=1');
    expect(byIdent.body.issues).to.have.length(1);
    expect(byIdent.body.issues[0].project__identifier).to.equal('PUB');
    for (let i = 0; i < 11; i += 1) await createItem(sb, OPS, { name: `needle ${i}` });
    expect((await search('search=needle')).body.issues).to.have.length(10);
  });

  it('scopes by project_id unless workspace_search=true, and only searches member projects', async () => {
    expect((await search(`search=e&project_id=${PUB}`)).body.issues.every((i: { project_id: string }) => i.project_id === PUB)).to.equal(true);
    const wide = (await search(`search=e&project_id=${PUB}&workspace_search=true&limit=50`)).body.issues;
    expect(new Set(wide.map((i: { project_id: string }) => i.project_id))).to.deep.equal(new Set([OPS, PUB]));
    const memberView = (await search('search=roadmap', sb.apiKeys.member)).body.issues;
    expect(memberView).to.deep.equal([]);
  });

  it('answers an empty search with no issues, also under /issues/search/', async () => {
    expect((await search('search=')).body).to.deep.equal({ issues: [] });
    expect((await api(sb, 'GET', `/workspaces/${SLUG}/issues/search/?search=gateway`)).body.issues).to.have.length(1);
  });
});

describe('tasker sandbox: external_id / external_source', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());
  const pair = { external_source: 'agent-gateway', external_id: 'req-1' };

  it('answers a duplicate create with 409 naming the existing item', async () => {
    const first = await createItem(sb, OPS, { name: 'once', ...pair });
    expect(first.status).to.equal(201);
    const second = await createItem(sb, OPS, { name: 'twice', ...pair });
    expect(second.status).to.equal(409);
    expect(second.body).to.deep.equal({ error: 'Work Item with the same external id and external source already exists', id: first.body.id });
    expect((await createItem(sb, PUB, { name: 'other project', ...pair })).status).to.equal(201);
    expect((await createItem(sb, OPS, { name: 'half pair', external_id: 'req-1' })).status).to.equal(201);
  });

  it('looks the pair up as a single object, or 404', async () => {
    const found = await api(sb, 'GET', itemsPath(OPS, '?external_id=req-1&external_source=agent-gateway'));
    expect(found.status).to.equal(200);
    expect(found.body).to.include({ name: 'once', external_id: 'req-1' });
    expect(found.body).to.not.have.property('results');
    const missing = await api(sb, 'GET', itemsPath(OPS, '?external_id=req-404&external_source=agent-gateway'));
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.equal({ error: 'The requested resource does not exist.' });
  });

  it('frees the pair when the item is deleted', async () => {
    const created = (await createItem(sb, OPS, { name: 'free me', external_source: 'agent-gateway', external_id: 'req-2' })).body;
    await api(sb, 'DELETE', itemsPath(OPS, `${created.id}/`));
    expect((await api(sb, 'GET', itemsPath(OPS, '?external_id=req-2&external_source=agent-gateway'))).status).to.equal(404);
    expect((await createItem(sb, OPS, { name: 'again', external_source: 'agent-gateway', external_id: 'req-2' })).status).to.equal(201);
  });

  it('answers a PATCH onto a pair in use with 409 carrying the patched item id', async () => {
    const other = (await createItem(sb, OPS, { name: 'other', external_source: 'agent-gateway', external_id: 'req-3' })).body;
    const res = await api(sb, 'PATCH', itemsPath(OPS, `${other.id}/`), { body: { external_id: 'req-1' } });
    expect(res.status).to.equal(409);
    expect(res.body.id).to.equal(other.id);
  });

  it('moves the pair with a PATCH: the new pair is taken and found, the old one is free', async () => {
    const item = (await createItem(sb, OPS, { name: 'moving', external_source: 'agent-gateway', external_id: 'req-4' })).body;
    expect((await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { external_id: 'req-5' } })).status).to.equal(200);
    expect((await api(sb, 'GET', itemsPath(OPS, '?external_id=req-5&external_source=agent-gateway'))).body.id).to.equal(item.id);
    expect((await api(sb, 'GET', itemsPath(OPS, '?external_id=req-4&external_source=agent-gateway'))).status).to.equal(404);
    expect((await createItem(sb, OPS, { name: 'dup', external_source: 'agent-gateway', external_id: 'req-5' })).status).to.equal(409);
    expect((await createItem(sb, OPS, { name: 'reuse', external_source: 'agent-gateway', external_id: 'req-4' })).status).to.equal(201);
  });
});
