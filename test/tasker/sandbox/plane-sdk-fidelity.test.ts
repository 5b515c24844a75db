/**
 * Fidelity check: the official `@makeplane/plane-node-sdk` 0.2.12, unmodified, drives every
 * operation it supports on open-source Plane that the sandbox serves.
 */
import { expect } from 'chai';
import { HttpError, PlaneClient } from '@makeplane/plane-node-sdk';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { ADMIN_ID, MEMBER_ID, OPS, PUB, SANDBOX_SEED, SLUG, startForTest } from './helpers.js';

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (err) {
    expect(err).to.be.instanceOf(HttpError);
    return (err as HttpError).statusCode ?? -1;
  }
}

describe('tasker sandbox: fidelity with @makeplane/plane-node-sdk', () => {
  let sb: TaskerSandbox;
  let plane: PlaneClient;
  let asMember: PlaneClient;
  before(async () => {
    sb = await startForTest();
    plane = new PlaneClient({ baseUrl: sb.url, apiKey: sb.apiKeys.admin });
    asMember = new PlaneClient({ baseUrl: sb.url, apiKey: sb.apiKeys.member });
  });
  after(() => sb.close());

  it('users.me and workspace.getMembers', async () => {
    expect((await plane.users.me()).id).to.equal(ADMIN_ID);
    const members = await plane.workspace.getMembers(SLUG);
    expect(members.map((m) => m.id)).to.include(MEMBER_ID);
  });

  it('projects.list, projects.retrieve and projects.getMembers', async () => {
    const list = await asMember.projects.list(SLUG);
    expect(list.results.map((p) => p.identifier)).to.deep.equal(['OPS', 'PUB']);
    expect(list.next_page_results).to.equal(false);
    const project = await plane.projects.retrieve(SLUG, OPS);
    expect(project.identifier).to.equal('OPS');
    const members = await plane.projects.getMembers(SLUG, OPS);
    expect(members.map((m) => m.id)).to.include.members([ADMIN_ID, MEMBER_ID]);
  });

  it('workItems: create, retrieve (with expand), update, list, retrieveByIdentifier, search, delete', async () => {
    const created = await plane.workItems.create(SLUG, OPS, { name: 'From the SDK', priority: 'high', assignees: [MEMBER_ID] });
    expect(created.sequence_id).to.equal(4);
    const fetched = await plane.workItems.retrieve(SLUG, OPS, created.id, ['state', 'assignees']);
    expect((fetched.state as unknown as { name: string }).name).to.equal('Backlog');
    const updated = await plane.workItems.update(SLUG, OPS, created.id, { name: 'From the SDK, renamed', priority: 'low' });
    expect(updated).to.include({ name: 'From the SDK, renamed', priority: 'low' });
    const page = await plane.workItems.list(SLUG, OPS, { per_page: 2, order_by: 'created_at' });
    expect(page.results).to.have.length(2);
    expect(page.next_page_results).to.equal(true);
    const next = await plane.workItems.list(SLUG, OPS, { per_page: 2, order_by: 'created_at', cursor: page.next_cursor });
    expect(next.results.map((w) => w.id)).to.include(created.id);
    const byHumanId = await plane.workItems.retrieveByIdentifier(SLUG, 'OPS-4');
    expect(byHumanId.id).to.equal(created.id);
    const found = await plane.workItems.search(SLUG, 'renamed', OPS);
    expect((found as unknown as { issues: { id: string }[] }).issues.map((i) => i.id)).to.deep.equal([created.id]);
    await plane.workItems.delete(SLUG, OPS, created.id);
    expect(await statusOf(plane.workItems.retrieve(SLUG, OPS, created.id))).to.equal(404);
    expect(await statusOf(asMember.workItems.list(SLUG, PUB))).to.equal(403);
  });

  it('workItems.comments: create, list, retrieve, update, delete', async () => {
    const itemId = SANDBOX_SEED.workItems['OPS-2'].id;
    const comment = await plane.workItems.comments.create(SLUG, OPS, itemId, { comment_html: '<p>sdk comment</p>', external_source: 'sdk-test', external_id: 'c1' });
    expect(comment.comment_html).to.equal('<p>sdk comment</p>');
    const list = await plane.workItems.comments.list(SLUG, OPS, itemId);
    expect(list.results[0]!.id).to.equal(comment.id);
    expect((await plane.workItems.comments.retrieve(SLUG, OPS, itemId, comment.id)).id).to.equal(comment.id);
    const updated = await plane.workItems.comments.update(SLUG, OPS, itemId, comment.id, { comment_html: '<p>edited</p>' });
    expect(updated.comment_html).to.equal('<p>edited</p>');
    expect(await statusOf(plane.workItems.comments.create(SLUG, OPS, itemId, { comment_html: '<p>x</p>', external_source: 'sdk-test', external_id: 'c1' }))).to.equal(409);
    await plane.workItems.comments.delete(SLUG, OPS, itemId, comment.id);
    expect(await statusOf(plane.workItems.comments.retrieve(SLUG, OPS, itemId, comment.id))).to.equal(404);
  });

  it('workItems.activities: list and retrieve', async () => {
    const itemId = SANDBOX_SEED.workItems['OPS-3'].id;
    await plane.workItems.update(SLUG, OPS, itemId, { priority: 'low' });
    const list = await plane.workItems.activities.list(SLUG, OPS, itemId);
    expect(list.results.map((a) => a.verb)).to.deep.equal(['created', 'updated']);
    const one = await plane.workItems.activities.retrieve(SLUG, OPS, itemId, list.results[1]!.id);
    expect(one.field).to.equal('priority');
  });

  it('states: list, create, retrieve, update, delete', async () => {
    const list = await plane.states.list(SLUG, OPS);
    expect(list.results.map((s) => s.name)).to.deep.equal(['Backlog', 'Todo', 'In Progress', 'Done', 'Cancelled']);
    const state = await plane.states.create(SLUG, OPS, { name: 'Blocked', group: 'started', color: '#ff0000' });
    expect((await plane.states.retrieve(SLUG, OPS, state.id)).name).to.equal('Blocked');
    expect((await plane.states.update(SLUG, OPS, state.id, { name: 'Waiting' })).name).to.equal('Waiting');
    await plane.states.delete(SLUG, OPS, state.id);
    expect(await statusOf(plane.states.retrieve(SLUG, OPS, state.id))).to.equal(404);
  });

  it('labels: list, create, retrieve, update, delete', async () => {
    expect((await plane.labels.list(SLUG, OPS)).results.map((l) => l.name)).to.include('bug');
    const label = await plane.labels.create(SLUG, OPS, { name: 'sdk', color: '#00ff00' });
    expect((await plane.labels.retrieve(SLUG, OPS, label.id)).name).to.equal('sdk');
    expect((await plane.labels.update(SLUG, OPS, label.id, { name: 'sdk-2' })).name).to.equal('sdk-2');
    expect(await statusOf(plane.labels.create(SLUG, OPS, { name: 'bug' }))).to.equal(409);
    await plane.labels.delete(SLUG, OPS, label.id);
    expect(await statusOf(plane.labels.retrieve(SLUG, OPS, label.id))).to.equal(404);
  });

  it('cycles: list, create, retrieve, update, add/list/remove work items, delete', async () => {
    expect((await plane.cycles.list(SLUG, OPS)).results.map((c) => c.id)).to.include(SANDBOX_SEED.cycle.id);
    const cycle = await plane.cycles.create(SLUG, OPS, { name: 'SDK sprint', owned_by: ADMIN_ID, project_id: OPS, start_date: '2026-01-01', end_date: '2099-12-31' });
    expect((await plane.cycles.retrieve(SLUG, OPS, cycle.id)).name).to.equal('SDK sprint');
    expect((await plane.cycles.update(SLUG, OPS, cycle.id, { name: 'SDK sprint 2' })).name).to.equal('SDK sprint 2');
    const itemId = SANDBOX_SEED.workItems['OPS-1'].id;
    await plane.cycles.addWorkItemsToCycle(SLUG, OPS, cycle.id, [itemId]);
    expect((await plane.cycles.listWorkItemsInCycle(SLUG, OPS, cycle.id)).results.map((w) => w.id)).to.deep.equal([itemId]);
    expect((await plane.cycles.listWorkItemsInCycle(SLUG, OPS, SANDBOX_SEED.cycle.id)).results).to.deep.equal([]);
    await plane.cycles.removeWorkItemFromCycle(SLUG, OPS, cycle.id, itemId);
    expect((await plane.cycles.listWorkItemsInCycle(SLUG, OPS, cycle.id)).results).to.deep.equal([]);
    await plane.cycles.delete(SLUG, OPS, cycle.id);
    expect(await statusOf(plane.cycles.retrieve(SLUG, OPS, cycle.id))).to.equal(404);
  });

  it('modules: list, create, retrieve, update, add/list/remove work items, delete', async () => {
    expect((await plane.modules.list(SLUG, OPS)).results.map((m) => m.id)).to.include(SANDBOX_SEED.module.id);
    const module = await plane.modules.create(SLUG, OPS, { name: 'SDK module' });
    expect((await plane.modules.retrieve(SLUG, OPS, module.id)).status).to.equal('planned');
    expect((await plane.modules.update(SLUG, OPS, module.id, { status: 'in-progress' })).status).to.equal('in-progress');
    const itemId = SANDBOX_SEED.workItems['OPS-2'].id;
    await plane.modules.addWorkItemsToModule(SLUG, OPS, module.id, [itemId]);
    expect((await plane.modules.listWorkItemsInModule(SLUG, OPS, module.id)).results.map((w) => w.id)).to.deep.equal([itemId]);
    await plane.modules.removeWorkItemFromModule(SLUG, OPS, module.id, itemId);
    expect((await plane.modules.listWorkItemsInModule(SLUG, OPS, module.id)).results).to.deep.equal([]);
    await plane.modules.delete(SLUG, OPS, module.id);
    expect(await statusOf(plane.modules.retrieve(SLUG, OPS, module.id))).to.equal(404);
  });

  it('surfaces auth failures as HttpError with Plane status codes', async () => {
    const stranger = new PlaneClient({ baseUrl: sb.url, apiKey: 'not-a-key' });
    expect(await statusOf(stranger.users.me())).to.equal(403);
  });
});
