import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Mediator } from '../../src/mediator/index.js';
import {
  SANDBOX_SEED, action, adapterFor, closedPort, countPosts, failureOf, itemsNamed, newAgent, newKey, startWorld, storedRecord,
  type MediatorWorld,
} from './support.js';

const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

describe('mediator: running approved actions', () => {
  let world: MediatorWorld;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());
  afterEach(() => world.sandbox.faults.reset());

  it('runs a read and returns the validated result with its Tasker reference', async () => {
    const out = await world.mediator.execute(action(world, 'get_work_item', { work_item: 'OPS-1' }, newAgent()));
    expect(out.tool).to.equal('get_work_item');
    expect(out.replayed).to.equal(false);
    expect(out.tasker).to.deep.equal({ work_item_id: SANDBOX_SEED.workItems['OPS-1'].id, human_id: 'OPS-1' });
    expect((out.result as { work_item: { name: string } }).work_item.name).to.equal(SANDBOX_SEED.workItems['OPS-1'].name);
    expect(out.latencyMs).to.be.a('number').and.at.least(0);
    expect(world.registry.validateResult('get_work_item', out.result)).to.deep.equal({ ok: true });
  });

  it('writes as the agent for its owner: the attribution names both', async () => {
    const agent = { ...newAgent(), display_name: 'codex-on-laptop' };
    const name = uniqueName('attributed');
    const out = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, newKey()));
    const stored = world.sandbox.data.workItems.find((w) => w.id === out.tasker?.work_item_id);
    expect(stored?.description_html).to.contain('codex-on-laptop').and.contain(agent.owner_email);
  });

  it('refuses a tool the gateway answers itself, an unknown tool and invalid arguments', async () => {
    const agent = newAgent();
    expect((await failureOf(() => world.mediator.execute(action(world, 'whoami', {}, agent)))).code).to.equal('internal_error');
    const unknown = { ...action(world, 'get_work_item', { work_item: 'OPS-1' }, agent), tool: { ...world.registry.get('get_work_item'), name: 'run_shell' } };
    expect((await failureOf(() => world.mediator.execute(unknown))).code).to.equal('not_found');
    const invalid = await failureOf(() => world.mediator.execute(action(world, 'get_work_item', { work_item: 'OPS-1', path: '/etc' }, agent)));
    expect(invalid.code).to.equal('validation_failed');
  });

  it('retries a Tasker 503 and succeeds with one work item', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('503 then ok');
    world.sandbox.faults.failNext(1, { methods: ['POST'], status: 503 });
    const { value: out, posts } = await countPosts(world.sandbox, () => world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key)));
    expect(out.replayed).to.equal(false);
    expect(posts).to.equal(2);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
    expect((await storedRecord(world.orm, agent.id, key))?.status).to.equal('succeeded');
  });

  it('answers tasker_unavailable when Tasker keeps failing, stores nothing, and frees the key for a retry', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = uniqueName('503 forever');
    world.sandbox.faults.failNext(10, { methods: ['POST'], status: 503 });
    const err = await failureOf(() => world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key)));
    expect(err.code).to.equal('tasker_unavailable');
    expect(err.message).to.not.match(/nginx|<html/i);
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);
    expect(itemsNamed(world.sandbox, name)).to.equal(0);

    world.sandbox.faults.reset();
    const retried = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(retried.replayed).to.equal(false);
    expect(itemsNamed(world.sandbox, name)).to.equal(1);
  });

  it('answers tasker_unavailable when Tasker is down, and nothing is stored as a success', async () => {
    const down = adapterFor(world.sandbox, { baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const mediator = new Mediator({ orm: world.orm, adapter: down, registry: world.registry });
    const agent = newAgent();
    const key = newKey();
    const write = await failureOf(() => mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('down') }, agent, key)));
    expect(write.code).to.equal('tasker_unavailable');
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);
    const read = await failureOf(() => mediator.execute(action(world, 'list_projects', {}, agent)));
    expect(read.code).to.equal('tasker_unavailable');
  });

  it('answers throttled when Tasker asks to wait longer than the adapter may', async () => {
    world.sandbox.faults.throttleNext(5, { retryAfterSeconds: 3600 });
    const err = await failureOf(() => world.mediator.execute(action(world, 'list_projects', {}, newAgent())));
    expect(err.code).to.equal('throttled');
  });

  it('answers not_found for a work item Tasker does not have', async () => {
    const err = await failureOf(() => world.mediator.execute(action(world, 'get_work_item', { work_item: 'OPS-99999' }, newAgent())));
    expect(err.code).to.equal('not_found');
  });

  it('answers tasker_rejected with the reason Tasker gave when it refuses a write, and frees the key', async () => {
    const agent = newAgent();
    const key = newKey();
    const args = { project: 'OPS', name: uniqueName('bad dates'), start_date: '2026-05-01', target_date: '2026-04-01' };
    const err = await failureOf(() => world.mediator.execute(action(world, 'create_work_item', args, agent, key)));
    expect(err.code).to.equal('tasker_rejected');
    expect(err.fields?.map((f) => f.message).join(' ')).to.match(/start date/i);
    expect(err).to.not.have.property('body');
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);
  });

  it('never passes on a result that breaks the output contract', async () => {
    const agent = newAgent();
    const created = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name: uniqueName('odd priority') }, agent));
    const raw = world.sandbox.data.workItems.find((w) => w.id === created.tasker?.work_item_id)!;
    // A Tasker fork that grew a priority the contract does not know.
    (raw as { priority: string }).priority = 'critical';
    const humanId = created.tasker?.human_id as string;

    const read = await failureOf(() => world.mediator.execute(action(world, 'get_work_item', { work_item: humanId }, agent)));
    expect(read.code).to.equal('internal_error');
    expect(read.context).to.include({ reason: 'result_contract' });
    expect(JSON.stringify(read)).to.not.contain('critical');

    const key = newKey();
    const write = await failureOf(() => world.mediator.execute(action(world, 'update_work_item', { work_item: humanId, name: 'renamed' }, agent, key)));
    expect(write.code).to.equal('internal_error');
    expect(await storedRecord(world.orm, agent.id, key)).to.equal(undefined);

    raw.priority = 'low';
    const retried = await world.mediator.execute(action(world, 'update_work_item', { work_item: humanId, name: 'renamed' }, agent, key));
    expect((retried.result as { work_item: { priority: string; name: string } }).work_item).to.include({ priority: 'low', name: 'renamed' });
  });
});
