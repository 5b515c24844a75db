import { expect } from 'chai';
import { PolicyEngine } from '../../src/policy/index.js';
import { READ_GRANT, callTool, eventsOfDecision, failureOf, newAgent, quietPolicyLogger, startWorld, type World } from './support.js';

describe('decision pipeline without a policy: fails closed and records it', function () {
  this.timeout(60_000);
  let world: World;

  before(async () => {
    // An engine that never loaded a build: what a missing or corrupt policy bundle leaves behind.
    world = await startWorld({ engine: new PolicyEngine({ logger: quietPolicyLogger }) });
  });
  after(async () => {
    await world?.close();
  });

  it('denies a granted read with policy_unavailable, records the denial, and never calls Tasker', async () => {
    const agent = await newAgent(world, READ_GRANT);
    world.sandbox.faults.setLatency(1);
    const before = world.sandbox.faults.stats.delayed;
    const err = await failureOf(() => callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }));
    const tasker = world.sandbox.faults.stats.delayed - before;
    world.sandbox.faults.reset();
    expect(err.code).to.equal('policy_unavailable');
    expect(err.status).to.equal(503);
    expect(tasker).to.equal(0);
    const events = await eventsOfDecision(world, agent.agent.id, err.context?.decision_id as string);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision']);
    expect(events[0]?.detail).to.include({ result: 'deny', policy_revision: null });
    expect((events[0]?.detail.reasons as Array<{ code: string }>).map((r) => r.code)).to.deep.equal(['policy_unavailable']);
  });

  it('denies even the self-service tools and lists no tools', async () => {
    const agent = await newAgent(world, READ_GRANT);
    expect((await failureOf(() => callTool(world, agent, 'whoami', {}))).code).to.equal('policy_unavailable');
    expect((await failureOf(() => world.stage.pipeline.visibleTools(agent))).code).to.equal('policy_unavailable');
  });

  it('reports the gateway as not ready', async () => {
    const res = await fetch(`${world.gw.baseUrl}/readyz`);
    expect(res.status).to.equal(503);
    expect(await res.text()).to.contain('policy');
  });
});
