import type { OutgoingHttpHeaders } from 'node:http';
import { expect } from 'chai';
import express, { type Request, type Response } from 'express';
import { ContractRegistry } from '../../src/contracts/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { directToolCall, serveDirectToolCall } from '../../src/mcp/direct-tool-call.js';
import { requestServer, serveStateless, toolDefinitions, type McpCallContext, type McpServerDeps } from '../../src/mcp/index.js';
import type { ToolCallRequest, ToolCallOutcome, ToolPipeline } from '../../src/mcp/pipeline-port.js';
import { capturingLogger } from '../support/logs.js';
import { listen, type Listening } from './support/side-by-side.js';

/**
 * The direct tools/call path against the SDK's Server, side by side on the same requests and the
 * same pipeline: every status, content type and JSON-RPC answer must be the same. The pipeline
 * here answers by the tool's arguments (ok, a write's pending audit, parked, refused, broken), so
 * each kind of result and error the gateway produces goes through both ways.
 */

const pipeline: ToolPipeline = {
  async callTool(call: ToolCallRequest): Promise<ToolCallOutcome> {
    const wanted = (call.args as { answer?: unknown }).answer;
    if (wanted === 'parked') return { status: 'approval_pending', decisionId: 'd-2', actionId: 'a-1', expiresAt: '2026-12-03T10:00:00.000Z', reasons: [] };
    if (wanted === 'denied') throw new GatewayError('denied', 'No grant allows this.', { reasons: [{ code: 'no_matching_grant', message: 'no grant' }] });
    if (wanted === 'unknown') throw new GatewayError('denied', 'Unknown tool.', { reasons: [{ code: 'unknown_tool', message: 'unknown' }] });
    if (wanted === 'broken') throw new Error('database went away');
    if (wanted === 'pending-audit') return { status: 'ok', decisionId: 'd-3', result: { id: 'c-1' }, tasker: null, replayed: false, auditOutcome: 'pending' };
    return { status: 'ok', decisionId: 'd-1', result: { tool: call.tool, args: call.args }, tasker: null, replayed: false };
  },
  visibleTools: async () => [],
};

const deps: McpServerDeps = { registry: ContractRegistry.load(), pipeline, logger: capturingLogger().logger, version: '1.0.0' };
const tools = toolDefinitions(deps.registry);
const context: McpCallContext = { auth: { agent: { id: 'agent-1' } } as McpCallContext['auth'], requestId: 'r-1', address: '127.0.0.1' };

const OK_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const call = (id: number | string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });

/** [what, headers, raw body] */
const CASES: Array<[string, OutgoingHttpHeaders, string]> = [
  ['a successful read', OK_HEADERS, call(1, { name: 'get_work_item', arguments: { work_item: 'OPS-1' } })],
  ['a string id', OK_HEADERS, call('x-7', { name: 'get_work_item', arguments: { work_item: 'OPS-1' } })],
  ['no arguments', OK_HEADERS, call(2, { name: 'whoami' })],
  ['a write whose outcome waits in the outbox', OK_HEADERS, call(3, { name: 'add_comment', arguments: { answer: 'pending-audit' } })],
  ['a parked call', OK_HEADERS, call(4, { name: 'delete_work_item', arguments: { answer: 'parked' } })],
  ['a denied call', OK_HEADERS, call(5, { name: 'get_work_item', arguments: { answer: 'denied' } })],
  ['an unknown tool', OK_HEADERS, call(6, { name: 'no_such_tool', arguments: { answer: 'unknown' } })],
  ['a pipeline that breaks', OK_HEADERS, call(7, { name: 'get_work_item', arguments: { answer: 'broken' } })],
  ['an unsupported protocol version header', { ...OK_HEADERS, 'mcp-protocol-version': '2024-01-01' }, call(8, { name: 'whoami' })],
  ['a bad Accept', { ...OK_HEADERS, accept: 'application/json' }, call(9, { name: 'whoami' })],
  ['a bad Content-Type', { ...OK_HEADERS, 'content-type': 'text/plain' }, call(10, { name: 'whoami' })],
];

describe('mcp: a plain tools/call answered without the SDK Protocol answers as the SDK Server does', function () {
  this.timeout(30_000);
  let server: Listening;

  before(async () => {
    const app = express();
    app.use(express.json({ type: () => true, strict: false }));
    app.post('/direct', (req: Request, res: Response) => {
      const parsed = directToolCall(req.body);
      if (!parsed) return void res.status(500).json({ not: 'direct' });
      serveDirectToolCall(deps, context, parsed, req, res);
    });
    app.post('/sdk', (req, res, next) => void serveStateless(requestServer(deps, tools, context), req, res).catch(next));
    server = await listen(app);
  });
  after(() => server.close());

  for (const [what, headers, body] of CASES) {
    it(`answers ${what} as the SDK does`, async () => {
      const [direct, sdk] = [await server.post('/direct', headers, body), await server.post('/sdk', headers, body)];
      expect(direct).to.deep.equal(sdk);
    });
  }

  it('takes only requests the SDK would hand to the handler unchanged', () => {
    const request = (params: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params, ...extra });
    expect(directToolCall(request({ name: 'whoami' }))).to.deep.equal({ id: 1, name: 'whoami', args: {} });
    expect(directToolCall(request({ name: 'get_work_item', arguments: { work_item: 'OPS-1' } }))?.args).to.deep.equal({ work_item: 'OPS-1' });
    const refused: unknown[] = [
      request({ name: 'whoami', _meta: { progressToken: 1 } }),
      request({ name: 'whoami', task: { ttl: 1 } }),
      request({ name: 7 }),
      request({ arguments: {} }),
      request({ name: 'whoami', arguments: [] }),
      request({ name: 'whoami', arguments: 'x' }),
      request({ name: 'whoami', arguments: JSON.parse('{"__proto__": {"a": 1}}') }),
      request(undefined),
      request([]),
      request({ name: 'whoami' }, { extra: true }),
      { ...request({ name: 'whoami' }), method: 'tools/list' },
      { ...request({ name: 'whoami' }), jsonrpc: '1.0' },
      { ...request({ name: 'whoami' }), id: 1.5 },
      [request({ name: 'whoami' })],
    ];
    for (const body of refused) expect(directToolCall(body), JSON.stringify(body)).to.equal(undefined);
  });
});
