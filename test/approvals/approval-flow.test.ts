import { expect } from 'chai';
import { verifyChain } from '../../src/audit/index.js';
import type { AuthenticatedAgent } from '../../src/identity/index.js';
import { sql } from '../../src/store/index.js';
import { callTool, eventsOfAgent, failureOf, newAgent, startWorld, type World } from '../decision/support.js';

const DELETER = { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write', 'delete_work_item'] };

interface ActionBody {
  id: string;
  status: string;
  tool: string;
  arguments: Record<string, unknown>;
  decision_id: string;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  decided_by: string | null;
}

/** Creates a fresh work item in OPS (directly in the sandbox, through an allowed write) to delete. */
async function freshItem(world: World, agent: AuthenticatedAgent): Promise<string> {
  const out = await callTool(world, agent, 'create_work_item', { project: 'OPS', name: `to delete ${Math.random().toString(36).slice(2)}` });
  if (out.status !== 'ok' || !out.tasker?.human_id) throw new Error('could not create a work item');
  return out.tasker.human_id;
}

function alive(world: World, humanId: string): boolean {
  const [, seq] = humanId.split('-');
  const item = world.sandbox.data.workItems.find((w) => String(w.sequence_id) === seq && w.project === world.sandbox.data.projects.find((p) => p.identifier === 'OPS')?.id);
  return !!item && item.deleted_at === null;
}

async function park(world: World, agent: AuthenticatedAgent, humanId: string, idempotencyKey?: string) {
  const out = await callTool(world, agent, 'delete_work_item', { work_item: humanId }, idempotencyKey ? { idempotencyKey } : {});
  if (out.status !== 'approval_pending') throw new Error(`expected approval_pending, got ${out.status}`);
  return out;
}

async function actionStatus(world: World, agent: AuthenticatedAgent, actionId: string) {
  const out = await callTool(world, agent, 'get_action_status', { action_id: actionId });
  if (out.status !== 'ok') throw new Error('get_action_status was not ok');
  return out.result as { status: string; result: Record<string, unknown> | null; error: { code: string } | null };
}

describe('approvals: parked actions, the owner decides, each runs at most once', function () {
  this.timeout(240_000);
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('parks a destructive call, lists it for the owner, and runs it on approval', async () => {
    const agent = await newAgent(world, DELETER);
    const humanId = await freshItem(world, agent);
    const pending = await park(world, agent, humanId);
    expect(pending.reasons.map((r) => r.code)).to.include('destructive_tool');
    expect(alive(world, humanId)).to.equal(true);
    expect((await actionStatus(world, agent, pending.actionId)).status).to.equal('pending');

    const listed = await world.client.request<{ items: ActionBody[] }>('GET', `/approvals?agent_id=${agent.agent.id}&status=pending`);
    expect(listed.status).to.equal(200);
    expect(listed.body.items.map((a) => a.id)).to.deep.equal([pending.actionId]);
    expect(listed.body.items[0]).to.include({ tool: 'delete_work_item', decision_id: pending.decisionId });
    expect(listed.body.items[0]?.arguments).to.deep.equal({ work_item: humanId });

    const approved = await world.client.request<{ action: ActionBody }>('POST', `/approvals/${pending.actionId}/approve`, { note: 'fine, it was a duplicate' });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.body.action.status).to.equal('succeeded');
    expect(approved.body.action.decided_by).to.equal('user:owner-1');
    expect(approved.body.action.result).to.include({ deleted: true, human_id: humanId });
    expect(alive(world, humanId)).to.equal(false);

    const status = await actionStatus(world, agent, pending.actionId);
    expect(status.status).to.equal('succeeded');
    expect(status.result).to.include({ human_id: humanId });

    const kinds = (await eventsOfAgent(world, agent.agent.id)).map((e) => e.kind);
    const tail = kinds.slice(kinds.indexOf('approval.requested') - 1);
    // park (decision + request), the pending status read (decision + outcome), the approval, its re-check and run, completion
    expect(tail.slice(0, 8)).to.deep.equal(['decision', 'approval.requested', 'decision', 'outcome', 'approval.approved', 'decision', 'outcome', 'approval.completed']);
  });

  it('runs an action once when it is approved twice, one after the other or at the same time', async () => {
    const agent = await newAgent(world, DELETER);
    const first = await park(world, agent, await freshItem(world, agent));
    expect((await world.client.request('POST', `/approvals/${first.actionId}/approve`, {})).status).to.equal(200);
    const again = await world.client.request<{ error: { code: string; context: { status: string } } }>('POST', `/approvals/${first.actionId}/approve`, {});
    expect(again.status).to.equal(409);
    expect(again.body.error.context.status).to.equal('succeeded');

    const humanId = await freshItem(world, agent);
    const second = await park(world, agent, humanId);
    const deletesBefore = world.sandbox.data.workItems.filter((w) => w.deleted_at !== null).length;
    const answers = await Promise.all([1, 2, 3].map(() => world.client.request('POST', `/approvals/${second.actionId}/approve`, {})));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 409, 409]);
    expect(world.sandbox.data.workItems.filter((w) => w.deleted_at !== null).length).to.equal(deletesBefore + 1);
    const outcomes = (await eventsOfAgent(world, agent.agent.id)).filter((e) => e.kind === 'outcome' && e.detail.approved_action === second.actionId);
    expect(outcomes).to.have.length(1);
  });

  it('lets the owner deny: nothing runs, and the agent sees the denial', async () => {
    const agent = await newAgent(world, DELETER);
    const humanId = await freshItem(world, agent);
    const pending = await park(world, agent, humanId);
    const denied = await world.client.request<{ action: ActionBody }>('POST', `/approvals/${pending.actionId}/deny`, { note: 'no' });
    expect(denied.status).to.equal(200);
    expect(denied.body.action.status).to.equal('denied');
    expect((await world.client.request('POST', `/approvals/${pending.actionId}/approve`, {})).status).to.equal(409);
    expect(alive(world, humanId)).to.equal(true);
    expect((await actionStatus(world, agent, pending.actionId)).status).to.equal('denied');
  });

  it('lets only the owner decide, and shows an agent only its own actions', async () => {
    const agent = await newAgent(world, DELETER);
    const other = await newAgent(world, DELETER);
    const pending = await park(world, agent, await freshItem(world, agent));
    const stranger = await world.client.as('someone-else').request<{ error: { code: string } }>('POST', `/approvals/${pending.actionId}/approve`, {});
    expect(stranger.status).to.equal(403);
    expect((await failureOf(() => callTool(world, other, 'get_action_status', { action_id: pending.actionId }))).code).to.equal('not_found');
    expect((await actionStatus(world, agent, pending.actionId)).status).to.equal('pending');
    const unauthenticated = await fetch(`${world.gw.baseUrl}/internal/v1/approvals`);
    expect(unauthenticated.status).to.equal(401);
  });

  it('expires actions past their time: the sweeper, approval and status all see it', async () => {
    const agent = await newAgent(world, DELETER);
    const a = await park(world, agent, await freshItem(world, agent));
    const b = await park(world, agent, await freshItem(world, agent));
    const em = world.gw.gateway.deps.orm.em.fork();
    await sql(em, `update pending_actions set expires_at = now() - interval '1 second' where id in (?, ?)`, [a.actionId, b.actionId]);
    const late = await world.client.request<{ error: { code: string; context: { status: string } } }>('POST', `/approvals/${a.actionId}/approve`, {});
    expect(late.status).to.equal(409);
    expect(late.body.error.context.status).to.equal('expired');
    expect(await world.stage.approvals.expireDue()).to.be.at.least(1);
    expect((await actionStatus(world, agent, b.actionId)).status).to.equal('expired');
    const expired = (await eventsOfAgent(world, agent.agent.id)).filter((e) => e.kind === 'approval.expired');
    expect(expired.map((e) => e.subject?.id).sort()).to.deep.equal([a.actionId, b.actionId].sort());
  });

  it('re-checks the policy on approval: a grant revoked meanwhile stops the action', async () => {
    const created = await world.client.createAgent();
    const grant = await world.client.createGrant(created.id, DELETER);
    const { secret: token } = await world.client.issueToken(created.id);
    // Like every request, this authentication reads the grants live at that moment.
    const auth = await world.gw.gateway.deps.identity.authenticator.authenticate(`Bearer ${token}`, '127.0.0.1');
    const humanId = await freshItem(world, auth);
    const pending = await park(world, auth, humanId);
    expect((await world.client.request('POST', `/agents/${auth.agent.id}/grants/${grant.id}/revoke`, {})).status).to.equal(200);
    const approved = await world.client.request<{ action: ActionBody }>('POST', `/approvals/${pending.actionId}/approve`, {});
    expect(approved.status).to.equal(200);
    expect(approved.body.action.status).to.equal('failed');
    expect(approved.body.action.error?.code).to.equal('denied');
    expect(alive(world, humanId)).to.equal(true);
  });

  it('fails an action left running by a gateway that stopped mid-run, and leaves a live run alone', async () => {
    const agent = await newAgent(world, DELETER);
    const left = await park(world, agent, await freshItem(world, agent));
    const live = await park(world, agent, await freshItem(world, agent));
    // What an approval leaves behind when its process dies before the run completes.
    const em = world.gw.gateway.deps.orm.em.fork();
    await sql(em, `update pending_actions set status = 'running', decided_at = now() - interval '20 minutes', decided_by = 'user:owner-1' where id = ?`, [left.actionId]);
    await sql(em, `update pending_actions set status = 'running', decided_at = now(), decided_by = 'user:owner-1' where id = ?`, [live.actionId]);
    expect(await world.stage.approvals.failInterrupted()).to.equal(1);
    const status = await actionStatus(world, agent, left.actionId);
    expect(status.status).to.equal('failed');
    expect(status.error?.code).to.equal('action_interrupted');
    expect((await actionStatus(world, agent, live.actionId)).status).to.equal('running');
    const interrupted = (await eventsOfAgent(world, agent.agent.id)).filter((e) => e.kind === 'approval.interrupted');
    expect(interrupted.map((e) => e.subject?.id)).to.deep.equal([left.actionId]);
    // A second sweep finds nothing left to do.
    expect(await world.stage.approvals.failInterrupted()).to.equal(0);
    await sql(em, `update pending_actions set status = 'failed', completed_at = now() where id = ?`, [live.actionId]);
  });

  it('finds the waiting action again when a parked write is retried with its idempotency key', async () => {
    const agent = await newAgent(world, DELETER);
    const humanId = await freshItem(world, agent);
    const first = await park(world, agent, humanId, `del-${agent.agent.id}`);
    const retry = await park(world, agent, humanId, `del-${agent.agent.id}`);
    expect(retry.actionId).to.equal(first.actionId);
    const other = await failureOf(() => callTool(world, agent, 'delete_work_item', { work_item: 'OPS-1' }, { idempotencyKey: `del-${agent.agent.id}` }));
    expect(other.code).to.equal('idempotency_key_reused');
  });

  it('pages through the listing with a cursor', async () => {
    const agent = await newAgent(world, DELETER);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await park(world, agent, await freshItem(world, agent))).actionId);
    const page1 = await world.client.request<{ items: ActionBody[]; next_cursor: string | null }>('GET', `/approvals?agent_id=${agent.agent.id}&limit=2`);
    expect(page1.body.items).to.have.length(2);
    const page2 = await world.client.request<{ items: ActionBody[]; next_cursor: string | null }>('GET', `/approvals?agent_id=${agent.agent.id}&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.next_cursor).to.equal(null);
    expect([...page1.body.items, ...page2.body.items].map((a) => a.id)).to.deep.equal([...ids].reverse());
    const bad = await world.client.request('GET', `/approvals?status=maybe`);
    expect(bad.status).to.equal(400);
  });

  it('leaves an audit chain that verifies after every approval step', async () => {
    const verdict = await verifyChain(world.gw.gateway.deps.orm.em.fork());
    expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
  });
});
