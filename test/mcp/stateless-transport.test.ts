import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { expect } from 'chai';
import express, { type Request, type Response } from 'express';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { serveStateless, sharedValidator } from '../../src/mcp/index.js';
import { StatelessJsonTransport } from '../../src/mcp/json-transport.js';
import { listen, type Listening } from './support/side-by-side.js';

/**
 * The gateway's own stateless JSON transport against the SDK's StreamableHTTPServerTransport in
 * stateless JSON-response mode, side by side on the same server and the same requests: every
 * status, content type and JSON-RPC answer must be the same.
 */

function mcpServer(): Server {
  const server = new Server({ name: 'transport-twin', version: '1.0.0' }, { capabilities: { tools: {} }, jsonSchemaValidator: sharedValidator() });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => ({ content: [{ type: 'text', text: JSON.stringify(req.params.arguments ?? {}) }] }));
  return server;
}

async function viaOurs(req: Request, res: Response): Promise<void> {
  const server = mcpServer();
  const transport = new StatelessJsonTransport(res);
  res.on('close', () => void server.close());
  await server.connect(transport);
  transport.handleRequest(req, req.body);
}

async function viaSdk(req: Request, res: Response): Promise<void> {
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
}

const OK_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const rpc = (id: number | string, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const INITIALIZE = (version: string) => rpc(1, 'initialize', { protocolVersion: version, capabilities: {}, clientInfo: { name: 't', version: '1' } });

/** [what, headers, raw body] */
const CASES: Array<[string, OutgoingHttpHeaders, string]> = [
  ['a tools/call', OK_HEADERS, JSON.stringify(rpc(1, 'tools/call', { name: 'echo', arguments: { a: 1 } }))],
  ['a string id', OK_HEADERS, JSON.stringify(rpc('x-1', 'ping'))],
  ['tools/list', OK_HEADERS, JSON.stringify(rpc(2, 'tools/list'))],
  ['an unknown method', OK_HEADERS, JSON.stringify(rpc(3, 'resources/list'))],
  ['a request with _meta', OK_HEADERS, JSON.stringify(rpc(4, 'ping', { _meta: { progressToken: 1 } }))],
  ['initialize, latest version', OK_HEADERS, JSON.stringify(INITIALIZE('2025-06-18'))],
  ['initialize, unknown version', OK_HEADERS, JSON.stringify(INITIALIZE('1999-01-01'))],
  ['initialize with a bad version header (ignored)', { ...OK_HEADERS, 'mcp-protocol-version': '1999-01-01' }, JSON.stringify(INITIALIZE('2025-03-26'))],
  ['initialize with bad params', OK_HEADERS, JSON.stringify(rpc(1, 'initialize', { protocolVersion: 5 }))],
  ['initialize in a batch', OK_HEADERS, JSON.stringify([INITIALIZE('2025-06-18'), rpc(2, 'ping')])],
  ['a supported version header', { ...OK_HEADERS, 'mcp-protocol-version': '2025-03-26' }, JSON.stringify(rpc(5, 'ping'))],
  ['an unsupported version header', { ...OK_HEADERS, 'mcp-protocol-version': '2024-01-01' }, JSON.stringify(rpc(5, 'ping'))],
  ['two version headers', { ...OK_HEADERS, 'mcp-protocol-version': ['2025-06-18', '2025-06-18'] }, JSON.stringify(rpc(5, 'ping'))],
  ['no Accept', { 'content-type': 'application/json' }, JSON.stringify(rpc(6, 'ping'))],
  ['Accept without event-stream', { ...OK_HEADERS, accept: 'application/json' }, JSON.stringify(rpc(6, 'ping'))],
  ['Accept without JSON', { ...OK_HEADERS, accept: 'text/event-stream' }, JSON.stringify(rpc(6, 'ping'))],
  ['Accept in two headers', { ...OK_HEADERS, accept: ['application/json', 'text/event-stream'] }, JSON.stringify(rpc(6, 'ping'))],
  ['Accept */*', { ...OK_HEADERS, accept: '*/*' }, JSON.stringify(rpc(6, 'ping'))],
  ['a bad Accept and a bad Content-Type (Accept first)', { accept: 'text/html', 'content-type': 'text/plain' }, JSON.stringify(rpc(6, 'ping'))],
  ['Content-Type with a charset', { ...OK_HEADERS, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(rpc(7, 'ping'))],
  ['Content-Type in capitals', { ...OK_HEADERS, 'content-type': 'Application/JSON' }, JSON.stringify(rpc(7, 'ping'))],
  ['Content-Type text/plain', { ...OK_HEADERS, 'content-type': 'text/plain' }, JSON.stringify(rpc(7, 'ping'))],
  ['Content-Type application/ld+json', { ...OK_HEADERS, 'content-type': 'application/ld+json' }, JSON.stringify(rpc(7, 'ping'))],
  ['two Content-Type headers', { ...OK_HEADERS, 'content-type': ['application/json', 'application/json'] }, JSON.stringify(rpc(7, 'ping'))],
  ['a notification', OK_HEADERS, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })],
  ['a response', OK_HEADERS, JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} })],
  ['an error response', OK_HEADERS, JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'no' } })],
  ['an empty batch', OK_HEADERS, '[]'],
  ['a batch of two', OK_HEADERS, JSON.stringify([rpc(8, 'ping'), rpc(9, 'tools/list')])],
  ['a batch with a notification', OK_HEADERS, JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }, rpc(10, 'ping')])],
  ['a batch with a repeated id', OK_HEADERS, JSON.stringify([rpc(11, 'ping'), rpc(11, 'tools/list')])],
  ['a batch of notifications', OK_HEADERS, JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }])],
  ['a batch of 100', OK_HEADERS, JSON.stringify(Array.from({ length: 100 }, (_, i) => rpc(i, 'ping')))],
  ['a batch of 101', OK_HEADERS, JSON.stringify(Array.from({ length: 101 }, (_, i) => rpc(i, 'ping')))],
  ['a batch with a bad member', OK_HEADERS, JSON.stringify([rpc(12, 'ping'), { nope: true }])],
  ['not a message', OK_HEADERS, '{"foo": 1}'],
  ['JSON null', OK_HEADERS, 'null'],
  ['a number', OK_HEADERS, '42'],
  ['a fractional id', OK_HEADERS, JSON.stringify(rpc(1.5, 'ping'))],
  ['jsonrpc 1.0', OK_HEADERS, JSON.stringify({ ...rpc(13, 'ping'), jsonrpc: '1.0' })],
  ['an extra key', OK_HEADERS, JSON.stringify({ ...rpc(14, 'ping'), extra: true })],
];

describe('mcp: the stateless JSON transport answers as the SDK transport does', function () {
  this.timeout(30_000);
  let server: Listening;
  let parked: (signal: AbortSignal) => void = () => undefined;

  before(async () => {
    const app = express();
    app.use(express.json({ type: ['application/json', 'application/*+json'], strict: false }));
    app.post('/ours', (req, res, next) => void viaOurs(req, res).catch(next));
    app.post('/sdk', (req, res, next) => void viaSdk(req, res).catch(next));
    app.post('/parked', (req, res, next) => {
      const server = new Server({ name: 'parked', version: '1.0.0' }, { capabilities: { tools: {} }, jsonSchemaValidator: sharedValidator() });
      server.setRequestHandler(CallToolRequestSchema, (_req, extra) => {
        parked(extra.signal);
        return new Promise(() => undefined);
      });
      void serveStateless(server, req, res).catch(next);
    });
    server = await listen(app);
  });
  after(() => server.close());

  for (const [what, headers, body] of CASES) {
    it(`answers ${what} as the SDK does`, async () => {
      const [ours, sdk] = [await server.post('/ours', headers, body), await server.post('/sdk', headers, body)];
      expect(ours).to.deep.equal(sdk);
    });
  }

  it('refuses a second request on the same transport, as the SDK stateless transport does', async () => {
    const transport = new StatelessJsonTransport({ writeHead: () => ({ end: () => undefined }) } as never);
    const req = { rawHeaders: ['Accept', 'application/json, text/event-stream', 'Content-Type', 'application/json'], headers: {} } as never;
    transport.handleRequest(req, rpc(1, 'ping'));
    expect(() => transport.handleRequest(req, rpc(2, 'ping'))).to.throw(/cannot be reused/);
  });

  it('aborts a tool call still running when its caller goes away', async () => {
    const aborted = new Promise<boolean>((resolve) => {
      parked = (signal) => signal.addEventListener('abort', () => resolve(true));
    });
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/parked', method: 'POST', headers: OK_HEADERS });
    req.on('error', () => undefined);
    req.end(JSON.stringify(rpc(1, 'tools/call', { name: 'wait', arguments: {} })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    req.destroy();
    expect(await aborted).to.equal(true);
  });

  it('serves the SDK client (initialize, tools/list, tools/call) end to end', async () => {
    const client = new Client({ name: 'twin-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.port}/ours`)));
    try {
      expect(client.getServerVersion()?.name).to.equal('transport-twin');
      expect((await client.listTools()).tools.map((t) => t.name)).to.deep.equal(['echo']);
      const result = await client.callTool({ name: 'echo', arguments: { hello: 'world' } });
      expect(result.content).to.deep.equal([{ type: 'text', text: '{"hello":"world"}' }]);
    } finally {
      await client.close();
    }
  });
});
