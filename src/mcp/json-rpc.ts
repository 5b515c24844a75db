/**
 * JSON-RPC 2.0 errors at the edges of `/mcp`, as the specification numbers them: a body that is not
 * JSON is -32700 (id null), valid JSON that is not a message or an empty batch is -32600, and a
 * `tools/call` whose params are unusable is -32602 with a short message. The SDK would otherwise
 * answer some of these with -32603 and a dump of its schema library's findings, or 202 to `[]`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCErrorResponse, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

export function jsonRpcError(id: RequestId | null, code: number, message: string): JSONRPCErrorResponse {
  // The SDK's type wants an id; JSON-RPC requires null when the request's id cannot be known.
  return { jsonrpc: '2.0', id: id as RequestId, error: { code, message } };
}

/**
 * An error for a request handler to throw: the SDK answers it with this code and message as they
 * are (an McpError would prefix "MCP error -32602: " to the message).
 */
export function invalidParams(message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code: ErrorCode.InvalidParams });
}

/** The body parser's "not JSON" becomes -32700 with id null; every other error goes on as it was. */
export const parseErrorAsJsonRpc: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if ((err as { type?: unknown } | null)?.type !== 'entity.parse.failed') return next(err);
  res.status(400).json(jsonRpcError(null, ErrorCode.ParseError, 'Parse error: the body is not valid JSON.'));
};

function requestIdOf(value: unknown): RequestId | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * A single request that the SDK's JSONRPCRequestSchema certainly accepts (strict keys, version
 * "2.0", a string or safe-integer id, a method name, params an object without `_meta`), checked
 * without zod: nearly every body is one, and the transport (json-transport.ts) then hands it to the
 * server as it is. Anything else (a `_meta`, a batch, a response, a notification, odd values) goes
 * to the schema.
 */
export function isPlainRequest(body: unknown): boolean {
  if (!isPlainObject(body) || body.jsonrpc !== '2.0' || typeof body.method !== 'string') return false;
  if (!(typeof body.id === 'string' || Number.isSafeInteger(body.id))) return false;
  for (const key in body) if (!REQUEST_KEYS.has(key)) return false;
  const params = body.params;
  return params === undefined || (isPlainObject(params) && !Object.prototype.hasOwnProperty.call(params, '_meta'));
}

/** Why a parsed body is not a JSON-RPC message or batch, if it is not. */
function envelopeProblem(body: unknown): string | undefined {
  if (isPlainRequest(body)) return undefined;
  if (Array.isArray(body)) {
    if (body.length === 0) return 'Invalid Request: an empty batch.';
    return body.every((m) => JSONRPCMessageSchema.safeParse(m).success) ? undefined : 'Invalid Request: a batch member is not a JSON-RPC 2.0 message.';
  }
  return JSONRPCMessageSchema.safeParse(body).success ? undefined : 'Invalid Request: not a JSON-RPC 2.0 message.';
}

/**
 * Refuses, with -32600 and HTTP 400, a body that parsed as JSON but is no JSON-RPC message: an
 * empty batch, or anything the SDK's own message schema does not accept (which the SDK would call
 * a parse error). A body that is absent (another content type) is left to the transport's 415.
 */
export const requireJsonRpcEnvelope: RequestHandler = (req, res, next) => {
  if (req.body === undefined) return next();
  const problem = envelopeProblem(req.body);
  if (!problem) return next();
  res.status(400).json(jsonRpcError(Array.isArray(req.body) ? null : requestIdOf(req.body), ErrorCode.InvalidRequest, problem));
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The short -32602 answer to a `tools/call` whose params cannot name a call, if that is the case. */
export function toolCallParamsRefusal(message: JSONRPCMessage): JSONRPCErrorResponse | undefined {
  if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return undefined;
  const params: unknown = message.params;
  const refuse = (why: string) => jsonRpcError(message.id, ErrorCode.InvalidParams, `Invalid params: ${why}`);
  if (!isPlainObject(params)) return refuse('tools/call needs params with the tool name.');
  if (typeof params.name !== 'string' || params.name === '') return refuse('params.name must be the name of a tool (a non-empty string).');
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return refuse('params.arguments must be an object.');
  return undefined;
}
