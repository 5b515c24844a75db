/**
 * A `tools/call` answered without the SDK's Protocol machinery. Nearly every request to `/mcp` is
 * one plain tools/call, and for it the SDK's `Server` does three things besides calling the
 * handler: it parses the request and the handler's result with its zod schemas, and it builds a
 * per-request AbortController and context object. Together they cost a tool call more CPU than
 * the transport does. Here, only a request the SDK would certainly hand to the handler unchanged
 * takes this way (checked without zod: a plain request whose params are a tool name and, at most,
 * an arguments object); anything else, and every other method, still goes through the SDK's Server.
 * The answer is the one the SDK writes: the handler's result as it is (the gateway's results are
 * always valid CallToolResults, and the SDK's result parse keeps them as they are), or the
 * handler's error as the SDK's Protocol words it. The transport's checks (Accept, Content-Type,
 * protocol version) run the same way for both.
 */
import type { Request, Response } from 'express';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isPlainObject, isPlainRequest } from './json-rpc.js';
import { StatelessJsonTransport } from './json-transport.js';
import { callTool, type McpCallContext, type McpServerDeps } from './server.js';

export interface DirectToolCall {
  id: RequestId;
  name: string;
  args: Record<string, unknown>;
}

const PARAM_KEYS = new Set(['name', 'arguments']);

/** The call, when the body is one plain tools/call whose params the SDK's schema would take as they are. */
export function directToolCall(body: unknown): DirectToolCall | undefined {
  if (!isPlainRequest(body)) return undefined;
  const request = body as { id: RequestId; method: string; params?: unknown };
  if (request.method !== 'tools/call' || !isPlainObject(request.params)) return undefined;
  const params = request.params;
  for (const key in params) if (!PARAM_KEYS.has(key)) return undefined;
  if (typeof params.name !== 'string') return undefined;
  const args = params.arguments;
  if (args !== undefined && !isPlainObject(args)) return undefined;
  // The SDK's record schema may treat an own "__proto__" key its own way: leave such a call to it.
  if (args !== undefined && Object.prototype.hasOwnProperty.call(args, '__proto__')) return undefined;
  return { id: request.id, name: params.name, args: args ?? {} };
}

/** The JSON-RPC error the SDK's Protocol sends for a handler that threw `err`. */
function protocolError(id: RequestId, err: unknown): JSONRPCMessage {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  const code = Number.isSafeInteger(e.code) ? (e.code as number) : ErrorCode.InternalError;
  const message = typeof e.message === 'string' ? e.message : 'Internal error';
  return { jsonrpc: '2.0', id, error: { code, message, ...(e.data !== undefined ? { data: e.data } : {}) } };
}

/** Serves the call over the same stateless transport the SDK's Server would have been connected to. */
export function serveDirectToolCall(deps: McpServerDeps, context: McpCallContext, call: DirectToolCall, req: Request, res: Response): void {
  const transport = new StatelessJsonTransport(res);
  transport.onmessage = () => {
    callTool(deps, context, call.name, call.args).then(
      (result) => transport.send({ result, jsonrpc: '2.0', id: call.id } as JSONRPCMessage),
      (err: unknown) => transport.send(protocolError(call.id, err)),
    ).catch(() => undefined);
  };
  transport.handleRequest(req, req.body);
}
