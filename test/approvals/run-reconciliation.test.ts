import { expect } from 'chai';
import { silentLogger } from '../../src/log/index.js';
import { InstanceLock } from '../../src/mediator/index.js';
import { startReconciling } from '../../src/gateway/write-reconciliation.js';
import { sql } from '../../src/store/index.js';
import { TaskerAdapter } from '../../src/tasker/index.js';
import { testDatabaseUrl } from '../support/index.js';
import { callTool, eventsOfAgent, newAgent, startWorld, type World } from '../decision/support.js';

const DELETER = { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write', 'delete_work_item'] };
const ITEM_PATH = /\/work-items\/[0-9a-f-]{36}\/$/;

describe('approvals: an approved action whose outcome is unknown, or whose gateway died, is settled against Tasker', function () {
  this.timeout(90_000);
  let world: World;
  let lock: InstanceLock;
  let stop: () => void;

  before(async () => {
    world = await startWorld();
    lock = await InstanceLock.acquire(testDatabaseUrl(), silentLogger());
    // Settings as the world's own adapter: one 2 s attempt, 3 s of read-back, 5 s deadline.
    const adapter = new TaskerAdapter({ baseUrl: world.sandbox.url, apiKey: world.sandbox.apiKeys.admin, workspace: world.sandbox.workspace, timeoutMs: 2_000, deadlineMs: 5_000 });
    stop = startReconciling(world.gw.gateway.deps, world.stage, adapter, lock);
  });
  after(async () => {
    stop();
    await lock.close();
    await world.close();
  });

  async function parkedDelete(agent: Awaited<ReturnType<typeof newAgent>>): Promise<{ actionId: string; itemId: string }> {
    const created = await callTool(world, agent, 'create_work_item', { project: 'OPS', name: `approved unknown ${Math.random()}` });
    if (created.status !== 'ok' || !created.tasker?.human_id || !created.tasker.work_item_id) throw new Error('could not create a work item');
    const parked = await callTool(world, agent, 'delete_work_item', { work_item: created.tasker.human_id });
    if (parked.status !== 'approval_pending') throw new Error(`expected approval_pending, got ${parked.status}`);
    return { actionId: parked.actionId, itemId: created.tasker.work_item_id };
  }

  it('a run whose answer is lost stays running (outcome_unknown) and is completed once Tasker shows the delete', async () => {
    const agent = await newAgent(world, DELETER);
    const { actionId, itemId } = await parkedDelete(agent);
    // The delete lands only after the attempt (2 s) and the read-back (3 s) have given up.
    world.sandbox.faults.applyLateNext(1, { path: ITEM_PATH, methods: ['DELETE'], delayMs: 6_000 });
    const approved = await world.client.request<{ action: { status: string } }>('POST', `/approvals/${actionId}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.body.action.status, 'not failed: its outcome is unknown').to.equal('running');
    for (let i = 0; i < 100 && !world.sandbox.data.workItems.find((w) => w.id === itemId)?.deleted_at; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.sandbox.data.workItems.find((w) => w.id === itemId)?.deleted_at, 'Tasker applied the delete late').to.be.a('string');
    expect(await world.stage.approvals.reconcileRuns()).to.equal(1);
    const action = await world.stage.approvals.get(actionId);
    expect(action.status).to.equal('succeeded');
    const kinds = (await eventsOfAgent(world, agent.agent.id)).filter((e) => e.subject?.id === actionId).map((e) => e.kind);
    expect(kinds).to.include.members(['approval.approved', 'approval.outcome_unknown', 'approval.completed']);
  });

  it('a run left by a gateway that is gone and never reached Tasker fails at once as action_interrupted, not after ten minutes', async () => {
    const agent = await newAgent(world, DELETER);
    const { actionId, itemId } = await parkedDelete(agent);
    // What a crash right after the approval leaves: running, held by a lock nobody holds, no run decision.
    await sql(world.gw.gateway.deps.orm.em.fork(), `update pending_actions set status = 'running', decided_at = now(), decided_by = 'user:owner-1', holder_lock = 4242 where id = ?`, [actionId]);
    expect(await world.stage.approvals.reconcileRuns()).to.equal(1);
    const action = await world.stage.approvals.get(actionId);
    expect(action.status).to.equal('failed');
    expect(action.error?.code).to.equal('action_interrupted');
    expect(action.error?.message).to.include('nothing was done');
    expect(world.sandbox.data.workItems.find((w) => w.id === itemId)?.deleted_at).to.equal(null);
  });

  it('leaves a run alone while its gateway lives', async () => {
    const agent = await newAgent(world, DELETER);
    const { actionId } = await parkedDelete(agent);
    await sql(world.gw.gateway.deps.orm.em.fork(), `update pending_actions set status = 'running', decided_at = now() - interval '1 hour', decided_by = 'user:owner-1', holder_lock = ?::bigint where id = ?`, [lock.key, actionId]);
    await world.stage.approvals.reconcileRuns();
    expect((await world.stage.approvals.get(actionId)).status).to.equal('running');
    await sql(world.gw.gateway.deps.orm.em.fork(), `update pending_actions set status = 'failed', completed_at = now() where id = ?`, [actionId]);
  });
});
