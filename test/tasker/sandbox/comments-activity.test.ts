import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { stateId } from '../../../src/tasker/sandbox/seed.js';
import { ADMIN_ID, GUEST_ID, MEMBER_ID, OPS, SANDBOX_SEED, api, createItem, itemsPath, startForTest } from './helpers.js';

const OPS1 = SANDBOX_SEED.workItems['OPS-1'].id;

describe('tasker sandbox: comments', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());
  const comments = (itemId: string, rest = '', family = 'work-items') => itemsPath(OPS, `${itemId}/comments/${rest}`, family);

  it('creates with 201 and comment_html, actor, issue and access', async () => {
    const res = await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>hello</p>' }, key: sb.apiKeys.member });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ comment_html: '<p>hello</p>', actor: MEMBER_ID, issue: OPS1, access: 'INTERNAL', project: OPS, edited_at: null });
  });

  it('lists newest first in an envelope, under both families', async () => {
    await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>newest</p>', access: 'EXTERNAL' } });
    const list = await api(sb, 'GET', comments(OPS1));
    expect(list.body.results[0].comment_html).to.equal('<p>newest</p>');
    const times = list.body.results.map((c: { created_at: string }) => c.created_at);
    expect(times).to.deep.equal([...times].sort().reverse());
    expect((await api(sb, 'GET', comments(OPS1, '', 'issues'))).body.results).to.deep.equal(list.body.results);
    const expanded = await api(sb, 'GET', comments(OPS1, '?expand=actor&per_page=1'));
    expect(expanded.body.results[0].actor).to.include({ id: ADMIN_ID, display_name: 'alice' });
  });

  it('answers 400 "The payload is not valid" for an unknown work item and a field map for a bad access', async () => {
    const res = await api(sb, 'POST', comments('33333333-3333-4333-a333-333333333333'), { body: { comment_html: '<p>x</p>' } });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ error: 'The payload is not valid' });
    expect((await api(sb, 'POST', comments(OPS1), { body: { access: 'PUBLIC' } })).body).to.deep.equal({ access: ['"PUBLIC" is not a valid choice.'] });
  });

  it('checks the external pair project-wide and before validation (409 with the existing id)', async () => {
    const pair = { external_source: 'agent-gateway', external_id: 'c-1' };
    const first = await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>a</p>', ...pair } });
    const other = SANDBOX_SEED.workItems['OPS-2'].id;
    const dup = await api(sb, 'POST', comments(other), { body: { access: 'INVALID', ...pair } });
    expect(dup.status).to.equal(409);
    expect(dup.body.id).to.equal(first.body.id);
  });

  it('moves the external pair with a PATCH and frees it with a delete', async () => {
    const pair = { external_source: 'agent-gateway', external_id: 'c-move' };
    const first = (await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>a</p>', ...pair } })).body;
    expect((await api(sb, 'PATCH', comments(OPS1, `${first.id}/`), { body: { external_id: 'c-moved' } })).status).to.equal(200);
    const taken = await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>b</p>', external_source: 'agent-gateway', external_id: 'c-moved' } });
    expect(taken.status).to.equal(409);
    expect(taken.body.id).to.equal(first.id);
    const reused = await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>c</p>', ...pair } });
    expect(reused.status).to.equal(201);
    expect((await api(sb, 'DELETE', comments(OPS1, `${reused.body.id}/`))).status).to.equal(204);
    expect((await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>d</p>', ...pair } })).status).to.equal(201);
  });

  it('gets, patches (setting edited_at) and deletes one comment; a guest member may comment', async () => {
    sb.data.apiKeys.push({ key_hash: (await import('../../../src/tasker/sandbox/auth.js')).hashApiKey('guest-key'), user: GUEST_ID, label: 'test', is_active: true, expired_at: null, last_used: null });
    const created = await api(sb, 'POST', comments(OPS1), { body: { comment_html: '<p>guest</p>' }, key: 'guest-key' });
    expect(created.status).to.equal(201);
    const id = created.body.id;
    expect((await api(sb, 'GET', comments(OPS1, `${id}/`))).body.comment_html).to.equal('<p>guest</p>');
    const patched = await api(sb, 'PATCH', comments(OPS1, `${id}/`), { body: { comment_html: '<p>edited</p>' } });
    expect(patched.body.edited_at).to.be.a('string');
    expect((await api(sb, 'DELETE', comments(OPS1, `${id}/`))).status).to.equal(204);
    expect((await api(sb, 'GET', comments(OPS1, `${id}/`))).status).to.equal(404);
  });
});

describe('tasker sandbox: activity', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('records a created entry, then one updated entry per changed field, oldest first', async () => {
    const item = (await createItem(sb, OPS, { name: 'tracked' })).body;
    await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { priority: 'high', state: stateId('OPS', 'Todo'), name: 'tracked' } , key: sb.apiKeys.member });
    await api(sb, 'POST', itemsPath(OPS, `${item.id}/comments/`), { body: { comment_html: '<p>not an activity</p>' } });
    const res = await api(sb, 'GET', itemsPath(OPS, `${item.id}/activities/`));
    expect(res.body.results.map((a: { verb: string; field: string | null }) => [a.verb, a.field])).to.deep.equal([['created', null], ['updated', 'priority'], ['updated', 'state']]);
    const [created, priority, state] = res.body.results;
    expect(created.actor).to.equal(ADMIN_ID);
    expect(priority).to.include({ old_value: 'none', new_value: 'high', actor: MEMBER_ID });
    expect(state).to.include({ old_value: 'Backlog', new_value: 'Todo', old_identifier: stateId('OPS', 'Backlog'), new_identifier: stateId('OPS', 'Todo') });
    const one = await api(sb, 'GET', itemsPath(OPS, `${item.id}/activities/${priority.id}/`, 'issues'));
    expect(one.body.id).to.equal(priority.id);
  });

  it('answers an unknown activity with the NOT_FOUND code body', async () => {
    const res = await api(sb, 'GET', itemsPath(OPS, `${OPS1}/activities/44444444-4444-4444-a444-444444444444/`));
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ message: 'Activity not found.', code: 'NOT_FOUND' });
  });
});
