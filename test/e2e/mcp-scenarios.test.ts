import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'chai';
import { SANDBOX_SEED } from '../../src/tasker/index.js';
import { READ_OPS, WORKSPACE, WRITE_OPS, decisionEvents, errorBodyOf, mcpClient, newAgent, sandboxItems, startStack, type Stack } from './support.js';

const GATEWAY_TOOLS = ['explain', 'get_action_status', 'whoami'];

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('e2e over MCP: the SDK client against the whole gateway (policy, sandbox, PostgreSQL)', function () {
  this.timeout(180_000);
  let stack: Stack;
  const clients: Client[] = [];

  async function agentClient(grant?: Record<string, unknown>): Promise<{ client: Client; agentId: string; tokenId: string }> {
    const agent = await newAgent(stack, grant);
    const client = await mcpClient(stack, agent.token);
    clients.push(client);
    return { client, agentId: agent.agentId, tokenId: agent.tokenId };
  }

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stack?.close();
  });
  afterEach(() => stack.sandbox.faults.reset());

  it('lists exactly the tools each agent could be allowed to call', async () => {
    const registry = stack.context.registry;
    const reads = registry.list().filter((c) => c['x-gateway'].kind === 'read' && c['x-gateway'].handler === 'tasker').map((c) => c.name);
    const reader = await agentClient(READ_OPS);
    const commenter = await agentClient({ workspace: WORKSPACE, projects: ['OPS'], tools: ['add_comment', 'get_work_item'] });
    const nobody = await agentClient();
    const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name).sort();
    expect(await names(reader.client)).to.deep.equal([...reads, ...GATEWAY_TOOLS].sort());
    expect(await names(commenter.client)).to.deep.equal(['add_comment', 'get_work_item', ...GATEWAY_TOOLS].sort());
    expect(await names(nobody.client)).to.deep.equal(GATEWAY_TOOLS);
    const listed = (await reader.client.listTools()).tools.find((t) => t.name === 'list_work_items')!;
    expect(listed.annotations).to.deep.equal(registry.get('list_work_items').annotations);
    expect(listed.outputSchema).to.deep.equal(registry.get('list_work_items').outputSchema);
    expect(listed.inputSchema).to.deep.equal(registry.get('list_work_items').inputSchema);
  });

  it('runs an allowed read and returns structured content plus text', async () => {
    const { client } = await agentClient(READ_OPS);
    const result = await callTool(client, 'list_work_items', { project: 'OPS' });
    expect(result.isError ?? false).to.equal(false);
    const items = (result.structuredContent as { items: { human_id: string }[] }).items.map((i) => i.human_id);
    expect(items).to.include('OPS-1');
    expect(JSON.parse((result.content[0] as { text: string }).text)).to.deep.equal(result.structuredContent);
  });

  it('denies a write without a grant: isError with the policy reason codes, nothing written', async () => {
    const { client } = await agentClient(READ_OPS);
    const result = await callTool(client, 'create_work_item', { project: 'OPS', name: 'mcp denied write' });
    const error = errorBodyOf(result);
    expect(error.code).to.equal('denied');
    expect(error.reasons!.map((r) => r.code)).to.include('no_matching_grant');
    expect(error.context?.decision_id).to.be.a('string');
    expect(sandboxItems(stack, 'mcp denied write')).to.equal(0);
  });

  it('rejects bad arguments with isError and JSON pointers to the failing fields', async () => {
    const { client } = await agentClient(READ_OPS);
    const error = errorBodyOf(await callTool(client, 'list_work_items', { project: 'OPS', limit: 1000, colour: 'red' }));
    expect(error.code).to.equal('validation_failed');
    const pointers = error.fields!.map((f) => f.pointer);
    expect(pointers).to.include('/limit');
    expect(pointers.some((p) => p === '/colour' || p === '')).to.equal(true);
  });

  it('parks a destructive call for approval and completes it once the owner approves', async () => {
    const { client } = await agentClient(WRITE_OPS);
    // A parked call is pending, not failed: no isError (Codex shows isError as "failed"), and the
    // SDK client accepted its structured content against the tool's outputSchema.
    const parked = await callTool(client, 'delete_work_item', { work_item: 'OPS-3', reason: 'duplicate' });
    expect(parked.isError ?? false, JSON.stringify(parked)).to.equal(false);
    const pending = parked.structuredContent as { status: string; action_id: string; next: string };
    expect(pending.status).to.equal('approval_pending');
    expect(pending.next).to.include('get_action_status');
    expect((parked.content[0] as { text: string }).text).to.match(/^Pending approval: .*get_action_status/);
    const actionId = pending.action_id;
    const before = await callTool(client, 'get_action_status', { action_id: actionId });
    expect((before.structuredContent as { status: string }).status).to.equal('pending');
    expect(stack.sandbox.data.workItems.find((w) => w.id === SANDBOX_SEED.workItems['OPS-3'].id)!.deleted_at).to.equal(null);
    const approved = await stack.client.request('POST', `/approvals/${actionId}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    const after = await callTool(client, 'get_action_status', { action_id: actionId });
    expect((after.structuredContent as { status: string }).status).to.equal('succeeded');
    const item = stack.sandbox.data.workItems.find((w) => w.id === SANDBOX_SEED.workItems['OPS-3'].id);
    expect(item === undefined || item.deleted_at !== null).to.equal(true);
  });

  it('creates one work item when a create is retried with the same idempotency key', async () => {
    const { client } = await agentClient(WRITE_OPS);
    const args = { project: 'OPS', name: 'mcp idempotent create', idempotency_key: 'mcp-create-0001' };
    const first = await callTool(client, 'create_work_item', args);
    const second = await callTool(client, 'create_work_item', args);
    expect(first.isError ?? false, JSON.stringify(first)).to.equal(false);
    const id = (r: CallToolResult) => (r.structuredContent as { work_item: { id: string } }).work_item.id;
    expect(id(second)).to.equal(id(first));
    expect(sandboxItems(stack, 'mcp idempotent create')).to.equal(1);
  });

  it('rides out one Tasker 503 (the adapter retries) and answers with the result', async () => {
    const { client } = await agentClient(READ_OPS);
    stack.sandbox.faults.failNext(1, { status: 503 });
    const result = await callTool(client, 'get_work_item', { work_item: 'OPS-1' });
    expect(result.isError ?? false, JSON.stringify(result)).to.equal(false);
    expect(stack.sandbox.faults.stats.failed).to.equal(1);
  });

  it('reports tasker_unavailable when Tasker is down (every request answered 503), records the outcome and leaves nothing half-done', async () => {
    const { client, agentId } = await agentClient(WRITE_OPS);
    // A dropped connection after the request was sent is an unknown outcome (test/e2e/write-outcomes.test.ts);
    // a Tasker that answers 503 to everything is down for certain: nothing was applied.
    stack.sandbox.faults.failNext(100, { status: 503 });
    const error = errorBodyOf(await callTool(client, 'create_work_item', { project: 'OPS', name: 'mcp while down', idempotency_key: 'mcp-down-0001' }));
    stack.sandbox.faults.reset();
    expect(error.code).to.equal('tasker_unavailable');
    const events = await decisionEvents(stack, agentId, error.context!.decision_id as string);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision', 'outcome']);
    expect(events[1]!.detail.error_code).to.equal('tasker_unavailable');
    expect(sandboxItems(stack, 'mcp while down')).to.equal(0);
    // The key was released: a retry once Tasker is back performs the write, once.
    const retry = await callTool(client, 'create_work_item', { project: 'OPS', name: 'mcp while down', idempotency_key: 'mcp-down-0001' });
    expect(retry.isError ?? false, JSON.stringify(retry)).to.equal(false);
    expect(sandboxItems(stack, 'mcp while down')).to.equal(1);
  });

  it('answers 401 on the next call once the token is revoked mid-session', async () => {
    const { client, agentId, tokenId } = await agentClient(READ_OPS);
    expect((await callTool(client, 'whoami', {})).isError ?? false).to.equal(false);
    const revoked = await stack.client.request('POST', `/agents/${agentId}/tokens/${tokenId}/revoke`, {});
    expect(revoked.status, revoked.text).to.be.oneOf([200, 204]);
    let failure: unknown;
    try {
      await callTool(client, 'whoami', {});
    } catch (err) {
      failure = err;
    }
    // The SDK's StreamableHTTPError carries the HTTP status as `code`; the body is the uniform error.
    expect((failure as { code?: number }).code).to.equal(401);
    expect(String(failure)).to.contain('unauthenticated');
  });

  it('explains a call the way the real call then goes', async () => {
    const { client } = await agentClient(READ_OPS);
    const denied = await callTool(client, 'explain', { tool: 'add_comment', arguments: { work_item: 'OPS-1', body: 'hello' } });
    const deniedExplained = denied.structuredContent as { decision: string; reasons: { code: string }[] };
    expect(deniedExplained.decision).to.equal('deny');
    const real = errorBodyOf(await callTool(client, 'add_comment', { work_item: 'OPS-1', body: 'hello' }));
    expect(real.reasons!.map((r) => r.code).sort()).to.deep.equal(deniedExplained.reasons.map((r) => r.code).sort());
    const allowed = await callTool(client, 'explain', { tool: 'get_work_item', arguments: { work_item: 'OPS-1' } });
    expect((allowed.structuredContent as { decision: string }).decision).to.equal('allow');
    expect((await callTool(client, 'get_work_item', { work_item: 'OPS-1' })).isError ?? false).to.equal(false);
  });

  it('refuses a foreign Origin before authenticating, and serves a configured one', async () => {
    const { token } = await newAgent(stack, READ_OPS);
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const headers = (origin: string) => ({ authorization: `Bearer ${token}`, origin, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' });
    const foreign = await fetch(`${stack.baseUrl}/mcp`, { method: 'POST', headers: headers('https://evil.example'), body: JSON.stringify(body) });
    expect(foreign.status).to.equal(403);
    const allowed = await fetch(`${stack.baseUrl}/mcp`, { method: 'POST', headers: headers('https://launcher.nodedc.example'), body: JSON.stringify(body) });
    expect(allowed.status).to.equal(200);
    expect(((await allowed.json()) as { result: { tools: unknown[] } }).result.tools.length).to.be.greaterThan(3);
  });

  it('is ready with the policy loaded and announces both front doors in its capabilities', async () => {
    const ready = await fetch(`${stack.baseUrl}/readyz`).then((r) => r.json() as Promise<{ status: string; checks: Record<string, string> }>);
    expect(ready.status).to.equal('ready');
    expect(ready.checks.policy).to.equal('ok');
    const caps = await fetch(`${stack.baseUrl}/api/v1/meta/capabilities`).then((r) => r.json() as Promise<Record<string, any>>);
    expect(caps.mcp.endpoint).to.equal('/mcp');
    expect(caps.mcp.protocol_versions).to.include('2025-06-18');
    expect(caps.rest.openapi).to.equal('/api/v1/openapi.json');
    expect(caps.tasker.mode).to.equal('sandbox');
  });

  it('answers 405 to GET (stateless: no server-to-client stream) and 401 without a token', async () => {
    const get = await fetch(`${stack.baseUrl}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(get.status).to.equal(405);
    const anonymous = await fetch(`${stack.baseUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Bearer/);
  });
});
