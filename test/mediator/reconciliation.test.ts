import { expect } from 'chai';
import { AuditLog, type AuditRecord } from '../../src/audit/index.js';
import { ContractRegistry } from '../../src/contracts/index.js';
import { MEDIATOR_ENTITIES, Mediator, WriteReconciler } from '../../src/mediator/index.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { startTaskerSandbox, type TaskerSandbox } from '../../src/tasker/index.js';
import { testDatabaseUrl } from '../support/index.js';
import { action, adapterFor, failureOf, itemsNamed, newAgent, newKey, storedRecord, type MediatorWorld } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;
const SETTLE_MS = 1_500;

describe('mediator: writes whose outcome is unknown are recorded as such and reconciled', function () {
  this.timeout(60_000);
  let sandbox: TaskerSandbox;
  let orm: Orm;
  let world: MediatorWorld;
  let reconciler: WriteReconciler;
  const audit = new AuditLog();

  before(async () => {
    sandbox = await startTaskerSandbox({ rateLimit: '100000/minute' });
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 8, entities: MEDIATOR_ENTITIES });
    const registry = ContractRegistry.load();
    // One short attempt and a short read-back, so an unknown outcome comes quickly.
    const adapter = adapterFor(sandbox, { timeoutMs: 200, confirmMs: 200 });
    const mediator = new Mediator({ orm, adapter, registry }, { recheckMs: 0 });
    reconciler = new WriteReconciler({ orm, adapter, registry, audit, holderLock: null }, { settleMs: SETTLE_MS, intervalMs: 100 });
    world = { sandbox, orm, registry, adapter, mediator, close: async () => undefined };
  });
  after(async () => {
    await sandbox.close();
    await orm.close(true);
  });
  beforeEach(() => sandbox.faults.reset());

  async function reconciledEvents(decisionId: string): Promise<AuditRecord[]> {
    const page = await audit.query(orm.em.fork(), { kind: 'tool.reconciled' }, 200);
    return page.items.filter((e) => e.subject?.id === decisionId);
  }

  async function journalStatus(decisionId: string): Promise<string | undefined> {
    const [row] = await sql<{ status: string }>(orm.em.fork(), 'select status from tasker_writes where decision_id = ?', [decisionId]);
    return row?.status;
  }

  it('answers tasker_outcome_unknown naming the decision and the retry, keeps the key, and a later look finds the item', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = `Unknown then found ${key}`;
    // Tasker takes the create and applies it only after the attempt and the read-back gave up.
    sandbox.faults.applyLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: 700 });
    const first = action(world, 'create_work_item', { project: 'OPS', name }, agent, key);
    const err = await failureOf(() => world.mediator.execute(first));
    expect(err.code).to.equal('tasker_outcome_unknown');
    expect(err.message).to.include(first.decisionId).and.to.include('Retry with the same idempotency key');
    expect(err.context).to.include({ decision_id: first.decisionId });
    expect(await journalStatus(first.decisionId)).to.equal('unknown');
    expect((await storedRecord(orm, agent.id, key))?.status, 'the key stays held').to.equal('in_progress');

    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await reconciler.reconcileDue()).to.be.at.least(1);
    expect(await journalStatus(first.decisionId)).to.equal(undefined);
    const [event] = await reconciledEvents(first.decisionId);
    expect(event?.outcome).to.equal('success');
    expect(event?.detail).to.include({ found: true, was: 'outcome_unknown', idempotency_key: 'completed', tool: 'create_work_item' });

    // The retry with the key replays what the reconciler found: one item, no second POST.
    const writesBefore = sandbox.faults.stats.writes;
    const retry = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(retry.replayed).to.equal(true);
    expect(retry.executedUnderDecisionId).to.equal(first.decisionId);
    expect(sandbox.faults.stats.writes).to.equal(writesBefore);
    expect(itemsNamed(sandbox, name)).to.equal(1);
    expect((retry.result as { work_item: { name: string } }).work_item.name).to.equal(name);
  });

  it('a write Tasker never applied is released once the settle time has passed, and the retry runs it once', async () => {
    const agent = newAgent();
    const key = newKey();
    const name = `Unknown never applied ${key}`;
    sandbox.faults.hangNext(1, { path: CREATE_PATH, methods: ['POST'] });
    const first = action(world, 'create_work_item', { project: 'OPS', name }, agent, key);
    expect((await failureOf(() => world.mediator.execute(first))).code).to.equal('tasker_outcome_unknown');
    // Before the settle time, "not there" proves nothing: the row stays.
    await reconciler.reconcileDue();
    expect(await journalStatus(first.decisionId)).to.equal('unknown');
    expect(await reconciledEvents(first.decisionId)).to.have.length(0);

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await reconciler.reconcileDue();
    const [event] = await reconciledEvents(first.decisionId);
    expect(event?.outcome).to.equal('failure');
    expect(event?.detail).to.include({ found: false, idempotency_key: 'released' });
    expect(await storedRecord(orm, agent.id, key)).to.equal(undefined);

    const retry = await world.mediator.execute(action(world, 'create_work_item', { project: 'OPS', name }, agent, key));
    expect(retry.replayed).to.equal(false);
    expect(itemsNamed(sandbox, name)).to.equal(1);
  });

  it('an unkeyed create whose answer is lost is found by its decision-derived external id and reconciled', async () => {
    const agent = newAgent();
    const name = `Unkeyed unknown ${Date.now()}`;
    sandbox.faults.applyLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: 700 });
    const first = action(world, 'create_work_item', { project: 'OPS', name }, agent);
    const err = await failureOf(() => world.mediator.execute(first));
    expect(err.code).to.equal('tasker_outcome_unknown');
    expect(err.message).to.include(first.decisionId).and.to.include('retry with the same idempotency key');
    await new Promise((resolve) => setTimeout(resolve, 800));
    await reconciler.reconcileDue();
    const [event] = await reconciledEvents(first.decisionId);
    expect(event?.detail).to.include({ found: true, idempotency_key: null });
    expect((event?.detail.tasker as { human_id?: string }).human_id).to.match(/^OPS-\d+$/);
    expect(itemsNamed(sandbox, name)).to.equal(1);
  });

  it('a write with a definite failure leaves nothing in the journal', async () => {
    const agent = newAgent();
    const first = action(world, 'create_work_item', { project: 'OPS', name: 'Rejected', labels: ['no-such-label'] }, agent, newKey());
    expect((await failureOf(() => world.mediator.execute(first))).code).to.equal('validation_failed');
    expect(await journalStatus(first.decisionId)).to.equal(undefined);
  });
});
