/**
 * The floor under row (a) of `npm run bench`: an Express app serving `/mcp` with the gateway's own
 * `serveStateless` (the SDK's low-level Server and its stateless Streamable HTTP transport, one pair
 * per request, JSON responses, the shared schema validator) and a tool that answers at once. No
 * authentication, policy, audit or Tasker: what this costs per call, the gateway cannot go below.
 * Prints `listening <port>` and serves until killed.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { serveStateless, sharedValidator } from '../src/mcp/index.js';

const WORK_ITEM = { work_item: { id: '9a1c3f0e-0000-4000-8000-000000000001', human_id: 'OPS-1', name: 'A work item', state: { name: 'Todo', group: 'unstarted' } } };

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
