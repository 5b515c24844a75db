import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ContractRegistry } from '../contracts/index.js';
import { asGatewayError } from '../errors/index.js';
import type { AuthenticatedAgent } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import { invalidParams } from './json-rpc.js';
import type { ToolPipeline } from './pipeline-port.js';
import { approvalPendingResult, errorResult, successResult, withPendingBranch } from './results.js';

export interface McpCallContext {
  auth: AuthenticatedAgent;
  requestId: string;
  address: string;
}

export interface McpServerDeps {
  registry: ContractRegistry;
  pipeline: ToolPipeline;
  logger: Logger;
  version: string;
}

const INSTRUCTIONS =
  'Tools for Tasker (NODE.DC work tracking) through the agent gateway. Every call is checked against the grants your owner gave you and recorded. ' +
  'Call whoami to see your grants, explain to ask whether a call would be allowed. Failed calls return isError with a JSON body whose error.code and error.reasons say why. ' +
  'For writes pass an idempotency_key and reuse it when retrying.';

/** The tool definitions as `tools/list` serves them: the contracts' schemas, a write's output also allowing the parked shape. */
export function toolDefinitions(registry: ContractRegistry): Map<string, Tool> {
  const catalogue = registry.catalogue();
  return new Map(
    registry.names().map((name) => {
      const tool = registry.mcpTool(name) as Tool;
      const parkable = catalogue[name]?.kind !== 'read' && tool.outputSchema;
      return [name, parkable ? { ...tool, outputSchema: withPendingBranch(tool.outputSchema!) as Tool['outputSchema'] } : tool];
    }),
  );
}

export async function callTool(deps: McpServerDeps, context: McpCallContext, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  try {
    const key = args.idempotency_key;
    const outcome = await deps.pipeline.callTool({
      auth: context.auth,
      tool: name,
      args,
      transport: 'mcp',
      requestId: context.requestId,
      ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      address: context.address,
    });
    return outcome.status === 'ok' ? successResult(outcome.result, outcome.auditOutcome) : approvalPendingResult(outcome, context.requestId);
  } catch (err) {
    const known = asGatewayError(err);
    // A tool the catalogue does not have is a protocol error (MCP: -32602); the refusal is still recorded.
    if (known.reasons?.some((r) => r.code === 'unknown_tool')) throw invalidParams(`Unknown tool: ${name}.`);
    if (known.code === 'internal_error') deps.logger.error('mcp tool call failed', { request_id: context.requestId, tool: name, error: err instanceof Error ? err.message : String(err) });
    return errorResult(known, context.requestId);
  }
}

let validator: AjvJsonSchemaValidator | undefined;

/**
 * The SDK builds a new Ajv instance for every Server unless it is given one, and building Ajv costs
 * more than the rest of a tool call's MCP handling; the validator keeps no per-request state.
 */
export function sharedValidator(): AjvJsonSchemaValidator {
  validator ??= new AjvJsonSchemaValidator();
  return validator;
}

/**
 * One low-level MCP server for one HTTP request (the stateless pattern): it knows the caller, so
 * its handlers close over the authenticated agent instead of passing it through the transport.
 */
export function requestServer(deps: McpServerDeps, tools: Map<string, Tool>, context: McpCallContext): Server {
  const server = new Server(
    { name: 'nodedc-agent-gateway', version: deps.version },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS, jsonSchemaValidator: sharedValidator() },
  );
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    // tools/list is one page and hands out no cursor, so any cursor is one the gateway never gave.
    if (request.params?.cursor !== undefined) throw invalidParams('Invalid cursor: tools/list has a single page and gives no cursors.');
    const visible = await deps.pipeline.visibleTools(context.auth);
    return { tools: visible.map((tool) => tools.get(tool.name)).filter((t): t is Tool => t !== undefined) };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) => callTool(deps, context, request.params.name, request.params.arguments ?? {}));
  return server;
}
