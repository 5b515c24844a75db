/**
 * The whole gateway as `npm start` wires it (buildStages: compiled policy, Tasker sandbox, decision,
 * MCP, REST) on 127.0.0.1 against the run's PostgreSQL, plus clients for both front doors.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuditRecord } from '../../src/audit/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildStages, type StageContext } from '../../src/gateway/stages.js';
import { silentLogger } from '../../src/log/index.js';
import type { TaskerSandbox } from '../../src/tasker/index.js';
import { compiledPolicyDir } from '../decision/support.js';
import { InternalClient, agentWithToken, call, startTestGateway, type HttpResult, type TestGateway } from '../support/index.js';

export interface Stack {
  gw: TestGateway;
  baseUrl: string;
  context: StageContext;
  sandbox: TaskerSandbox;
  client: InternalClient;
  close(): Promise<void>;
}

export const WORKSPACE = 'nodedc';
export const READ_OPS = { workspace: WORKSPACE, projects: ['OPS'], tools: ['read'] };
export const WRITE_OPS = { workspace: WORKSPACE, projects: ['OPS'], tools: ['read', 'write', 'destructive'] };

export async function startStack(allowedOrigins: string[] = ['https://launcher.nodedc.example']): Promise<Stack> {
  const policyDir = await compiledPolicyDir();
  const stages = buildStages(silentLogger(), {
    env: {},
    policyBuild: { outDir: policyDir, engine: 'regoc', optimize: false },
    sandbox: { rateLimit: '100000/minute' },
    adapter: { maxAttempts: 2, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, deadlineMs: 5_000 },
    allowedOrigins,
  });
  const gw = await startTestGateway({ extensions: stages.extensions });
  return {
    gw,
    baseUrl: gw.baseUrl,
    context: stages.context,
    sandbox: stages.context.sandbox!,
    client: new InternalClient(gw.baseUrl, gw.internalToken, 'owner-1'),
    close: () => gw.close(),
  };
}

export async function newAgent(stack: Stack, grant?: Record<string, unknown>): Promise<{ agentId: string; token: string; tokenId: string }> {
  return agentWithToken(stack.client, grant);
}

/** The MCP SDK's own client over Streamable HTTP with the agent's bearer token. */
export async function mcpClient(stack: Stack, token: string): Promise<Client> {
  const client = new Client({ name: 'e2e-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return client;
}

/** A tool call's error body (`isError` results carry the uniform error body as JSON text). */
export function errorBodyOf(result: CallToolResult): { code: string; message: string; reasons?: { code: string }[]; fields?: { pointer: string }[]; context?: Record<string, unknown> } {
  if (!result.isError) throw new Error(`expected an error result, got ${JSON.stringify(result)}`);
  const text = (result.content[0] as { type: 'text'; text: string }).text;
  return (JSON.parse(text) as { error: ReturnType<typeof errorBodyOf> }).error;
}

export function rest<T = any>(stack: Stack, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  return call<T>(stack.baseUrl, method, `/api/v1${path}`, { ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${token}`, ...headers } });
}

/** Work items of a sandbox project, straight from the sandbox's data (behind the API). */
export function sandboxItems(stack: Stack, name: string): number {
  return stack.sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at).length;
}

/** The audit events of one decision, oldest first. */
export async function decisionEvents(stack: Stack, agentId: string, decisionId: string): Promise<AuditRecord[]> {
  const { audit, orm } = stack.gw.gateway.deps;
  const page = await audit.query(orm.em.fork(), { agentId }, 500);
  return page.items.filter((e) => e.subject?.type === 'decision' && e.subject.id === decisionId).reverse();
}
