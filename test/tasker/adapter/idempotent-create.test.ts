import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, startSandbox } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Tasker adapter: idempotent create under retry', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  const liveItemsNamed = (name: string) => sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at);

  for (const withKey of [true, false]) {
    it(`a POST whose answer is lost and is retried creates one work item (${withKey ? 'with' : 'without'} an idempotency key)`, async () => {
      const name = `Lost answer ${withKey ? 'keyed' : 'unkeyed'}`;
      // The first POST is held past the client's timeout; Tasker still creates the item after
      // the delay. The retry then meets the external id that POST stored and gets a 409.
      const adapter = adapterFor(sandbox, { timeoutMs: 100, backoffBaseMs: 400, backoffMaxMs: 400 });
      sandbox.faults.resetStats();
      sandbox.faults.setLatency(200, { path: CREATE_PATH, methods: ['POST'] });
      const pending = adapter.createWorkItem({ project: 'OPS', name, ...(withKey ? { idempotency_key: `lost-answer-${Date.now()}` } : {}) }, ACTOR);
      await waitUntil(() => sandbox.faults.stats.delayed >= 1);
      sandbox.faults.setLatency(0, { path: CREATE_PATH, methods: ['POST'] });
      const result = await pending;
      expect(liveItemsNamed(name)).to.have.length(1);
      expect(result.work_item.id).to.equal(liveItemsNamed(name)[0]!.id);
      expect(result.created).to.equal(true);
    });
  }

  it('a retried create after a dropped connection creates one work item', async () => {
    const adapter = adapterFor(sandbox);
    sandbox.faults.dropNext(2, { path: CREATE_PATH, methods: ['POST'] });
    const result = await adapter.createWorkItem({ project: 'OPS', name: 'Dropped twice', idempotency_key: 'dropped-twice-0001' }, ACTOR);
    expect(liveItemsNamed('Dropped twice')).to.have.length(1);
    expect(result.created).to.equal(true);
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

  it('a DELETE whose answer is lost and is retried still reports success', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 100, backoffBaseMs: 400, backoffMaxMs: 400 });
    const { work_item } = await adapter.createWorkItem({ project: 'OPS', name: 'Delete lost answer' }, ACTOR);
    sandbox.faults.resetStats();
    sandbox.faults.setLatency(200, { path: work_item.id, methods: ['DELETE'] });
    const pending = adapter.deleteWorkItem({ work_item: work_item.human_id }, ACTOR);
    await waitUntil(() => sandbox.faults.stats.delayed >= 1);
    sandbox.faults.setLatency(0, { path: work_item.id, methods: ['DELETE'] });
    expect(await pending).to.deep.equal({ deleted: true, work_item_id: work_item.id, human_id: work_item.human_id });
    expect(liveItemsNamed('Delete lost answer')).to.have.length(0);
  });
});
