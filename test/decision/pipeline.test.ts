import type { GatewayError } from '../../src/errors/index.js';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { verifyChain } from '../../src/audit/index.js';
import { argsDigest } from '../../src/decision/index.js';
import { SCHEMAS_DIR } from '../../src/paths.js';
import { READ_GRANT, SANDBOX_SEED, callTool, eventsOfDecision, failureOf, newAgent, startWorld, toolCall, type World } from './support.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validInput = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'decision', 'input.json'), 'utf8')));

describe('decision pipeline: one path from tool call to Tasker, decided by the compiled policy', function () {
  this.timeout(240_000);
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });
  afterEach(() => world.sandbox.faults.reset());

  it('runs an allowed read end to end and records the decision and its outcome', async () => {
    const agent = await newAgent(world, READ_GRANT);
    const out = await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' });
    expect(out.status).to.equal('ok');
    if (out.status !== 'ok') return;
    expect((out.result as { work_item: { name: string } }).work_item.name).to.equal(SANDBOX_SEED.workItems['OPS-1'].name);
    expect(out.tasker).to.deep.equal({ work_item_id: SANDBOX_SEED.workItems['OPS-1'].id, human_id: 'OPS-1' });
    const [decision, outcome] = await eventsOfDecision(world, agent.agent.id, out.decisionId);
    expect(decision?.kind).to.equal('decision');
    expect(decision?.actor).to.deep.equal({ type: 'agent', id: agent.agent.id });
    expect(decision?.owner_user_id).to.equal('owner-1');
    expect(decision?.detail).to.include({ decision_id: out.decisionId, tool: 'get_work_item', result: 'allow', policy_revision: world.engine.revision, args_sha256: argsDigest({ work_item: 'OPS-1' }) });
    expect(decision?.detail.resource).to.deep.equal({ workspace: 'nodedc', project: 'OPS', work_item: 'OPS-1' });
    expect(decision?.detail.matched_grants).to.have.length(1);
    expect(outcome?.kind).to.equal('outcome');
    expect(outcome?.detail).to.include({ result: 'ok', error_code: null });
    expect(outcome?.detail.tasker).to.deep.equal(out.tasker);
    expect(outcome?.detail.latency_ms).to.be.a('number');
  });

  it('builds a decision input that schemas/decision/input.json accepts', async () => {
    const agent = await newAgent(world, { ...READ_GRANT, constraints: { write_budget_per_hour: 5, approval_required_kinds: ['destructive'] } });
    const assessment = await world.stage.pipeline.assess(toolCall(agent, 'list_work_items', { project: 'ops' }, { idempotencyKey: 'k-1' }));
    expect(validInput(assessment.input), JSON.stringify(validInput.errors)).to.equal(true);
    expect(assessment.input?.resource).to.deep.equal({ workspace: 'nodedc', project: 'OPS', work_item: null });
    // The policy reads the constraints under the names the grants API stores them.
    expect(assessment.input?.grants?.[0]?.constraints).to.deep.equal({ write_budget_per_hour: 5, approval_required_kinds: ['destructive'] });
    expect(assessment.input?.request.idempotency_key).to.equal('k-1');
    expect(assessment.verdict).to.equal('allow');
  });

  it('denies an ungranted write with its reason code, records it, and sends nothing to Tasker', async () => {
    const agent = await newAgent(world, READ_GRANT);
    const before = world.sandbox.data.workItems.length;
    const err = await failureOf(() => callTool(world, agent, 'create_work_item', { project: 'OPS', name: 'should not exist' }));
    expect(err.code).to.equal('denied');
    expect(err.status).to.equal(403);
    expect(err.reasons?.map((r) => r.code)).to.deep.equal(['no_matching_grant']);
    const decisionId = err.context?.decision_id as string;
    expect(decisionId).to.be.a('string');
    expect(world.sandbox.data.workItems.length).to.equal(before);
    const events = await eventsOfDecision(world, agent.agent.id, decisionId);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision']);
    expect(events[0]?.outcome).to.equal('denied');
    expect((events[0]?.detail.reasons as Array<{ code: string }>).map((r) => r.code)).to.deep.equal(['no_matching_grant']);
  });

  it('denies a read in a project the grant does not cover', async () => {
    const agent = await newAgent(world, READ_GRANT);
    const err = await failureOf(() => callTool(world, agent, 'get_work_item', { work_item: 'PUB-1' }));
    expect(err.code).to.equal('denied');
    expect(err.reasons?.map((r) => r.code)).to.deep.equal(['no_matching_grant']);
  });

  it('refuses bad arguments with JSON pointers and records the refusal', async () => {
    const agent = await newAgent(world, READ_GRANT);
    const err = await failureOf(() => callTool(world, agent, 'get_work_item', { work_item: 42, path: '/etc/passwd' }));
    expect(err.code).to.equal('validation_failed');
    expect(err.fields?.map((f) => f.pointer)).to.include.members(['/work_item', '/path']);
    const [decision] = await eventsOfDecision(world, agent.agent.id, err.context?.decision_id as string);
    expect(decision?.detail).to.include({ result: 'deny' });
    expect(decision?.detail.argument_errors).to.include.members(['/work_item', '/path']);
    expect((decision?.detail.reasons as Array<{ code: string }>).map((r) => r.code)).to.deep.equal(['invalid_arguments']);
  });

  it('answers not_found for an unknown tool, recorded as a denial', async () => {
    const agent = await newAgent(world, READ_GRANT);
    const err = await failureOf(() => callTool(world, agent, 'run_shell', { command: 'rm -rf /' }));
    expect(err.code).to.equal('not_found');
    expect(err.reasons?.map((r) => r.code)).to.deep.equal(['unknown_tool']);
    const [decision] = await eventsOfDecision(world, agent.agent.id, err.context?.decision_id as string);
    expect(decision?.detail).to.include({ tool: 'run_shell', result: 'deny' });
  });

  it('enforces the hourly write budget from the grant constraints, counted from recorded decisions', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'], constraints: { write_budget_per_hour: 1 } });
    const first = await callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: 'first within budget' });
    expect(first.status).to.equal('ok');
    const err = await failureOf(() => callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: 'second over budget' }));
    expect(err.code).to.equal('denied');
    expect(err.reasons?.map((r) => r.code)).to.deep.equal(['write_budget_exceeded']);
    // reads are not writes: still allowed
    expect((await callTool(world, agent, 'get_work_item', { work_item: 'OPS-2' })).status).to.equal('ok');
  });

  it('holds the hourly write budget when writes arrive together: exactly the budget runs', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'], constraints: { write_budget_per_hour: 3 } });
    const body = `together ${agent.agent.id}`;
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: `${body} ${i}` })));
    const ok = settled.filter((r) => r.status === 'fulfilled');
    const denied = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as GatewayError] : []));
    expect(ok).to.have.length(3);
    expect(denied.map((e) => e.reasons?.map((r) => r.code))).to.deep.equal(Array(7).fill(['write_budget_exceeded']));
    const comments = world.sandbox.data.comments.filter((c) => c.comment_html.includes(body));
    expect(comments).to.have.length(3);
  });

  it('holds the per-minute call limit when calls arrive together', async () => {
    const agent = await newAgent(world, { ...READ_GRANT, constraints: { calls_per_minute: 4 } });
    const settled = await Promise.allSettled(Array.from({ length: 9 }, () => callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' })));
    expect(settled.filter((r) => r.status === 'fulfilled')).to.have.length(4);
    const codes = settled.flatMap((r) => (r.status === 'rejected' ? (r.reason as GatewayError).reasons?.map((x) => x.code) ?? [] : []));
    expect(codes).to.deep.equal(Array(5).fill('call_rate_exceeded'));
  });

  it('limits calls per minute across every tool, counting the recorded calls of the agent', async () => {
    const agent = await newAgent(world, { ...READ_GRANT, constraints: { calls_per_minute: 2 } });
    expect((await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' })).status).to.equal('ok');
    expect((await callTool(world, agent, 'list_states', { project: 'OPS' })).status).to.equal('ok');
    const err = await failureOf(() => callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }));
    expect(err.reasons?.map((r) => r.code)).to.deep.equal(['call_rate_exceeded']);
  });

  it('creates one work item for a retried create with the same idempotency key', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
    const name = `idempotent ${agent.agent.id.slice(0, 8)}`;
    const first = await callTool(world, agent, 'create_work_item', { project: 'OPS', name }, { idempotencyKey: `key-${agent.agent.id}` });
    const second = await callTool(world, agent, 'create_work_item', { project: 'OPS', name }, { idempotencyKey: `key-${agent.agent.id}` });
    expect(first.status === 'ok' && first.replayed).to.equal(false);
    expect(second.status === 'ok' && second.replayed).to.equal(true);
    expect(world.sandbox.data.workItems.filter((w) => w.name === name && w.deleted_at === null)).to.have.length(1);
  });

  it('records the outcome when Tasker is down: tasker_unavailable, nothing written', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
    const name = `tasker down ${agent.agent.id.slice(0, 8)}`;
    world.sandbox.faults.failNext(10, { status: 503 });
    const err = await failureOf(() => callTool(world, agent, 'create_work_item', { project: 'OPS', name }));
    expect(err.code).to.equal('tasker_unavailable');
    const events = await eventsOfDecision(world, agent.agent.id, err.context?.decision_id as string);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome']);
    expect(events[1]?.detail).to.include({ result: 'error', error_code: 'tasker_unavailable' });
    expect(world.sandbox.data.workItems.filter((w) => w.name === name)).to.have.length(0);
  });

  it('answers whoami with the agent, its owner and its grants in plain words', async () => {
    const agent = await newAgent(world, { ...READ_GRANT, constraints: { write_budget_per_hour: 3 } });
    const out = await callTool(world, agent, 'whoami', {});
    if (out.status !== 'ok') throw new Error('whoami was not ok');
    const result = out.result as { agent: { id: string }; owner: { user_id: string }; grants: Array<{ summary: string }>; summary: string };
    expect(result.agent.id).to.equal(agent.agent.id);
    expect(result.owner.user_id).to.equal('owner-1');
    expect(result.grants[0]?.summary).to.equal('May use read tools in workspace nodedc, project OPS; at most 3 writes per hour; with no expiry.');
    expect(result.summary).to.contain('owner-1@example.com');
  });

  it('explains a call without acting, and the real call then does what explain said', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'delete_work_item'] });
    const explain = async (tool: string, args: Record<string, unknown>) => {
      const out = await callTool(world, agent, 'explain', { tool, arguments: args });
      if (out.status !== 'ok') throw new Error('explain was not ok');
      return out.result as { decision: string; reasons: Array<{ code: string }>; argument_errors: Array<{ pointer: string }>; policy_revision: string; matched_grants: string[] };
    };
    const itemsBefore = world.sandbox.data.workItems.filter((w) => w.deleted_at === null).length;

    const read = await explain('get_work_item', { work_item: 'OPS-1' });
    expect(read.decision).to.equal('allow');
    expect(read.policy_revision).to.equal(world.engine.revision);
    expect((await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' })).status).to.equal('ok');

    const write = await explain('create_work_item', { project: 'OPS', name: 'x' });
    expect(write.decision).to.equal('deny');
    const denied = await failureOf(() => callTool(world, agent, 'create_work_item', { project: 'OPS', name: 'x' }));
    expect(denied.reasons?.map((r) => r.code)).to.deep.equal(write.reasons.map((r) => r.code));

    const destructive = await explain('delete_work_item', { work_item: 'OPS-3' });
    expect(destructive.decision).to.equal('approval_required');
    expect(destructive.reasons.map((r) => r.code)).to.include('destructive_tool');
    expect(world.sandbox.data.workItems.filter((w) => w.deleted_at === null).length).to.equal(itemsBefore);
    const parked = await callTool(world, agent, 'delete_work_item', { work_item: 'OPS-3' });
    expect(parked.status).to.equal('approval_pending');
    if (parked.status === 'approval_pending') expect(parked.reasons.map((r) => r.code)).to.deep.equal(destructive.reasons.map((r) => r.code));

    const bad = await explain('get_work_item', { work_item: 'OPS-1', extra: true });
    expect(bad.decision).to.equal('deny');
    expect(bad.argument_errors.map((f) => f.pointer)).to.deep.equal(['/extra']);
  });

  it('lists only the tools the policy lets this agent see', async () => {
    const reader = await newAgent(world, READ_GRANT);
    const names = (await world.stage.pipeline.visibleTools(reader)).map((t) => t.name);
    expect(names).to.include.members(['whoami', 'explain', 'get_action_status', 'get_work_item', 'list_projects']);
    expect(names).to.not.include('create_work_item');
    expect(names).to.not.include('delete_work_item');
    const commenter = await newAgent(world, { workspace: 'nodedc', projects: '*', tools: ['add_comment'] });
    const commenterNames = (await world.stage.pipeline.visibleTools(commenter)).map((t) => t.name);
    expect(commenterNames.sort()).to.deep.equal(['add_comment', 'explain', 'get_action_status', 'whoami']);
  });

  it('writes one decision log line per call with content arguments masked', async () => {
    const agent = await newAgent(world, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
    const secretText = `very private comment ${agent.agent.id}`;
    const out = await callTool(world, agent, 'add_comment', { work_item: 'OPS-2', body: secretText });
    const lines = world.gw.logs.lines.filter((l) => l.includes(out.decisionId));
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!) as Record<string, any>;
    expect(line).to.include({ message: 'decision', decision_id: out.decisionId, policy_revision: world.engine.revision, tool: 'add_comment', agent_id: agent.agent.id, result: 'allow', status: 'ok' });
    expect(line.latency_ms).to.be.a('number');
    expect(line.arguments).to.deep.equal({ work_item: 'OPS-2', body: '[masked]' });
    expect(world.gw.logs.text()).to.not.contain(secretText);
  });

  it('leaves an audit chain that verifies', async () => {
    const verdict = await verifyChain(world.gw.gateway.deps.orm.em.fork());
    expect(verdict, JSON.stringify(verdict)).to.include({ ok: true });
  });
});
