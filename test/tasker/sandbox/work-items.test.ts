import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { labelId, stateId } from '../../../src/tasker/sandbox/seed.js';
import { ADMIN_ID, GUEST_ID, MEMBER_ID, OPS, PUB, SANDBOX_SEED, api, createItem, itemsPath, startForTest } from './helpers.js';

const BACKLOG = stateId('OPS', 'Backlog');
const DONE = stateId('OPS', 'Done');
const TODO = stateId('OPS', 'Todo');

describe('tasker sandbox: work items', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('creates with 201, the default state, priority none and the next per-project sequence id', async () => {
    const res = await createItem(sb, OPS, { name: 'First new item' });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ name: 'First new item', state: BACKLOG, priority: 'none', project: OPS, created_by: ADMIN_ID, description_html: '<p></p>' });
    expect(res.body.sequence_id).to.equal(4);
    const other = await createItem(sb, PUB, { name: 'Public item' });
    expect(other.body.sequence_id).to.equal(2);
  });

  it('never reuses a sequence id after a delete', async () => {
    const a = await createItem(sb, OPS, { name: 'to delete' });
    expect((await api(sb, 'DELETE', itemsPath(OPS, `${a.body.id}/`))).status).to.equal(204);
    const b = await createItem(sb, OPS, { name: 'after delete' });
    expect(b.body.sequence_id).to.equal(a.body.sequence_id + 1);
  });

  it('answers 400 field maps for a missing name, bad priority, unknown state, malformed parent and bad dates', async () => {
    expect((await createItem(sb, OPS, {})).body).to.deep.equal({ name: ['This field is required.'] });
    expect((await createItem(sb, OPS, { name: 'x', priority: 'critical' })).body).to.deep.equal({ priority: ['"critical" is not a valid choice.'] });
    const unknownState = '11111111-1111-4111-a111-111111111111';
    expect((await createItem(sb, OPS, { name: 'x', state: unknownState })).body).to.deep.equal({ state: [`Invalid pk "${unknownState}" - object does not exist.`] });
    expect((await createItem(sb, OPS, { name: 'x', parent: 'nope' })).body).to.deep.equal({ parent: ['“nope” is not a valid UUID.'] });
    const dates = await createItem(sb, OPS, { name: 'x', start_date: '2026-13-01' });
    expect(dates.status).to.equal(400);
    expect(dates.body).to.have.key('start_date');
  });

  it('answers 400 non_field_errors for a state or parent of another project and a start after the target', async () => {
    const pubState = stateId('PUB', 'Todo');
    expect((await createItem(sb, OPS, { name: 'x', state: pubState })).body).to.deep.equal({ non_field_errors: ['State is not valid please pass a valid state_id'] });
    const pubItem = SANDBOX_SEED.workItems['PUB-1'].id;
    expect((await createItem(sb, OPS, { name: 'x', parent: pubItem })).body).to.deep.equal({ non_field_errors: ['Parent is not valid issue_id please pass a valid issue_id'] });
    expect((await createItem(sb, OPS, { name: 'x', start_date: '2026-05-02', target_date: '2026-05-01' })).body).to.deep.equal({ non_field_errors: ['Start date cannot exceed target date'] });
  });

  it('silently narrows assignees to members with role 15+ and labels to the project, and rejects unknown users', async () => {
    const res = await createItem(sb, OPS, { name: 'people', assignees: [MEMBER_ID, GUEST_ID], labels: [labelId('OPS', 'bug'), labelId('PUB', 'roadmap')] });
    expect(res.body.assignees).to.deep.equal([MEMBER_ID]);
    expect(res.body.labels).to.deep.equal([labelId('OPS', 'bug')]);
    const ghost = '22222222-2222-4222-a222-222222222222';
    expect((await createItem(sb, OPS, { name: 'x', assignees: [ghost] })).body).to.deep.equal({ assignees: [`Invalid pk "${ghost}" - object does not exist.`] });
  });

  it('PATCH replaces assignees and labels, [] clears them, and sets completed_at on entering a completed state', async () => {
    const item = (await createItem(sb, OPS, { name: 'patch me', assignees: [ADMIN_ID], labels: [labelId('OPS', 'bug')] })).body;
    const replaced = await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { assignees: [MEMBER_ID], labels: [labelId('OPS', 'infra')], state: DONE } });
    expect(replaced.status).to.equal(200);
    expect(replaced.body.assignees).to.deep.equal([MEMBER_ID]);
    expect(replaced.body.labels).to.deep.equal([labelId('OPS', 'infra')]);
    expect(replaced.body.completed_at).to.be.a('string');
    const cleared = await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { assignees: [], labels: [], state: TODO } });
    expect(cleared.body).to.include({ completed_at: null, state: TODO });
    expect(cleared.body.assignees).to.deep.equal([]);
    expect(cleared.body.labels).to.deep.equal([]);
    expect((await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { priority: 'meh' } })).status).to.equal(400);
  });

  it('lets only the creator or a project admin delete (403 error body otherwise), soft-deleting to 404', async () => {
    const byAdmin = (await createItem(sb, OPS, { name: 'admin made' })).body;
    const denied = await api(sb, 'DELETE', itemsPath(OPS, `${byAdmin.id}/`), { key: sb.apiKeys.member });
    expect(denied.status).to.equal(403);
    expect(denied.body).to.deep.equal({ error: 'Only admin or creator can delete the work item' });
    const byMember = (await createItem(sb, OPS, { name: 'member made' }, sb.apiKeys.member)).body;
    expect((await api(sb, 'DELETE', itemsPath(OPS, `${byMember.id}/`), { key: sb.apiKeys.member })).status).to.equal(204);
    expect((await api(sb, 'DELETE', itemsPath(OPS, `${byAdmin.id}/`))).status).to.equal(204);
    const gone = await api(sb, 'GET', itemsPath(OPS, `${byAdmin.id}/`));
    expect(gone.status).to.equal(404);
    expect(gone.body).to.deep.equal({ error: 'The requested resource does not exist.' });
    expect(sb.data.workItems.find((w) => w.id === byAdmin.id)?.deleted_at).to.be.a('string');
  });

  it('applies fields and expand (state, labels, assignees, project) on detail and list', async () => {
    const id = SANDBOX_SEED.workItems['OPS-1'].id;
    const res = await api(sb, 'GET', itemsPath(OPS, `${id}/?expand=state,labels,assignees,project&fields=id,state,labels,assignees,project`));
    expect(Object.keys(res.body).sort()).to.deep.equal(['assignees', 'id', 'labels', 'project', 'state']);
    expect(res.body.state).to.deep.equal({ id: stateId('OPS', 'In Progress'), name: 'In Progress', color: '#F59E0B', group: 'started' });
    expect(res.body.labels[0]).to.include({ id: labelId('OPS', 'infra'), name: 'infra' });
    expect(res.body.assignees[0]).to.include({ id: ADMIN_ID, display_name: 'alice' });
    expect(res.body.project).to.deep.include({ id: OPS, identifier: 'OPS', name: 'Operations' });
    const list = await api(sb, 'GET', itemsPath(OPS, '?fields=id,sequence_id&expand=state'));
    expect(Object.keys(list.body.results[0]).sort()).to.deep.equal(['id', 'sequence_id']);
  });

  it('orders by -created_at by default, and by created_at and priority on request; an unknown field is a 500', async () => {
    const ids = (order: string) => api(sb, 'GET', itemsPath(OPS, `?order_by=${order}&fields=sequence_id,priority`)).then((r) => r.body.results);
    const newest = await api(sb, 'GET', itemsPath(OPS, '?fields=sequence_id'));
    const oldest = await ids('created_at');
    expect(newest.body.results.map((r: { sequence_id: number }) => r.sequence_id)).to.deep.equal(oldest.map((r: { sequence_id: number }) => r.sequence_id).reverse());
    expect(oldest[0].sequence_id).to.equal(1);
    const byPriority = (await ids('priority')).map((r: { priority: string }) => r.priority);
    const rank = ['urgent', 'high', 'medium', 'low', 'none'];
    expect(byPriority).to.deep.equal([...byPriority].sort((a, b) => rank.indexOf(a) - rank.indexOf(b)));
    expect(byPriority[0]).to.equal('urgent');
    const reversed = (await ids('-priority')).map((r: { priority: string }) => r.priority);
    expect(reversed[reversed.length - 1]).to.equal('urgent');
    const bad = await api(sb, 'GET', itemsPath(OPS, '?order_by=nonsense'));
    expect(bad.status).to.equal(500);
    expect(bad.body).to.deep.equal({ error: 'Something went wrong please try again later' });
  });

  it('hides triage, archived and draft items from list and detail but counts only active items', async () => {
    const item = (await createItem(sb, OPS, { name: 'to triage' })).body;
    await api(sb, 'PATCH', itemsPath(OPS, `${item.id}/`), { body: { state: stateId('OPS', 'Triage') } });
    expect((await api(sb, 'GET', itemsPath(OPS, `${item.id}/`))).status).to.equal(404);
    const list = await api(sb, 'GET', itemsPath(OPS));
    expect(list.body.results.map((r: { id: string }) => r.id)).to.not.include(item.id);
    expect(list.body.total_count).to.equal(list.body.results.length);
  });

  it('normalises description_html: plain text is wrapped and escaped, scripts and handlers removed', async () => {
    const plain = await createItem(sb, OPS, { name: 'html', description_html: 'a < b' });
    expect(plain.body.description_html).to.equal('<p>a &lt; b</p>');
    const risky = await api(sb, 'PATCH', itemsPath(OPS, `${plain.body.id}/`), { body: { description_html: '<p onclick="x()">hi</p><script>alert(1)</script>' } });
    expect(risky.body.description_html).to.equal('<p>hi</p>');
  });

  it('uses the import overrides created_by and created_at', async () => {
    const res = await createItem(sb, OPS, { name: 'imported', created_by: MEMBER_ID, created_at: '2024-01-02T03:04:05Z' });
    expect(res.body).to.include({ created_by: MEMBER_ID, created_at: '2024-01-02T03:04:05.000Z' });
  });
});
