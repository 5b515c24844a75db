import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ContractRegistry } from '../../../src/contracts/index.js';
import { SANDBOX_SEED, runToolOperation, type ProjectScope, type SearchHit, type TaskerAdapter, type TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, failureOf, startSandbox } from './support.js';

const contracts = ContractRegistry.load();
const OPS = SANDBOX_SEED.projects.ops;
const PUB = SANDBOX_SEED.projects.pub;

/** The error as a caller would see it, with the one reference it echoes blanked out. */
function shape(err: { code: string; message: string; fields?: unknown; context?: unknown }, ref: string): string {
  return JSON.stringify({ code: err.code, message: err.message.replace(ref, '<ref>'), fields: err.fields, context: err.context });
}

describe('Tasker adapter: a tool operation is confined to its project scope', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;
  const run = (tool: string, args: Record<string, unknown>, scope: ProjectScope) => runToolOperation(adapter, contracts.get(tool)['x-gateway'].operation, args, ACTOR, scope);
  const identifiersOf = (result: unknown) => (result as { projects: { identifier: string }[] }).projects.map((p) => p.identifier).sort();
  const hitsOf = (result: unknown) => (result as { items: SearchHit[] }).items;

  before(async () => {
    sandbox = await startSandbox();
    adapter = adapterFor(sandbox);
    // A second PUB item, so a search confined to PUB has more than one hit to page over.
    await adapter.createWorkItem({ project: 'PUB', name: 'Roadmap: explain the release process', idempotency_key: 'scope-test-pub-0001' }, ACTOR);
  });
  after(() => sandbox.close());

  it('list_projects shows only the projects in scope, however the keys are spelled', async () => {
    expect(identifiersOf(await run('list_projects', {}, '*'))).to.deep.equal(['OPS', 'PUB']);
    expect(identifiersOf(await run('list_projects', {}, ['PUB']))).to.deep.equal(['PUB']);
    expect(identifiersOf(await run('list_projects', {}, ['pub']))).to.deep.equal(['PUB']);
    expect(identifiersOf(await run('list_projects', {}, [OPS.id.toUpperCase()]))).to.deep.equal(['OPS']);
    // A grant may name a project that no longer exists: it matches nothing, and widens nothing.
    expect(identifiersOf(await run('list_projects', {}, ['GONE', randomUUID()]))).to.deep.equal([]);
    expect(identifiersOf(await run('list_projects', {}, []))).to.deep.equal([]);
  });

  it('search_work_items without a project finds only items of projects in scope', async () => {
    const everywhere = hitsOf(await run('search_work_items', { query: 'e', limit: 50 }, '*'));
    expect(new Set(everywhere.map((h) => h.project_identifier))).to.deep.equal(new Set(['OPS', 'PUB']));
    const confined = hitsOf(await run('search_work_items', { query: 'e', limit: 50 }, ['PUB']));
    expect(confined.length).to.be.greaterThan(1);
    expect(confined.every((h) => h.project_id === PUB.id)).to.equal(true);
    // Honest: every PUB hit of the workspace search is there, nothing was cut off by OPS hits.
    expect(confined.map((h) => h.id).sort()).to.deep.equal(everywhere.filter((h) => h.project_id === PUB.id).map((h) => h.id).sort());
    expect(hitsOf(await run('search_work_items', { query: 'e' }, []))).to.deep.equal([]);
  });

  it('a confined search over several projects keeps to the limit and finds what each project has', async () => {
    const both = ['OPS', PUB.id];
    const all = hitsOf(await run('search_work_items', { query: 'e', limit: 50 }, both));
    const perProject = [...hitsOf(await run('search_work_items', { query: 'e', project: 'OPS', limit: 50 }, both)), ...hitsOf(await run('search_work_items', { query: 'e', project: 'PUB', limit: 50 }, both))];
    expect(all.map((h) => h.id).sort()).to.deep.equal(perProject.map((h) => h.id).sort());
    const two = hitsOf(await run('search_work_items', { query: 'e', limit: 2 }, both));
    expect(two).to.have.length(2);
  });

  it('search_work_items in a project outside the scope is not_found, like a project that does not exist', async () => {
    const outside = await failureOf(() => run('search_work_items', { query: 'e', project: 'OPS' }, ['PUB']));
    const missing = await failureOf(() => run('search_work_items', { query: 'e', project: 'NOPE' }, ['PUB']));
    expect(outside.code).to.equal('not_found');
    expect(shape(outside, 'OPS')).to.equal(shape(missing, 'NOPE'));
  });

  it('get_project outside the scope is answered like a project that does not exist, by identifier and by UUID', async () => {
    const byIdentifier = await failureOf(() => run('get_project', { project: 'OPS' }, ['PUB']));
    expect(shape(byIdentifier, 'OPS')).to.equal(shape(await failureOf(() => run('get_project', { project: 'NOPE' }, ['PUB'])), 'NOPE'));
    const unknownId = randomUUID();
    const byId = await failureOf(() => run('get_project', { project: OPS.id }, ['PUB']));
    expect(shape(byId, OPS.id)).to.equal(shape(await failureOf(() => run('get_project', { project: unknownId }, ['PUB'])), unknownId));
    expect(byId.code).to.equal('not_found');
  });

  it('get_work_item outside the scope is answered like an item that does not exist, whatever the path', async () => {
    const scope = ['PUB'];
    const opsItem = SANDBOX_SEED.workItems['OPS-1'].id;
    const unknownItem = randomUUID();
    const cases: [Record<string, unknown>, string, Record<string, unknown>, string][] = [
      [{ work_item: 'OPS-1' }, 'OPS-1', { work_item: 'OPS-999' }, 'OPS-999'],
      [{ work_item: 'OPS-1', project: 'PUB' }, 'OPS-1', { work_item: 'PUB-999', project: 'PUB' }, 'PUB-999'],
      [{ work_item: opsItem, project: 'PUB' }, opsItem, { work_item: unknownItem, project: 'PUB' }, unknownItem],
      [{ work_item: opsItem, project: 'OPS' }, opsItem, { work_item: unknownItem, project: 'PUB' }, unknownItem],
    ];
    for (const [outside, outsideRef, missing, missingRef] of cases) {
      const seen = await failureOf(() => run('get_work_item', outside, scope));
      expect(seen.code, JSON.stringify(outside)).to.equal('not_found');
      expect(shape(seen, outsideRef), JSON.stringify(outside)).to.equal(shape(await failureOf(() => run('get_work_item', missing, scope)), missingRef));
    }
    const inside = (await run('get_work_item', { work_item: 'PUB-1' }, scope)) as { work_item: { human_id: string } };
    expect(inside.work_item.human_id).to.equal('PUB-1');
  });

  it('writes and comment listings outside the scope touch nothing and say not_found', async () => {
    const before = sandbox.data.workItems.find((w) => w.id === SANDBOX_SEED.workItems['OPS-1'].id)!.name;
    const update = await failureOf(() => run('update_work_item', { work_item: 'OPS-1', name: 'renamed from PUB' }, ['PUB']));
    expect(update.code).to.equal('not_found');
    expect(sandbox.data.workItems.find((w) => w.id === SANDBOX_SEED.workItems['OPS-1'].id)!.name).to.equal(before);
    expect((await failureOf(() => run('list_comments', { work_item: 'OPS-1' }, ['PUB']))).code).to.equal('not_found');
    const created = await failureOf(() => run('create_work_item', { project: 'PUB', name: 'child of OPS', parent: 'OPS-1' }, ['PUB']));
    expect(created.code).to.equal('not_found');
  });

  it('a cycle of another project is not found in this one, like a cycle that does not exist', async () => {
    const foreign = await failureOf(() => run('add_work_item_to_cycle', { work_item: 'PUB-1', cycle: SANDBOX_SEED.cycle.id }, ['PUB']));
    const unknown = randomUUID();
    const missing = await failureOf(() => run('add_work_item_to_cycle', { work_item: 'PUB-1', cycle: unknown }, ['PUB']));
    expect(foreign.code).to.equal('not_found');
    expect(shape(foreign, SANDBOX_SEED.cycle.id)).to.equal(shape(missing, unknown));
  });
});
