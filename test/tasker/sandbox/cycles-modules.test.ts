import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/sandbox/index.js';
import { OPS, PUB, SANDBOX_SEED, api, createItem, projectPath, startForTest } from './helpers.js';

const CYCLE = SANDBOX_SEED.cycle.id;
const MODULE = SANDBOX_SEED.module.id;
const OPS1 = SANDBOX_SEED.workItems['OPS-1'].id;
const OPS2 = SANDBOX_SEED.workItems['OPS-2'].id;

describe('tasker sandbox: cycles', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('lists cycles in an envelope, current cycles as a bare array, and gets one with counts', async () => {
    const list = await api(sb, 'GET', projectPath(OPS, 'cycles/'));
    expect(list.body.results.map((c: { id: string }) => c.id)).to.deep.equal([CYCLE]);
    const current = await api(sb, 'GET', projectPath(OPS, 'cycles/?cycle_view=current'));
    expect(current.body).to.be.an('array').with.length(1);
    const one = await api(sb, 'GET', projectPath(OPS, `cycles/${CYCLE}/`));
    expect(one.body).to.include({ name: 'Sprint 1', total_issues: 1, started_issues: 1 });
    expect((await api(sb, 'GET', projectPath(OPS, 'cycles/55555555-5555-4555-a555-555555555555/'))).status).to.equal(404);
  });

  it('adds items with 200 and a bare link array, MOVING an item out of its previous cycle', async () => {
    const created = await api(sb, 'POST', projectPath(OPS, 'cycles/'), { body: { name: 'Sprint 2', project_id: OPS, start_date: '2026-01-01', end_date: '2099-01-14' } });
    expect(created.status).to.equal(201);
    const add = await api(sb, 'POST', projectPath(OPS, `cycles/${created.body.id}/cycle-issues/`), { body: { issues: [OPS1, OPS2] } });
    expect(add.status).to.equal(200);
    expect(add.body.map((l: { issue: string }) => l.issue).sort()).to.deep.equal([OPS1, OPS2].sort());
    expect(add.body[0]).to.include.keys('id', 'issue', 'cycle', 'sub_issues_count', 'project', 'workspace');
    const old = await api(sb, 'GET', projectPath(OPS, `cycles/${CYCLE}/cycle-issues/`));
    expect(old.body.results).to.deep.equal([]);
    const fresh = await api(sb, 'GET', projectPath(OPS, `cycles/${created.body.id}/cycle-issues/?fields=id`));
    expect(fresh.body.results.map((w: { id: string }) => w.id)).to.deep.equal([OPS1, OPS2]);
    const again = await api(sb, 'POST', projectPath(OPS, `cycles/${created.body.id}/cycle-issues/`), { body: { issues: [OPS1] } });
    expect(again.body).to.have.length(2);
  });

  it('refuses an empty list with MISSING_WORK_ITEMS and a completed cycle with CYCLE_COMPLETED', async () => {
    const empty = await api(sb, 'POST', projectPath(OPS, `cycles/${CYCLE}/cycle-issues/`), { body: { issues: [] } });
    expect(empty.status).to.equal(400);
    expect(empty.body).to.deep.equal({ error: 'Work items are required', code: 'MISSING_WORK_ITEMS' });
    const past = await api(sb, 'POST', projectPath(OPS, 'cycles/'), { body: { name: 'Past', project_id: OPS, start_date: '2020-01-01', end_date: '2020-01-14' } });
    const done = await api(sb, 'POST', projectPath(OPS, `cycles/${past.body.id}/cycle-issues/`), { body: { issues: [OPS1] } });
    expect(done.status).to.equal(400);
    expect(done.body.code).to.equal('CYCLE_COMPLETED');
  });

  it('validates cycle creation: project_id required, both dates or neither', async () => {
    expect((await api(sb, 'POST', projectPath(OPS, 'cycles/'), { body: { name: 'x' } })).body).to.deep.equal({ project_id: ['This field is required.'] });
    const half = await api(sb, 'POST', projectPath(OPS, 'cycles/'), { body: { name: 'x', project_id: OPS, start_date: '2026-01-01' } });
    expect(half.body).to.deep.equal({ error: 'Both start date and end date are either required or are to be null' });
  });

  it('removes a link with 204, then 404 for a link that is not there', async () => {
    const sprint = (await api(sb, 'POST', projectPath(OPS, 'cycles/'), { body: { name: 'Sprint 3', project_id: OPS } })).body;
    const item = (await createItem(sb, OPS, { name: 'cycled' })).body;
    await api(sb, 'POST', projectPath(OPS, `cycles/${sprint.id}/cycle-issues/`), { body: { issues: [item.id] } });
    expect((await api(sb, 'DELETE', projectPath(OPS, `cycles/${sprint.id}/cycle-issues/${item.id}/`))).status).to.equal(204);
    expect((await api(sb, 'DELETE', projectPath(OPS, `cycles/${sprint.id}/cycle-issues/${item.id}/`))).status).to.equal(404);
  });
});

describe('tasker sandbox: modules', () => {
  let sb: TaskerSandbox;
  before(async () => { sb = await startForTest(); });
  after(() => sb.close());

  it('lists modules in an envelope and gets one', async () => {
    const list = await api(sb, 'GET', projectPath(OPS, 'modules/'));
    expect(list.body.results.map((m: { id: string }) => m.id)).to.deep.equal([MODULE]);
    const one = await api(sb, 'GET', projectPath(OPS, `modules/${MODULE}/`));
    expect(one.body).to.include({ name: 'Gateway', status: 'in-progress', total_issues: 1 });
  });

  it('ADDS items (an item can sit in several modules) and drops ids of other projects', async () => {
    const second = await api(sb, 'POST', projectPath(OPS, 'modules/'), { body: { name: 'Policies', status: 'planned' } });
    expect(second.status).to.equal(201);
    const add = await api(sb, 'POST', projectPath(OPS, `modules/${second.body.id}/module-issues/`), { body: { issues: [OPS1, SANDBOX_SEED.workItems['PUB-1'].id] } });
    expect(add.status).to.equal(200);
    expect(add.body.map((l: { issue: string }) => l.issue)).to.deep.equal([OPS1]);
    const first = await api(sb, 'GET', projectPath(OPS, `modules/${MODULE}/module-issues/`));
    expect(first.body.results.map((w: { id: string }) => w.id)).to.deep.equal([OPS1]);
    const repeated = await api(sb, 'POST', projectPath(OPS, `modules/${second.body.id}/module-issues/`), { body: { issues: [OPS1] } });
    expect(repeated.body).to.have.length(1);
  });

  it('refuses an empty list and a bad status, and removes a link with 204', async () => {
    expect((await api(sb, 'POST', projectPath(OPS, `modules/${MODULE}/module-issues/`), { body: { issues: [] } })).body).to.deep.equal({ error: 'Issues are required' });
    expect((await api(sb, 'POST', projectPath(OPS, 'modules/'), { body: { name: 'x', status: 'done' } })).body).to.deep.equal({ status: ['"done" is not a valid choice.'] });
    expect((await api(sb, 'DELETE', projectPath(OPS, `modules/${MODULE}/module-issues/${OPS1}/`))).status).to.equal(204);
    expect((await api(sb, 'GET', projectPath(OPS, `modules/${MODULE}/module-issues/`))).body.results).to.deep.equal([]);
  });

  it('keeps cycles and modules of other projects apart (403 for a non-member)', async () => {
    expect((await api(sb, 'GET', projectPath(PUB, 'modules/'), { key: sb.apiKeys.member })).status).to.equal(403);
    expect((await api(sb, 'GET', projectPath(PUB, 'cycles/'), { key: sb.apiKeys.member })).status).to.equal(403);
  });
});
