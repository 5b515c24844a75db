import { expect } from 'chai';
import { SANDBOX_SEED, type TaskerAdapter, type TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, expectValidResult, failureOf, startSandbox } from './support.js';

/**
 * Issue 14, section 2, at the adapter: caches and write answers cut Tasker requests, and never at
 * the price of a wrong answer (a name new to Tasker is still found, a deleted item is still gone,
 * a lost answer is still settled by reading Tasker back).
 */
describe('Tasker adapter: fewer Tasker requests without stale answers', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;
  const requests = () => sandbox.faults.stats.requests;
  const counted = async <T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> => {
    sandbox.faults.resetStats();
    const result = await run();
    return { result, requests: requests() };
  };

  before(async () => {
    sandbox = await startSandbox();
    adapter = adapterFor(sandbox, { timeoutMs: 300, confirmMs: 2_000 });
    await adapter.listProjects();
  });
  after(() => sandbox.close());
  afterEach(() => sandbox.faults.reset());

  it('an update is one PATCH once the references are cached: the answer is the result, not a read-back', async () => {
    await adapter.updateWorkItem({ work_item: 'OPS-1', labels: ['bug'], state: 'Todo', assignees: ['me'] }, ACTOR);
    const { result, requests: n } = await counted(() => adapter.updateWorkItem({ work_item: 'OPS-1', labels: ['infra', 'feature'], state: 'In Progress', assignees: ['me'] }, ACTOR));
    expect(n).to.equal(1);
    expectValidResult('update_work_item', result);
    expect(result.work_item.labels.map((l) => l.name).sort()).to.deep.equal(['feature', 'infra']);
    expect(result.work_item.state?.name).to.equal('In Progress');
    expect(result.work_item.assignees.map((a) => a.email)).to.deep.equal(['alice@nodedc.example']);
    // What the tool answered is what Tasker holds.
    expect((await adapter.getWorkItem({ work_item: 'OPS-1' })).work_item).to.deep.include({ labels: result.work_item.labels, state: result.work_item.state });
  });

  it('a label created in Tasker after the cache was filled is found (the list is read again once)', async () => {
    await adapter.listLabels({ project: 'OPS' });
    const label = { ...sandbox.data.labels.find((l) => l.name === 'bug' && l.project === SANDBOX_SEED.projects.ops.id)!, id: '0b6f1b9e-7c1d-4e8a-9f00-000000000001', name: 'regression' };
    sandbox.data.labels.push(label);
    const { result, requests: n } = await counted(() => adapter.updateWorkItem({ work_item: 'OPS-2', labels: ['regression'] }, ACTOR));
    expect(result.work_item.labels.map((l) => l.name)).to.deep.equal(['regression']);
    expect(n, 'the label list once more, then the PATCH').to.be.at.most(3);
    const unknown = await failureOf(() => adapter.updateWorkItem({ work_item: 'OPS-2', labels: ['no-such-label'] }, ACTOR));
    expect(unknown.code).to.equal('validation_failed');
    expect(unknown.fields![0]!.pointer).to.equal('/labels/0');
  });

  it('list_labels, list_states and list_members always read Tasker (one request each)', async () => {
    const runs: (() => Promise<unknown>)[] = [() => adapter.listLabels({ project: 'OPS' }), () => adapter.listStates({ project: 'OPS' }), () => adapter.listMembers({ project: 'OPS' })];
    for (const run of runs) {
      expect((await counted(run)).requests).to.equal(1);
    }
  });

  it('an item deleted through the gateway is gone at once for calls by human id, though its place was cached', async () => {
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Short-lived' }, ACTOR);
    expect((await adapter.listComments({ work_item: work_item.human_id })).comments).to.deep.equal([]);
    await adapter.deleteWorkItem({ work_item: work_item.human_id }, ACTOR);
    expect((await failureOf(() => adapter.listComments({ work_item: work_item.human_id }))).code).to.equal('not_found');
  });

  it('a removal from a cycle whose answer is lost is read back and reported removed', async () => {
    await adapter.addWorkItemToCycle({ work_item: 'OPS-1', cycle: SANDBOX_SEED.cycle.id }, ACTOR);
    sandbox.faults.dropAfterApplyNext(1, { path: /\/cycle-issues\/[0-9a-f-]+\/$/, methods: ['DELETE'] });
    const result = await adapter.removeWorkItemFromCycle({ work_item: 'OPS-1', cycle: SANDBOX_SEED.cycle.id }, ACTOR);
    expect(result.removed).to.equal(true);
    expect(sandbox.data.cycleIssues.filter((l) => l.issue === SANDBOX_SEED.workItems['OPS-1'].id && !l.deleted_at)).to.have.length(0);
  });

  it('a link whose answer is lost is found by its URL: one link, created', async () => {
    sandbox.faults.answerLateNext(1, { path: /\/links\/$/, methods: ['POST'], delayMs: 600 });
    const result = await adapter.addWorkItemLink({ work_item: 'OPS-2', url: 'https://example.com/lost' }, ACTOR);
    expect(result.created).to.equal(true);
    expect((sandbox.data.links ?? []).filter((l) => l.url === 'https://example.com/lost' && !l.deleted_at)).to.have.length(1);
    const again = await adapter.addWorkItemLink({ work_item: 'OPS-2', url: 'https://example.com/lost' }, ACTOR);
    expect(again).to.deep.include({ created: false });
    expect(again.link.id).to.equal(result.link.id);
  });

  it('removing from a cycle that does not exist is not_found; from one the item is not in, removed false', async () => {
    const missing = await failureOf(() => adapter.removeWorkItemFromCycle({ work_item: 'OPS-2', cycle: '0b6f1b9e-7c1d-4e8a-9f00-0000000000aa' }, ACTOR));
    expect(missing.code).to.equal('not_found');
    const notIn = await adapter.removeWorkItemFromModule({ work_item: 'OPS-2', module: SANDBOX_SEED.module.id }, ACTOR);
    expect(notIn.removed).to.equal(false);
  });
});
