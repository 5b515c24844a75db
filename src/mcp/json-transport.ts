/**
 * The MCP Streamable HTTP transport for one POST, stateless, answering with JSON: what the SDK's
 * `StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })` does
 * for a POST, check for check and answer for answer, but on Node's request and response as they
 * are. The SDK's transport turns each Node request into a web Request and each answer into a web
 * Response and back (through @hono/node-server), which cost more CPU than all of its MCP handling;
 * this one takes the body already parsed and writes the one answer with `res.end`.
 *
 * The SDK's `Server` still does the protocol (initialize, ping, tools/list, tools/call, errors,
 * version negotiation): this is only the `Transport` it is connected to. A transport serves one
 * request and is then closed, as the SDK's stateless transport must be.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  isJSONRPCRequest,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { isPlainRequest } from './json-rpc.js';

/** A refusal before any message reaches the server: HTTP status, JSON-RPC code and message, as the SDK words them. */
interface Refusal {
  status: number;
  code: number;
  message: string;
}

const NOT_ACCEPTABLE: Refusal = { status: 406, code: -32000, message: 'Not Acceptable: Client must accept both application/json and text/event-stream' };
const UNSUPPORTED_MEDIA_TYPE: Refusal = { status: 415, code: -32000, message: 'Unsupported Media Type: Content-Type must be application/json' };
const NO_BODY: Refusal = { status: 400, code: -32700, message: 'Parse error: Invalid JSON' };
const BATCH_TOO_LARGE: Refusal = { status: 400, code: -32600, message: `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages` };
const NOT_JSON_RPC: Refusal = { status: 400, code: -32700, message: 'Parse error: Invalid JSON-RPC message' };
const TWO_INITIALIZE: Refusal = { status: 400, code: -32600, message: 'Invalid Request: Only one initialization request is allowed' };

function unsupportedVersion(version: string): Refusal {
  const message = `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
  return { status: 400, code: -32000, message };
}

/**
 * A header as the SDK reads it from a web Request: every copy joined with ", ". Node keeps only the
 * first Content-Type, so a request with two would pass here and fail there without this.
 */
function joinedHeader(req: IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** The messages of a body, or why the SDK would refuse it before its server sees any. */
function messagesOf(body: unknown, plain: boolean): JSONRPCMessage[] | Refusal {
  if (body === undefined) return NO_BODY;
  // Nearly every body is one plain request, which the SDK's message schema certainly accepts as it is.
  if (plain) return [body as JSONRPCMessage];
  if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) return BATCH_TOO_LARGE;
  const raw: unknown[] = Array.isArray(body) ? body : [body];
  const messages: JSONRPCMessage[] = [];
  for (const message of raw) {
    const parsed = JSONRPCMessageSchema.safeParse(message);
    if (!parsed.success) return NOT_JSON_RPC;
    messages.push(parsed.data);
  }
  return messages;
}

function isRequest(message: JSONRPCMessage, plain: boolean): boolean {
  return plain || isJSONRPCRequest(message);
}

function isInitialize(message: JSONRPCMessage): boolean {
  return 'method' in message && message.method === 'initialize' && isInitializeRequest(message);
}

export class StatelessJsonTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  /** The requests of this POST still owed an answer, in the order they came, and the answers so far. */
  private readonly owed = new Map<RequestId, JSONRPCMessage | undefined>();
  private started = false;
  private handled = false;
  private closed = false;

  constructor(private readonly res: ServerResponse) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('Transport already started');
    this.started = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.owed.clear();
    this.onclose?.();
  }

  /**
   * Serves one POST whose body is already parsed (`undefined`: there was none the gateway could
   * parse). Headers are checked, in the SDK's order, before the body's messages are looked at.
   */
  handleRequest(req: IncomingMessage, body: unknown): void {
    // As the SDK's stateless transport: a second request would mix two callers' request ids.
    if (this.handled) throw new Error('Stateless transport cannot be reused across requests. Create a new transport per request.');
    this.handled = true;
    const accept = joinedHeader(req, 'accept');
    // A substring check, as the SDK makes it: Accept is a list.
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return this.refuse(NOT_ACCEPTABLE);
    if (!isJsonContentType(joinedHeader(req, 'content-type'))) return this.refuse(UNSUPPORTED_MEDIA_TYPE);
    const plain = isPlainRequest(body);
    const messages = messagesOf(body, plain);
    if (!Array.isArray(messages)) return this.refuse(messages);
    const initializing = messages.some(isInitialize);
    if (initializing && messages.length > 1) return this.refuse(TWO_INITIALIZE);
    if (!initializing) {
      const version = joinedHeader(req, 'mcp-protocol-version');
      if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return this.refuse(unsupportedVersion(version));
    }
    const extra: MessageExtraInfo = { requestInfo: { headers: req.headers } };
    if (!messages.some((m) => isRequest(m, plain))) {
      // Only notifications or responses: accepted, nothing to answer.
      for (const message of messages) this.onmessage?.(message, extra);
      this.res.writeHead(202).end();
      return;
    }
    for (const message of messages) if (isRequest(message, plain)) this.owed.set((message as { id: RequestId }).id, undefined);
    for (const message of messages) this.onmessage?.(message, extra);
  }

  /**
   * Takes the server's messages: an answer to an owed request is kept until every request of the
   * POST has one, then all are written as one JSON body. Notifications and requests to the client
   * have no stream to go on in JSON mode and are dropped, as the SDK drops them.
   */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    if (!isAnswer(message)) return;
    const id = message.id as RequestId;
    if (!this.owed.has(id)) throw new Error(`No connection established for request ID: ${String(id)}`);
    this.owed.set(id, message);
    const answers = [...this.owed.values()];
    if (answers.includes(undefined)) return;
    this.owed.clear();
    this.write(200, answers.length === 1 ? answers[0] : answers);
  }

  private refuse(refusal: Refusal): void {
    this.onerror?.(new Error(refusal.message));
    this.write(refusal.status, { jsonrpc: '2.0', error: { code: refusal.code, message: refusal.message }, id: null });
  }

  private write(status: number, body: unknown): void {
    const text = JSON.stringify(body);
    this.res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}

/**
 * A response or an error response, told apart without the SDK's schemas: the server only ever
 * sends well-formed messages, and what carries an `id` and no `method` is an answer.
 */
function isAnswer(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return 'id' in message && !('method' in message) && ('result' in message || 'error' in message);
}
