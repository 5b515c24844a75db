import { expect } from 'chai';
import { runToolOperation, SANDBOX_SEED, type TaskerAdapter, type TaskerSandbox } from '../../../src/tasker/index.js';
import { ACTOR, adapterFor, contracts, failureOf, startSandbox } from './support.js';

/** Real arguments for every Tasker tool, in call order (the delete comes last). */
const CALLS: [string, Record<string, unknown>][] = [
  ['list_projects', {}],
  ['get_project', { project: 'OPS' }],
  ['list_work_items', { project: 'OPS', state_group: ['backlog', 'started'], limit: 2 }],
  ['get_work_item', { work_item: 'OPS-1' }],
  ['search_work_items', { query: 'gateway', limit: 5 }],
  ['list_comments', { work_item: 'OPS-1' }],
  ['list_states', { project: 'OPS' }],
  ['list_labels', { project: 'OPS' }],
  ['list_members', { project: 'OPS' }],
  ['list_cycles', { project: 'OPS' }],
  ['list_modules', { project: 'OPS' }],
  ['create_work_item', { project: 'OPS', name: 'Via the tool binding', labels: ['infra'], assignees: ['me'], idempotency_key: 'binding-create-0001' }],
  ['update_work_item', { work_item: 'OPS-2', priority: 'medium', target_date: null }],
  ['transition_work_item', { work_item: 'OPS-2', state_group: 'started' }],
  ['add_comment', { work_item: 'OPS-2', body: 'Picked up by the agent.' }],
  ['add_work_item_to_cycle', { work_item: 'OPS-2', cycle: SANDBOX_SEED.cycle.id }],
  ['add_work_item_to_module', { work_item: 'OPS-2', module: SANDBOX_SEED.module.id }],
  ['list_cycle_work_items', { project: 'OPS', cycle: SANDBOX_SEED.cycle.id }],
  ['list_module_work_items', { project: 'OPS', module: SANDBOX_SEED.module.id, limit: 10 }],
  ['update_work_item', { work_item: 'OPS-3', parent: 'OPS-2' }],
  ['list_sub_work_items', { work_item: 'OPS-2' }],
  ['add_work_item_link', { work_item: 'OPS-2', url: 'https://git.example.com/org/repo/pull/42', title: 'PR #42' }],
  ['list_work_item_links', { work_item: 'OPS-2' }],
  ['list_work_item_activity', { work_item: 'OPS-2', limit: 50 }],
  ['remove_work_item_from_cycle', { work_item: 'OPS-2', cycle: SANDBOX_SEED.cycle.id }],
  ['remove_work_item_from_module', { work_item: 'OPS-2', module: SANDBOX_SEED.module.id }],
  ['delete_work_item', { work_item: 'OPS-3', reason: 'covered by OPS-2' }],
];

describe('Tasker adapter: every Tasker tool through its contract', () => {
  let sandbox: TaskerSandbox;
  let adapter: TaskerAdapter;

  before(async () => {
    sandbox = await startSandbox();
    adapter = adapterFor(sandbox);
  });
  after(() => sandbox.close());

  it('covers every Tasker tool', () => {
    const taskerTools = contracts.list().filter((c) => c['x-gateway'].handler === 'tasker').map((c) => c.name).sort();
    expect([...new Set(CALLS.map(([tool]) => tool))].sort()).to.deep.equal(taskerTools);
  });

  for (const [tool, args] of CALLS) {
    it(`${tool} ${JSON.stringify(args)}: valid arguments in, a result matching the outputSchema out`, async () => {
      expect(contracts.validateArguments(tool, args)).to.deep.equal({ ok: true });
      const result = await runToolOperation(adapter, contracts.get(tool)['x-gateway'].operation, args, ACTOR, '*');
      expect(contracts.validateResult(tool, result)).to.deep.equal({ ok: true });
    });
  }

  it('fails closed on an operation name the adapter does not have', async () => {
    const err = await failureOf(() => runToolOperation(adapter, 'constructor', {}, ACTOR, '*'));
    expect(err.code).to.equal('internal_error');
  });
});
