import { expect } from 'chai';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { WRITE_OPS, decisionEvents, newAgent, startStack, type Stack } from '../e2e/support.js';

/**
 * Issue 14, section 5: the protocol edges of `/mcp` on the whole gateway (real PostgreSQL, policy,
 * sandbox). JSON-RPC errors are numbered as the specification says, with short messages, and a
 * browser page of the gateway's own origin is served even with MCP_ALLOWED_ORIGINS unset.
 */
describe('mcp: JSON-RPC errors and the own origin at the edges of /mcp', function () {
  this.timeout(120_000);
  let stack: Stack;
  let token: string;
  let agentId: string;
  let port: string;

  before(async () => {
    stack = await startStack([]); // MCP_ALLOWED_ORIGINS unset
    ({ token, agentId } = await newAgent(stack, WRITE_OPS));
    port = new URL(stack.baseUrl).port;
  });
  after(async () => {
    await stack?.close();
  });

  async function post(raw: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${stack.baseUrl}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
      body: raw,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const rpc = (id: number, method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

  function expectShortError(body: any, id: number | null, code: number): void {
    expect(body.jsonrpc).to.equal('2.0');
    expect(body.id).to.equal(id);
    expect(body.error.code).to.equal(code);
    expect(body.error.message.length, body.error.message).to.be.below(120);
    expect(body.error.message).not.to.match(/invalid_type|"path"|\n/);
    expect(body).not.to.have.property('result');
  }

  it('answers a body that is not JSON with -32700 and id null', async () => {
    const res = await post('{"jsonrpc": "2.0", "id": 1, ');
    expect(res.status).to.equal(400);
    expectShortError(res.body, null, -32700);
  });

  it('answers an empty batch and JSON that is no JSON-RPC message with -32600', async () => {
    for (const raw of ['[]', '{"foo": 1}', '42', '[{"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"nope": true}]']) {
      const res = await post(raw);
      expect(res.status, raw).to.equal(400);
      expectShortError(res.body, null, -32600);
    }
    const withId = await post('{"jsonrpc": "1.0", "id": 9, "method": "ping"}');
    expectShortError(withId.body, 9, -32600);
  });

  it('answers tools/call without a usable name or with non-object arguments with a short -32602', async () => {
    for (const params of [undefined, {}, { name: 42 }, { name: '' }, { name: 'get_work_item', arguments: 'OPS-1' }]) {
      const res = await post(rpc(7, 'tools/call', params));
      expect(res.status, JSON.stringify(params)).to.equal(200);
      expectShortError(res.body, 7, -32602);
    }
  });

  it('answers an unknown tool with -32602 and still records the refused decision', async () => {
    const res = await post(rpc(8, 'tools/call', { name: 'launch_rockets', arguments: {} }));
    expectShortError(res.body, 8, -32602);
    expect(res.body.error.message).to.equal('Unknown tool: launch_rockets.');
    const page = await stack.gw.gateway.deps.audit.query(stack.gw.gateway.deps.orm.em.fork(), { agentId }, 50);
    const decision = page.items.find((e) => e.kind === 'decision' && JSON.stringify(e.detail).includes('launch_rockets'));
    expect(decision, 'the refusal is in the audit log').to.not.equal(undefined);
    expect(await decisionEvents(stack, agentId, decision!.subject!.id)).to.have.length.greaterThan(0);
  });

  it('answers tools/list with a cursor it never gave with -32602', async () => {
    const res = await post(rpc(9, 'tools/list', { cursor: 'bogus' }));
    expectShortError(res.body, 9, -32602);
    const plain = await post(rpc(10, 'tools/list'));
    expect(plain.body.result.tools.length).to.be.greaterThan(10);
  });

  it('answers each member of a batch: a bad tools/call does not spoil its neighbours', async () => {
    const res = await post(`[${rpc(11, 'tools/call', {})}, ${rpc(12, 'ping')}]`);
    expect(res.status).to.equal(200);
    const byId = new Map((res.body as any[]).map((m) => [m.id, m]));
    expectShortError(byId.get(11), 11, -32602);
    expect(byId.get(12).result).to.deep.equal({});
  });

  it('answers a batch of requests with an array, and notifications alone with 202 and no body', async () => {
    const batch = await post(`[${rpc(15, 'ping')}, ${rpc(16, 'tools/list')}]`);
    expect(batch.status).to.equal(200);
    expect((batch.body as any[]).map((m) => m.id)).to.deep.equal([15, 16]);
    const notification = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    for (const raw of [notification, `[${notification}, ${notification}]`]) {
      const res = await post(raw);
      expect(res.status, raw).to.equal(202);
      expect(res.body, raw).to.equal(undefined);
    }
  });

  it('refuses an unsupported MCP-Protocol-Version header with 400 and -32000, except on initialize (negotiated)', async () => {
    const res = await post(rpc(17, 'ping'), { 'mcp-protocol-version': '1999-01-01' });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.include({ jsonrpc: '2.0', id: null });
    expect(res.body.error.code).to.equal(-32000);
    // The SDK's wording, which lists the versions it supports.
    expect(res.body.error.message).to.match(/^Bad Request: Unsupported protocol version: 1999-01-01/);
    const init = await post(rpc(18, 'initialize', { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 't', version: '1' } }), { 'mcp-protocol-version': '1999-01-01' });
    expect(init.status).to.equal(200);
    expect(init.body.result.protocolVersion).to.equal(LATEST_PROTOCOL_VERSION);
  });

  it('answers a missing Accept with 406 and a body that is not JSON by type with 415', async () => {
    const notAcceptable = await post(rpc(19, 'ping'), { accept: 'application/json' });
    expect(notAcceptable.status).to.equal(406);
    expectShortError(notAcceptable.body, null, -32000);
    const unsupported = await post(rpc(20, 'ping'), { 'content-type': 'text/plain' });
    expect(unsupported.status).to.equal(415);
    expect(unsupported.body.error.code).to.equal(-32000);
  });

  it('serves the own origin (localhost, 127.0.0.1, [::1] on its port) with MCP_ALLOWED_ORIGINS unset, and refuses others', async () => {
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]) {
      const res = await post(rpc(13, 'tools/list'), { origin, host: `localhost:${port}` });
      expect(res.status, origin).to.equal(200);
    }
    // The conformance suite's DNS-rebinding request: Host and Origin both name the attacker.
    for (const origin of ['http://evil.example.com', `http://evil.example.com:${port}`, `http://localhost:${Number(port) + 1}`, `https://localhost:${port}`, 'null']) {
      const res = await post(rpc(14, 'tools/list'), { origin, host: 'evil.example.com' });
      expect(res.status, origin).to.equal(403);
    }
  });
});
