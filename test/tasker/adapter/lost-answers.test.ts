import { expect } from 'chai';
import { externalIdFor } from '../../../src/tasker/attribution.js';
import { SANDBOX_SEED, type TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, failureOf, startSandbox } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;
const ITEM_PATH = /\/work-items\/[0-9a-f-]{36}\/$/;

describe('Tasker adapter: writes whose answer is lost', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.faults.reset();
    sandbox.faults.resetStats();
  });

  const liveItemsNamed = (name: string) => sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at);

  it('derives an unkeyed external id from the decision, and a keyed one from the agent and key only', () => {
    const one = { ...ACTOR, decisionId: 'dec-1' };
    expect(externalIdFor(one, 'work-item')).to.equal(externalIdFor({ ...ACTOR, decisionId: 'dec-1' }, 'work-item'));
    expect(externalIdFor(one, 'work-item')).to.not.equal(externalIdFor({ ...ACTOR, decisionId: 'dec-2' }, 'work-item'));
    expect(externalIdFor(one, 'work-item')).to.not.equal(externalIdFor(one, 'comment'));
    expect(externalIdFor(one, 'work-item', 'key-00000001')).to.equal(externalIdFor({ ...ACTOR, decisionId: 'dec-2' }, 'work-item', 'key-00000001'));
    expect(externalIdFor(one, 'work-item')).to.match(/^gw-[0-9a-f]{48}$/);
  });

  it('a create Tasker never applies is tasker_outcome_unknown after one attempt and the read-back, never sent twice', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 300, confirmMs: 400 });
    sandbox.faults.hangNext(1, { path: CREATE_PATH, methods: ['POST'] });
    const started = Date.now();
    const err = await failureOf(() => adapter.createWorkItem({ project: 'OPS', name: 'Never applied', idempotency_key: 'never-applied-0001' }, ACTOR));
    const waited = Date.now() - started;
    expect(err.code).to.equal('tasker_outcome_unknown');
    expect(err.context).to.include({ reason: 'timeout', attempts: 1, checked: true });
    expect(sandbox.faults.stats.writes, 'one POST, no blind retry').to.equal(1);
    expect(liveItemsNamed('Never applied')).to.have.length(0);
    // One attempt (300 ms) plus the read-back (400 ms), not maxAttempts x timeout up to the deadline.
    expect(waited).to.be.below(300 + 400 + 600);
  });

  it('a create applied after the read-back gave up is unknown first and found by confirmWrite later', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 150, confirmMs: 200 });
    sandbox.faults.applyLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: 800 });
    const actor = { ...ACTOR, decisionId: `dec-late-${Date.now()}` };
    const args = { project: 'OPS', name: 'Applied late' };
    const err = await failureOf(() => adapter.createWorkItem(args, actor));
    expect(err.code).to.equal('tasker_outcome_unknown');
    expect(await adapter.confirmWrite('createWorkItem', args, actor)).to.equal(null);
    await new Promise((resolve) => setTimeout(resolve, 900));
    const found = (await adapter.confirmWrite('createWorkItem', args, actor)) as { work_item: { id: string } };
    expect(liveItemsNamed('Applied late')).to.have.length(1);
    expect(found.work_item.id).to.equal(liveItemsNamed('Applied late')[0]!.id);
    // Another decision's external id does not find it.
    expect(await adapter.confirmWrite('createWorkItem', args, { ...ACTOR, decisionId: 'dec-other' })).to.equal(null);
  });

  it('an update whose answer is lost is read back and compared: success when the values are there', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 100 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Update lost answer' }, ACTOR);
    sandbox.faults.answerLateNext(1, { path: ITEM_PATH, methods: ['PATCH'], delayMs: 400 });
    const result = await adapter.updateWorkItem({ work_item: work_item.human_id, priority: 'high', labels: ['bug'], description: 'Checked <b>twice</b>' }, ACTOR);
    expect(result.work_item.priority).to.equal('high');
    expect(result.work_item.labels.map((l) => l.name)).to.deep.equal(['bug']);
    expect(sandbox.faults.stats.writes).to.equal(2);
  });

  it('an update Tasker never applies is tasker_outcome_unknown (the read-back shows the old values)', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 150, confirmMs: 300 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Update never applied', priority: 'low' }, ACTOR);
    sandbox.faults.hangNext(1, { path: ITEM_PATH, methods: ['PATCH'] });
    const err = await failureOf(() => adapter.updateWorkItem({ work_item: work_item.human_id, priority: 'urgent' }, ACTOR));
    expect(err.code).to.equal('tasker_outcome_unknown');
    expect(liveItemsNamed('Update never applied')[0]!.priority).to.equal('low');
  });

  it('a transition whose connection is reset after it was applied reports the new state', async () => {
    const adapter = adapterFor(sandbox);
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Transition lost answer' }, ACTOR);
    sandbox.faults.dropAfterApplyNext(1, { path: ITEM_PATH, methods: ['PATCH'] });
    const result = await adapter.transitionWorkItem({ work_item: work_item.human_id, state_group: 'completed' }, ACTOR);
    expect(result.work_item.state?.group).to.equal('completed');
    expect(result.previous_state?.id).to.equal(work_item.state?.id);
  });

  it('a comment whose answer is lost is found among the item\'s comments by its external id', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 100 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Comment lost answer' }, ACTOR);
    sandbox.faults.answerLateNext(1, { path: /\/comments\/$/, methods: ['POST'], delayMs: 400 });
    const actor = { ...ACTOR, decisionId: `dec-comment-${Date.now()}` };
    const result = await adapter.addComment({ work_item: work_item.human_id, body: 'posted once' }, actor);
    const posted = sandbox.data.comments.filter((c) => c.issue === work_item.id && !c.deleted_at);
    expect(posted).to.have.length(1);
    expect(result).to.deep.include({ created: true });
    expect(result.comment.id).to.equal(posted[0]!.id);
    expect(posted[0]!.external_id).to.equal(externalIdFor(actor, 'comment'));
  });

  it('adding to a cycle whose answer is lost is read back from the cycle\'s items', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 100 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Cycle lost answer' }, ACTOR);
    const cycle = { id: SANDBOX_SEED.cycle.id };
    sandbox.faults.answerLateNext(1, { path: /\/cycle-issues\/$/, methods: ['POST'], delayMs: 400 });
    const result = await adapter.addWorkItemToCycle({ work_item: work_item.human_id, cycle: cycle.id }, ACTOR);
    expect(result.work_item_id).to.equal(work_item.id);
    expect(sandbox.faults.stats.writes).to.equal(2);
  });
});
