import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../errors/index.js';
import { authOf, clientAddress, requestIdOf } from '../http/index.js';
import { parseErrorAsJsonRpc, requireJsonRpcEnvelope, toolCallParamsRefusal } from './json-rpc.js';
import { StatelessJsonTransport } from './json-transport.js';
import { directToolCall, serveDirectToolCall } from './direct-tool-call.js';
import { originGuard, type OwnOrigins } from './origin.js';
import { requestServer, toolDefinitions, type McpServerDeps } from './server.js';

export interface McpRouterOptions {
  allowedOrigins: readonly string[];
  /** The gateway's own origins (always admitted); default: none beyond `allowedOrigins`. */
  ownOrigins?: OwnOrigins;
  authenticateAgent: RequestHandler;
  /** Largest JSON body accepted (the gateway's BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /** Runs first, so the request histogram covers the Origin check and authentication too. */
  metrics?: RequestHandler;
}

/** Stateless JSON mode has no server-to-client stream to open (GET) and no session to end (DELETE). */
function postOnly(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST') return next();
  res.setHeader('Allow', 'POST');
  next(new GatewayError('method_not_allowed', 'This MCP endpoint is stateless: send JSON-RPC messages with POST.'));
}

/**
 * Serves one POSTed JSON-RPC message (or batch) with a server made for this request alone, over a
 * transport for this request alone (stateless, JSON responses). One server per request, not one per
 * process: the SDK's Protocol keys in-flight requests by the caller's JSON-RPC id (a cancellation
 * names that id), so callers sharing a server could cancel each other's calls.
 */
export async function serveStateless(server: Server, req: Request, res: Response): Promise<void> {
  const transport = new StatelessJsonTransport(res);
  res.on('close', () => {
    // Closing aborts the handlers still running when the caller went away before its answer. A
    // server that has answered holds nothing (no timers, no streams) and is simply dropped: closing
    // it would only build the SDK's "Connection closed" McpError, stack trace and all, per request.
    if (!res.writableFinished) void server.close();
  });
  await server.connect(transport);
  // A tools/call that names no tool is answered here, briefly, instead of by the SDK's schema dump.
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const refusal = toolCallParamsRefusal(message);
    if (refusal) return void transport.send(refusal).catch(() => undefined);
    deliver?.(message, extra);
  };
  transport.handleRequest(req, req.body);
}

function handle(deps: McpServerDeps, tools: Map<string, Tool>): RequestHandler {
  return async (req, res, next) => {
    try {
      const context = { auth: authOf(res), requestId: requestIdOf(res), address: clientAddress(req) };
      const call = directToolCall(req.body);
      if (call) return serveDirectToolCall(deps, context, call, req, res);
      await serveStateless(requestServer(deps, tools, context), req, res);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * `/mcp`: Streamable HTTP in stateless JSON-response mode. Origin is checked before anything
 * else, then the bearer agent token, then the body: it is parsed here (the router is mounted ahead
 * of the gateway's shared parser) so that what is not JSON, or not JSON-RPC, gets a JSON-RPC error.
 * Protocol versions are those the SDK supports.
 */
export function mcpRouter(deps: McpServerDeps, options: McpRouterOptions): Router {
  const tools = toolDefinitions(deps.registry);
  const router = express.Router();
  if (options.metrics) router.use(options.metrics);
  router.use(originGuard(options.allowedOrigins, options.ownOrigins));
  const parseJson = express.json({ limit: options.bodyLimitBytes, type: ['application/json', 'application/*+json'], strict: false });
  router.all('/', postOnly, options.authenticateAgent, parseJson, parseErrorAsJsonRpc, requireJsonRpcEnvelope, handle(deps, tools));
  return router;
}
