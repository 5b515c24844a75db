/**
 * The floor under row (a) of `npm run bench`: an Express app serving `/mcp` with the SDK alone (its
 * low-level Server and its stateless Streamable HTTP transport, one pair per request, JSON
 * responses, the shared schema validator) and a tool that answers at once. No authentication,
 * policy, audit or Tasker. The gateway serves `/mcp` over a transport of its own
 * (src/mcp/json-transport.ts) that skips the SDK transport's web Request/Response round trip: this
 * row stays the cost of the SDK's documented pattern, which the gateway's own MCP handling is below.
 * MCP_FLOOR_TRANSPORT=gateway swaps in the gateway's transport (`serveStateless` of src/mcp), to
 * compare the two transports alone, pairwise; `npm run bench` never sets it.
 * Prints `listening <port>` and serves until killed.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import express, { type Request, type Response } from 'express';
import { serveStateless as serveWithGatewayTransport, sharedValidator } from '../src/mcp/index.js';
import { toolCallParamsRefusal } from '../src/mcp/json-rpc.js';

const WORK_ITEM = { work_item: { id: '9a1c3f0e-0000-4000-8000-000000000001', human_id: 'OPS-1', name: 'A work item', state: { name: 'Todo', group: 'unstarted' } } };

/** The SDK's stateless JSON-response pattern, as the gateway served `/mcp` before its own transport. */
async function serveWithSdkTransport(server: Server, req: Request, res: Response): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  // As the gateway did until it had its own transport, so the row measures what it measured.
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const refusal = toolCallParamsRefusal(message);
    if (refusal) return void transport.send(refusal).catch(() => undefined);
    deliver?.(message, extra);
  };
  await transport.handleRequest(req, res, req.body);
}

const serveStateless = process.env.MCP_FLOOR_TRANSPORT === 'gateway' ? serveWithGatewayTransport : serveWithSdkTransport;

const app = express();
app.use(express.json());
app.post('/mcp', async (req, res, next) => {
  try {
    const server = new Server({ name: 'mcp-floor', version: '1.0.0' }, { capabilities: { tools: {} }, jsonSchemaValidator: sharedValidator() });
    server.setRequestHandler(CallToolRequestSchema, async () => ({ structuredContent: WORK_ITEM, content: [{ type: 'text', text: JSON.stringify(WORK_ITEM) }] }));
    await serveStateless(server, req, res);
  } catch (err) {
    next(err);
  }
});

const listener = app.listen(0, '127.0.0.1', () => {
  const address = listener.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
