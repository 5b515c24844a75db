import { expect } from 'chai';
import type { TaskerAdapter, TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, expectValidResult, startSandbox } from './support.js';

describe('Tasker adapter: pagination', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;
  const CREATED = 27;

  before(async () => {
    // a strict sandbox (per_page <= 100) and a small page size: 30 items span 3 Tasker pages
    sandbox = await startSandbox({ maxPerPage: 100 });
    adapter = adapterFor(sandbox, { pageSize: 10 });
    for (let i = 1; i <= CREATED; i += 1) {
      await adapter.createWorkItem({ project: 'OPS', name: `Paged item ${String(i).padStart(2, '0')}`, priority: i % 3 === 0 ? 'urgent' : 'low' }, ACTOR);
    }
  });
  after(() => sandbox.close());

  it('follows next_cursor across several Tasker pages until next_page_results is false', async () => {
    const live = sandbox.data.workItems.filter((w) => w.project === sandbox.data.projects.find((p) => p.identifier === 'OPS')!.id && !w.deleted_at);
    sandbox.faults.resetStats();
    const result = await adapter.listWorkItems({ project: 'OPS', limit: 100 });
    expect(result.total).to.equal(live.length).and.to.be.greaterThan(20);
    expect(new Set(result.items.map((i) => i.id)).size).to.equal(live.length);
    // ceil(live / 10) page requests, nothing else (the project is cached)
    expect(sandbox.faults.stats.requests).to.equal(Math.ceil(live.length / 10));
  });

  it('pages the tool result with opaque cursors, with no gaps and no repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await adapter.listWorkItems({ project: 'OPS', limit: 7, ...(cursor ? { cursor } : {}) });
      expectValidResult('list_work_items', page);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    const all = await adapter.listWorkItems({ project: 'OPS', limit: 100 });
    expect(seen).to.deep.equal(all.items.map((i) => i.id));
    expect(pages).to.equal(Math.ceil(all.total / 7));
  });

  it('applies filters before paging, so total counts the matches', async () => {
    const urgent = await adapter.listWorkItems({ project: 'OPS', priority: ['urgent'], text: 'paged item', limit: 4 });
    expect(urgent.total).to.equal(CREATED / 3);
    expect(urgent.items).to.have.length(4);
    expect(urgent.next_cursor).to.be.a('string');
  });

  it('rejects a cursor it did not issue at /cursor', async () => {
    let code = '';
    let pointer = '';
    try {
      await adapter.listWorkItems({ project: 'OPS', cursor: 'bm90LWEtY3Vyc29y' });
    } catch (err) {
      code = (err as { code: string }).code;
      pointer = (err as { fields: { pointer: string }[] }).fields[0]!.pointer;
    }
    expect([code, pointer]).to.deep.equal(['validation_failed', '/cursor']);
  });

  it('stops reading at maxScanItems', async () => {
    const capped = adapterFor(sandbox, { pageSize: 10, maxScanItems: 20 });
    expect((await capped.listWorkItems({ project: 'OPS', limit: 100 })).total).to.equal(20);
  });
});
