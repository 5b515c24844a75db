/**
 * A scripted stand-in for the model behind Codex: a small OpenAI Responses API server
 * (`POST /v1/responses`, streamed as server-sent events) that, turn after turn, asks Codex to call
 * the next MCP tool of a fixed script, then answers in words. Codex runs the tools itself; the
 * stand-in only reads their outputs back from the conversation Codex sends.
 *
 * Event shapes are the ones Codex's own Responses client reads: `response.created`,
 * `response.output_item.added`/`.done` carrying a `function_call` or `message` item, and
 * `response.completed` with an id and usage (a stream that ends without it is a retryable error).
 */
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedCall {
  /** The MCP tool's own name; Codex exposes it under a prefixed name (`mcp__tasker__whoami`), found in the request's tools. */
  tool: string;
  arguments: Record<string, unknown>;
}

/** One tool call Codex made for the stand-in, with the output Codex sent back. */
export interface ObservedCall {
  name: string;
  arguments: string;
  output?: string;
}

export interface StandInModel {
  /** `http://127.0.0.1:<port>/v1`, a model provider's `base_url`. */
  baseUrl: string;
  /** Requests to /v1/responses seen so far. */
  requests(): number;
  /** The tool names Codex offered in its last request. */
  offeredTools(): string[];
  calls(): ObservedCall[];
  /** The final words, once given. */
  finalMessage(): string | undefined;
  close(): Promise<void>;
}

interface RequestBody {
  input?: Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown>>;
}

/** A tool Codex offers: its name, and the namespace it sits in (Codex 0.169 groups an MCP server's tools as `mcp__<server>`). */
interface OfferedTool {
  name: string;
  namespace?: string;
}

function offeredTools(tools: RequestBody['tools'], namespace?: string): OfferedTool[] {
  const found: OfferedTool[] = [];
  for (const tool of tools ?? []) {
    if (tool.type === 'namespace' && Array.isArray(tool.tools)) found.push(...offeredTools(tool.tools as RequestBody['tools'], String(tool.name)));
    else if (typeof tool.name === 'string') found.push(namespace ? { name: tool.name, namespace } : { name: tool.name });
  }
  return found;
}

/** The MCP tool as Codex offers it: inside the server's namespace, or (older layouts) with the server's prefix. */
function offeredName(offered: OfferedTool[], tool: string): OfferedTool | undefined {
  return offered.find((t) => t.namespace?.startsWith('mcp__') && t.name === tool) ?? offered.find((t) => new RegExp(`^mcp__[^_]+(__|_)${tool}$`).test(t.name));
}

const shownName = (t: OfferedTool) => (t.namespace ? `${t.namespace}.${t.name}` : t.name);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function sse(res: ServerResponse, events: Array<Record<string, unknown>>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
  res.end();
}

const USAGE = { input_tokens: 0, input_tokens_details: null, output_tokens: 0, output_tokens_details: null, total_tokens: 0 };

function turn(responseId: string, item: Record<string, unknown>): Array<Record<string, unknown>> {
  return [
    { type: 'response.created', response: { id: responseId } },
    { type: 'response.output_item.added', output_index: 0, item },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { id: responseId, usage: USAGE } },
  ];
}

export async function startStandInModel(script: ScriptedCall[], closing: (calls: ObservedCall[]) => string): Promise<StandInModel> {
  let requests = 0;
  let offered: OfferedTool[] = [];
  let final: string | undefined;
  const observed = new Map<string, ObservedCall>();

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method !== 'POST' || path !== '/v1/responses') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `the stand-in model has no ${req.method} ${path}` } }));
        return;
      }
      const raw = await readBody(req);
      // AGW_E2E_CODEX_DUMP=<file>: keep each request Codex sent, to see what it offers and expects.
      if (process.env.AGW_E2E_CODEX_DUMP) appendFileSync(process.env.AGW_E2E_CODEX_DUMP, `${raw}\n`);
      const body = JSON.parse(raw) as RequestBody;
      requests += 1;
      offered = offeredTools(body.tools);
      // The conversation so far tells where in the script we are: every output answers one call.
      for (const item of body.input ?? []) {
        if (item.type === 'function_call' && typeof item.call_id === 'string' && !observed.has(item.call_id)) observed.set(item.call_id, { name: shownName({ name: String(item.name), ...(typeof item.namespace === 'string' ? { namespace: item.namespace } : {}) }), arguments: String(item.arguments) });
        if (item.type === 'function_call_output' && typeof item.call_id === 'string') {
          const call = observed.get(item.call_id);
          if (call) call.output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
        }
      }
      const done = [...observed.values()].filter((c) => c.output !== undefined).length;
      const responseId = `resp_${requests}`;
      const next = script[done];
      if (next) {
        const name = offeredName(offered, next.tool);
        if (!name) {
          final = `The tool ${next.tool} is not among the ${offered.length} tools Codex offered: ${offered.map(shownName).join(', ')}`;
          return sse(res, turn(responseId, assistantMessage(requests, final)));
        }
        const callId = `call_${done + 1}_${next.tool}`;
        return sse(res, turn(responseId, { type: 'function_call', id: `fc_${done + 1}`, call_id: callId, ...name, arguments: JSON.stringify(next.arguments), status: 'completed' }));
      }
      final = closing([...observed.values()]);
      sse(res, turn(responseId, assistantMessage(requests, final)));
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => requests,
    offeredTools: () => offered.map(shownName),
    calls: () => [...observed.values()],
    finalMessage: () => final,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function assistantMessage(n: number, text: string): Record<string, unknown> {
  return { type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}
