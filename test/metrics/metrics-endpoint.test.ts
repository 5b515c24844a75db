import { expect } from 'chai';
import { READ_GRANT, callTool, failureOf, newAgent, startWorld, type World } from '../decision/support.js';

describe('metrics: /metrics in the Prometheus text format', function () {
  this.timeout(240_000);
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('counts requests, decisions by result, Tasker calls by outcome, and observes latencies', async () => {
    const agent = await newAgent(world, READ_GRANT);
    await callTool(world, agent, 'get_work_item', { work_item: 'OPS-1' }, { transport: 'mcp' });
    await failureOf(() => callTool(world, agent, 'create_work_item', { project: 'OPS', name: 'x' }));
    await failureOf(() => callTool(world, agent, 'no_such_tool', {}));
    const res = await fetch(`${world.gw.baseUrl}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).to.contain('agent_gateway_tool_requests_total{transport="mcp",tool="get_work_item",status="ok"} 1');
    expect(text).to.contain('agent_gateway_tool_requests_total{transport="rest",tool="create_work_item",status="denied"} 1');
    expect(text).to.contain('agent_gateway_tool_requests_total{transport="rest",tool="unknown",status="not_found"} 1');
    expect(text).to.contain('agent_gateway_decisions_total{result="allow",tool="get_work_item"} 1');
    expect(text).to.contain('agent_gateway_decisions_total{result="deny",tool="create_work_item"} 1');
    expect(text).to.contain('agent_gateway_tasker_calls_total{tool="get_work_item",outcome="ok"} 1');
    expect(text).to.match(/agent_gateway_tool_request_duration_seconds_count\{transport="mcp",status="ok"\} 1/);
    expect(text).to.match(/agent_gateway_policy_evaluation_duration_seconds_count\{entrypoint="gateway\/decision"\} 2/);
    expect(text).to.match(/agent_gateway_tasker_call_duration_seconds_bucket\{le="10",tool="get_work_item",outcome="ok"\} 1/);
    expect(text).to.contain('agent_gateway_process_cpu_seconds_total');
  });
});
