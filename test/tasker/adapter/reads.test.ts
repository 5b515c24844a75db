import { expect } from 'chai';
import type { TaskerAdapter, TaskerSandbox } from '../../../src/tasker/index.js';
import { SANDBOX_SEED } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, expectValidResult, failureOf, startSandbox } from './support.js';

describe('Tasker adapter: reads against the sandbox', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;

  before(async () => {
    sandbox = await startSandbox();
    adapter = adapterFor(sandbox);
  });
  after(() => sandbox.close());

  it('getCurrentUser returns the key owner', async () => {
    const me = await adapter.getCurrentUser();
    expect(me).to.include({ id: SANDBOX_SEED.users.admin.id, email: SANDBOX_SEED.users.admin.email });
  });

  it('listProjects lists the workspace projects with identifiers and membership', async () => {
    const result = await adapter.listProjects({});
    expectValidResult('list_projects', result);
    expect(result.projects.map((p) => p.identifier).sort()).to.deep.equal(['OPS', 'PUB']);
    const pub = result.projects.find((p) => p.identifier === 'PUB')!;
    expect(pub).to.include({ visibility: 'public', is_member: true });
  });

  it('listProjects with member_only hides public projects the key user has not joined', async () => {
    const asMember = adapterFor(sandbox, { apiKey: sandbox.apiKeys.member });
    const all = await asMember.listProjects({});
    expect(all.projects.find((p) => p.identifier === 'PUB')).to.include({ is_member: false });
    expect((await asMember.listProjects({ member_only: true })).projects.map((p) => p.identifier)).to.deep.equal(['OPS']);
  });

  it('getProject accepts an identifier in any case or a UUID', async () => {
    const byIdentifier = await adapter.getProject({ project: 'ops' });
    expectValidResult('get_project', byIdentifier);
    const byId = await adapter.getProject({ project: SANDBOX_SEED.projects.ops.id.toUpperCase() });
    expect(byId.project.identifier).to.equal('OPS');
    expect(byIdentifier.project.id).to.equal(SANDBOX_SEED.projects.ops.id);
  });

  it('getProject of an unknown identifier is not_found', async () => {
    expect((await failureOf(() => adapter.getProject({ project: 'NOPE' }))).code).to.equal('not_found');
  });

  it('getWorkItem by human id returns the item with state, labels and human id', async () => {
    const result = await adapter.getWorkItem({ work_item: 'ops-1' });
    expectValidResult('get_work_item', result);
    expect(result.work_item).to.include({ id: SANDBOX_SEED.workItems['OPS-1'].id, human_id: 'OPS-1', project_identifier: 'OPS' });
    expect(result.work_item.state).to.have.keys('id', 'name', 'group');
    expect(result.work_item).to.have.property('description_html');
  });

  it('getWorkItem by UUID needs and uses the project', async () => {
    const result = await adapter.getWorkItem({ work_item: SANDBOX_SEED.workItems['OPS-2'].id, project: 'OPS' });
    expect(result.work_item.human_id).to.equal('OPS-2');
    const missing = await failureOf(() => adapter.getWorkItem({ work_item: SANDBOX_SEED.workItems['OPS-2'].id }));
    expect(missing.code).to.equal('validation_failed');
    expect(missing.fields![0]!.pointer).to.equal('/project');
  });

  it('getWorkItem answers a human id of another project exactly like one that does not exist', async () => {
    // Telling the two apart would let a caller confined to PUB probe which OPS items exist.
    const elsewhere = await failureOf(() => adapter.getWorkItem({ work_item: 'OPS-1', project: 'PUB' }));
    const missing = await failureOf(() => adapter.getWorkItem({ work_item: 'OPS-999', project: 'PUB' }));
    const missingHere = await failureOf(() => adapter.getWorkItem({ work_item: 'PUB-999', project: 'PUB' }));
    expect(elsewhere.code).to.equal('not_found');
    const shape = (e: typeof elsewhere, ref: string) => JSON.stringify({ ...e, message: e.message.replace(ref, '<ref>') });
    expect(shape(elsewhere, 'OPS-1')).to.equal(shape(missing, 'OPS-999'));
    expect(shape(elsewhere, 'OPS-1')).to.equal(shape(missingHere, 'PUB-999'));
  });

  it('an unknown sequence number and an unknown identifier are both not_found', async () => {
    expect((await failureOf(() => adapter.getWorkItem({ work_item: 'OPS-999' }))).code).to.equal('not_found');
    expect((await failureOf(() => adapter.getWorkItem({ work_item: 'ZZZ-1' }))).code).to.equal('not_found');
  });

  it('getWorkItemByHumanId works on the deprecated /issues/ path family too', async () => {
    const legacy = adapterFor(sandbox, { pathFamily: 'issues' });
    const item = await legacy.getWorkItemByHumanId('OPS-3');
    expect(item.id).to.equal(SANDBOX_SEED.workItems['OPS-3'].id);
    expect((await legacy.listWorkItems({ project: 'OPS' })).total).to.be.greaterThan(0);
  });

  it('listWorkItems returns mapped items without descriptions, newest first', async () => {
    const result = await adapter.listWorkItems({ project: 'OPS' });
    expectValidResult('list_work_items', result);
    expect(result.items.length).to.equal(result.total);
    expect(result.items[0]).to.not.have.property('description_html');
    const created = result.items.map((i) => Date.parse(i.created_at));
    expect(created).to.deep.equal([...created].sort((a, b) => b - a));
  });

  it('listWorkItems filters by state group, priority, label, assignee, text and update time', async () => {
    const all = (await adapter.listWorkItems({ project: 'OPS' })).items;
    const checks: [Parameters<TaskerAdapter['listWorkItems']>[0], (i: (typeof all)[number]) => boolean][] = [
      [{ project: 'OPS', state_group: ['started'] }, (i) => i.state?.group === 'started'],
      [{ project: 'OPS', priority: ['urgent', 'high'] }, (i) => i.priority === 'urgent' || i.priority === 'high'],
      [{ project: 'OPS', label: 'BUG' }, (i) => i.labels.some((l) => l.name === 'bug')],
      [{ project: 'OPS', assignee: 'me' }, (i) => i.assignees.some((a) => a.email === ACTOR.ownerEmail)],
      [{ project: 'OPS', text: 'LOGIN' }, (i) => i.name.toLowerCase().includes('login')],
      [{ project: 'OPS', state: 'backlog' }, (i) => i.state?.name === 'Backlog'],
    ];
    for (const [args, predicate] of checks) {
      const expected = all.filter(predicate).map((i) => i.id);
      // each filter must discriminate in the seed data, or this check could not fail
      expect(expected.length, JSON.stringify(args)).to.be.within(1, all.length - 1);
      const result = await adapter.listWorkItems(args, ACTOR);
      expect(result.items.map((i) => i.id), JSON.stringify(args)).to.deep.equal(expected);
    }
    expect((await adapter.listWorkItems({ project: 'OPS', text: 'login' })).total).to.be.greaterThan(0);
    expect((await adapter.listWorkItems({ project: 'OPS', updated_since: '2999-01-01T00:00:00Z' })).total).to.equal(0);
  });

  it('listWorkItems names the argument when a filter matches nothing in the project', async () => {
    const err = await failureOf(() => adapter.listWorkItems({ project: 'OPS', label: 'no-such-label' }));
    expect(err.code).to.equal('validation_failed');
    expect(err.fields![0]!.pointer).to.equal('/label');
    expect(err.fields![0]!.message).to.include('bug');
  });

  it('searchWorkItems finds items by name across projects or in one project', async () => {
    const result = await adapter.searchWorkItems({ query: 'roadmap' });
    expectValidResult('search_work_items', result);
    expect(result.items.map((h) => h.human_id)).to.include('PUB-1');
    const scoped = await adapter.searchWorkItems({ query: 'roadmap', project: 'OPS' });
    expect(scoped.items.map((h) => h.human_id)).to.not.include('PUB-1');
  });

  it('listComments returns the comments of a work item', async () => {
    const result = await adapter.listComments({ work_item: 'OPS-1' });
    expectValidResult('list_comments', result);
    for (const comment of result.comments) expect(comment.work_item_id).to.equal(SANDBOX_SEED.workItems['OPS-1'].id);
  });

  it('listStates returns the five default states with one default', async () => {
    const result = await adapter.listStates({ project: 'OPS' });
    expectValidResult('list_states', result);
    expect(result.states.map((s) => s.name)).to.deep.equal([...SANDBOX_SEED.stateNames]);
    expect(result.states.filter((s) => s.is_default).map((s) => s.name)).to.deep.equal(['Backlog']);
  });

  it('listLabels, listMembers, listCycles and listModules return the seed data in the tool shapes', async () => {
    const labels = await adapter.listLabels({ project: 'OPS' });
    expectValidResult('list_labels', labels);
    expect(labels.labels.map((l) => l.name).sort()).to.deep.equal([...SANDBOX_SEED.labels.ops].sort());
    const members = await adapter.listMembers({ project: 'OPS' });
    expectValidResult('list_members', members);
    expect(members.members.map((m) => m.email)).to.include(SANDBOX_SEED.users.member.email);
    const cycles = await adapter.listCycles({ project: 'OPS' });
    expectValidResult('list_cycles', cycles);
    expect(cycles.cycles.map((c) => c.id)).to.deep.equal([SANDBOX_SEED.cycle.id]);
    const modules = await adapter.listModules({ project: 'OPS' });
    expectValidResult('list_modules', modules);
    expect(modules.modules.map((m) => m.id)).to.deep.equal([SANDBOX_SEED.module.id]);
  });
});

describe('Tasker adapter: project cache', () => {
  it('resolves many concurrent human ids with one project list request', async () => {
    const sandbox = await startSandbox();
    try {
      const adapter = adapterFor(sandbox);
      sandbox.faults.resetStats();
      const items = await Promise.all(Array.from({ length: 10 }, () => adapter.getWorkItem({ work_item: 'OPS-1' })));
      expect(new Set(items.map((i) => i.work_item.id)).size).to.equal(1);
      // one projects page plus one GET per item
      expect(sandbox.faults.stats.requests).to.equal(11);
    } finally {
      await sandbox.close();
    }
  });
});
