import { expect } from 'chai';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { decodeRecorded, verifyChain } from '../../src/audit/index.js';
import { ARGUMENT_LIMITS } from '../../src/contracts/index.js';
import { call, runCli, testDatabaseUrl, type HttpResult } from '../support/index.js';
import { WRITE_OPS, decisionEvents, errorBodyOf, mcpClient, newAgent, rest, sandboxItems, startStack, type Stack } from './support.js';

/** JSON text nested `depth` objects deep around `inner`. */
function nested(depth: number, inner = '1'): string {
  return '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
}

interface Refusal {
  decisionId: string;
  pointer: string;
}

/**
 * Hostile values through both front doors: each call is refused with validation_failed (or
 * not_found for a tool name) naming the pointer, its decision is recorded with every hostile
 * string encoded losslessly, nothing reaches Tasker, and the chain verifies afterwards.
 */
describe('e2e: hostile values are refused and recorded, never a 500 or a broken chain', function () {
  this.timeout(180_000);
  let stack: Stack;
  let agentId: string;
  let token: string;

  before(async () => {
    stack = await startStack();
    ({ agentId, token } = await newAgent(stack, WRITE_OPS));
  });
  after(async () => {
    await stack?.close();
  });

  const rawRest = (method: string, path: string, raw: string, headers: Record<string, string> = {}) =>
    call(stack.baseUrl, method, `/api/v1${path}`, { raw, headers: { authorization: `Bearer ${token}`, ...headers } });

  /** A JSON-RPC tools/call sent as raw text (the SDK client cannot send 1e999 or recurse 5,000 levels). */
  async function rawMcp(name: string, argumentsJson: string): Promise<CallToolResult> {
    const res = await call(stack.baseUrl, 'POST', '/mcp', {
      raw: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${argumentsJson}}}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    });
    expect(res.status, res.text).to.equal(200);
    return res.body.result as CallToolResult;
  }

  function refusedOverRest(res: HttpResult, code = 'validation_failed'): Refusal {
    expect(res.status, res.text).to.equal(code === 'not_found' ? 404 : 400);
    expect(res.body.error.code).to.equal(code);
    return { decisionId: res.headers.get('x-decision-id') ?? res.body.error.context.decision_id, pointer: res.body.error.fields?.[0]?.pointer };
  }

  function refusedOverMcp(result: CallToolResult, code = 'validation_failed'): Refusal {
    const error = errorBodyOf(result);
    expect(error.code, JSON.stringify(error)).to.equal(code);
    return { decisionId: error.context!.decision_id as string, pointer: error.fields?.[0]?.pointer as string };
  }

  async function recordedDecision(decisionId: string): Promise<Record<string, unknown>> {
    const events = await decisionEvents(stack, agentId, decisionId);
    expect(events.map((e) => e.kind)).to.deep.equal(['decision']);
    expect(events[0]!.outcome).to.equal('denied');
    return decodeRecorded(events[0]!.detail) as Record<string, unknown>;
  }

  it('REST: NUL, lone surrogates and 1e999 in values and keys are refused naming the pointer, and recorded', async () => {
    const cases: Array<[string, Promise<HttpResult>, string]> = [
      ['NUL in a value', rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'hostile a\u0000b' }), '/name'],
      ['NUL as a key', rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'hostile key', '\u0000': 1 }), '/\u0000'],
      ['lone surrogate', rawRest('POST', '/projects/OPS/work-items', '{"name":"hostile \\ud800"}', { 'content-type': 'application/json' }), '/name'],
      ['lone surrogate as a key', rawRest('POST', '/projects/OPS/work-items', '{"name":"hostile","\\udc00":1}', { 'content-type': 'application/json' }), '/\udc00'],
      ['1e999', rawRest('POST', '/projects/OPS/work-items', '{"name":"hostile","estimate":-1e999}', { 'content-type': 'application/json' }), '/estimate'],
      ['NUL in the idempotency key', rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'hostile', idempotency_key: 'key-\u0000-0001' }), '/idempotency_key'],
      ['NUL in a query string', rest(stack, token, 'GET', '/work-items/search?query=%00'), '/query'],
      ['NUL in a path parameter', rest(stack, token, 'GET', '/work-items/OPS%00-1'), '/work_item'],
    ];
    for (const [name, sent, pointer] of cases) {
      const refusal = refusedOverRest(await sent);
      expect(refusal.pointer, name).to.equal(pointer);
      expect((await recordedDecision(refusal.decisionId)).argument_errors, name).to.deep.equal([pointer]);
    }
    const keyed = refusedOverRest(await rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'hostile', idempotency_key: 'key-\u0000-0002' }));
    expect((await recordedDecision(keyed.decisionId)).idempotency_key).to.equal('key-\u0000-0002');
    expect(sandboxItems(stack, 'hostile a\u0000b') + sandboxItems(stack, 'hostile')).to.equal(0);
  });

  it('REST: arguments beyond the limits and a malformed Idempotency-Key header are refused naming the pointer, and recorded', async () => {
    const members = `{${Array.from({ length: ARGUMENT_LIMITS.maxMembers + 1 }, (_, i) => `"k${i}":0`).join(',')}}`;
    const cases: Array<[string, Promise<HttpResult>, RegExp]> = [
      ['5,000 levels deep', rawRest('POST', '/projects/OPS/work-items', `{"name":"deep","extra":${nested(5000)}}`, { 'content-type': 'application/json' }), /^\/extra(\/a){31}$/],
      ['too many keys', rawRest('POST', '/projects/OPS/work-items', `{"name":"wide","extra":${members}}`, { 'content-type': 'application/json' }), new RegExp(`^/extra/k${ARGUMENT_LIMITS.maxMembers - 2}$`)],
      ['a key too long', rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'long key', ['k'.repeat(ARGUMENT_LIMITS.maxKeyLength + 1)]: 1 }), /^$/],
      ['Idempotency-Key header', rest(stack, token, 'POST', '/projects/OPS/work-items', { name: 'bad header' }, { 'idempotency-key': 'x'.repeat(4000) }), /^\/idempotency_key$/],
    ];
    for (const [name, sent, pointer] of cases) {
      const refusal = refusedOverRest(await sent);
      expect(refusal.pointer, name).to.match(pointer);
      expect((await recordedDecision(refusal.decisionId)).argument_errors, name).to.deep.equal([refusal.pointer]);
    }
  });

  /** The one denied decision this agent has recorded for a tool name (unknown tools answer -32602, which carries no decision id). */
  async function recordedUnknownTool(tool: string): Promise<Record<string, unknown>> {
    const { audit, orm } = stack.gw.gateway.deps;
    const page = await audit.query(orm.em.fork(), { agentId }, 500);
    const decisions = page.items
      .filter((e) => e.kind === 'decision')
      .map((e) => ({ outcome: e.outcome, detail: decodeRecorded(e.detail) as Record<string, unknown> }))
      .filter((e) => e.detail.tool === tool);
    expect(decisions, tool).to.have.length(1);
    expect(decisions[0]!.outcome).to.equal('denied');
    return decisions[0]!.detail;
  }

  it('MCP: hostile tool names are a -32602 protocol error, keys, idempotency keys and values are refused (isError), and all are recorded losslessly', async () => {
    const client = await mcpClient(stack, token);
    try {
      for (const tool of ['who\u0000ami', '\ud800', 'list_projects\udfff']) {
        const error = await client.callTool({ name: tool, arguments: {} }).then(
          () => undefined,
          (err: unknown) => err as { code?: number },
        );
        expect(error?.code, tool).to.equal(-32602);
        expect((await recordedUnknownTool(tool)).tool).to.equal(tool);
      }
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['NUL as a key', { '\u0000': 1 }, '/\u0000'],
        ['lone surrogate value', { name: 'x\ud800' }, '/name'],
        ['NUL in the idempotency key', { name: 'x', idempotency_key: 'mcp-\u0000-0001' }, '/idempotency_key'],
      ];
      for (const [name, args, pointer] of cases) {
        const refusal = refusedOverMcp((await client.callTool({ name: 'create_work_item', arguments: { project: 'OPS', ...args } })) as CallToolResult);
        expect(refusal.pointer, name).to.equal(pointer);
        const decision = await recordedDecision(refusal.decisionId);
        expect(decision.argument_errors, name).to.deep.equal([pointer]);
        if (args.idempotency_key) expect(decision.idempotency_key).to.equal(args.idempotency_key);
      }
    } finally {
      await client.close();
    }
    const infinite = refusedOverMcp(await rawMcp('list_projects', '{"limit":1e999}'));
    expect(infinite.pointer).to.equal('/limit');
    const deep = refusedOverMcp(await rawMcp('list_projects', `{"x":${nested(5000)}}`));
    expect(deep.pointer).to.match(/^\/x(\/a){31}$/);
    for (const refusal of [infinite, deep]) expect((await recordedDecision(refusal.decisionId)).argument_errors).to.deep.equal([refusal.pointer]);
  });

  it('leaves a chain that audit verify accepts', async () => {
    expect(await verifyChain(stack.gw.gateway.deps.orm.em.fork())).to.include({ ok: true });
    const cli = await runCli(['audit', 'verify'], { DATABASE_URL: testDatabaseUrl() });
    expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
  });
});
