import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, startSandbox } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;


describe('Tasker adapter: idempotent create under retry', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  const liveItemsNamed = (name: string) => sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at);
  /** Writes that reached the sandbox since the last resetStats. */
  const posts = () => sandbox.faults.stats.writes;

  for (const withKey of [true, false]) {
    it(`a POST whose answer comes after the attempt timeout is found by its external id: one work item, one POST (${withKey ? 'with' : 'without'} an idempotency key)`, async () => {
      const name = `Lost answer ${withKey ? 'keyed' : 'unkeyed'}`;
      // Tasker creates the item at once but answers only after the client's attempt timeout.
      const adapter = adapterFor(sandbox, { timeoutMs: 100 });
      sandbox.faults.reset();
      sandbox.faults.resetStats();
      sandbox.faults.answerLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: 400 });
      const actor = { ...ACTOR, decisionId: `dec-${name}-${Date.now()}` };
      const result = await adapter.createWorkItem({ project: 'OPS', name, ...(withKey ? { idempotency_key: `lost-answer-${Date.now()}` } : {}) }, actor);
      expect(liveItemsNamed(name)).to.have.length(1);
      expect(result.work_item.id).to.equal(liveItemsNamed(name)[0]!.id);
      expect(result.created).to.equal(true);
      expect(posts(), 'sent once, then looked up').to.equal(1);
    });
  }

  it('a create applied before its connection was reset is found by its external id: one work item, one POST', async () => {
    const adapter = adapterFor(sandbox);
    sandbox.faults.reset();
    sandbox.faults.resetStats();
    sandbox.faults.dropAfterApplyNext(1, { path: CREATE_PATH, methods: ['POST'] });
    const result = await adapter.createWorkItem({ project: 'OPS', name: 'Dropped after apply', idempotency_key: 'dropped-after-apply-0001' }, ACTOR);
    expect(liveItemsNamed('Dropped after apply')).to.have.length(1);
    expect(result.created).to.equal(true);
    expect(posts()).to.equal(1);
  });

  it('a create answered 503 (Tasker was done with it) is sent again and creates one work item', async () => {
    const adapter = adapterFor(sandbox);
    sandbox.faults.reset();
    sandbox.faults.resetStats();
    sandbox.faults.failNext(1, { path: CREATE_PATH, methods: ['POST'], status: 503 });
    const result = await adapter.createWorkItem({ project: 'OPS', name: 'Retried after 503', idempotency_key: 'retried-503-0001' }, ACTOR);
    expect(liveItemsNamed('Retried after 503')).to.have.length(1);
    expect(result.created).to.equal(true);
    expect(posts()).to.equal(2);
  });

  it('a repeated call with the same key after success returns the existing item, created false', async () => {
    const adapter = adapterFor(sandbox);
    const first = await adapter.createWorkItem({ project: 'OPS', name: 'Replayed', idempotency_key: 'replayed-key-0001' }, ACTOR);
    // a fresh adapter: nothing cached, the answer comes from Tasker's external id alone
    const second = await adapterFor(sandbox).createWorkItem({ project: 'OPS', name: 'Replayed', idempotency_key: 'replayed-key-0001' }, ACTOR);
    expect(second).to.deep.include({ created: false });
    expect(second.work_item.id).to.equal(first.work_item.id);
    expect(liveItemsNamed('Replayed')).to.have.length(1);
  });

  it('after the item is deleted, the same key creates a new one (Tasker frees the external id)', async () => {
    const adapter = adapterFor(sandbox);
    const first = await adapter.createWorkItem({ project: 'OPS', name: 'Recreated', idempotency_key: 'recreated-key-0001' }, ACTOR);
    await adapter.deleteWorkItem({ work_item: first.work_item.human_id }, ACTOR);
    const again = await adapter.createWorkItem({ project: 'OPS', name: 'Recreated', idempotency_key: 'recreated-key-0001' }, ACTOR);
    expect(again.created).to.equal(true);
    expect(again.work_item.id).to.not.equal(first.work_item.id);
  });

  it('a DELETE whose answer is lost is read back and reports success', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 100 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Delete lost answer' }, ACTOR);
    sandbox.faults.answerLateNext(1, { path: work_item.id, methods: ['DELETE'], delayMs: 400 });
    expect(await adapter.deleteWorkItem({ work_item: work_item.human_id }, ACTOR)).to.deep.equal({ deleted: true, work_item_id: work_item.id, human_id: work_item.human_id });
    expect(liveItemsNamed('Delete lost answer')).to.have.length(0);
  });
});
