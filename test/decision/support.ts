/**
 * Real pieces for the decision, approvals and metrics tests: the run's PostgreSQL, the gateway with
 * the decision extension, a Tasker sandbox over HTTP, the real adapter, and policies/gateway
 * compiled by the project's compiler (once per test process, shared by every file that asks).
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../src/audit/index.js';
import { decisionExtension, type DecisionExtensionOptions, type DecisionStage, type ToolCall, type ToolCallResult } from '../../src/decision/index.js';
import { GatewayError } from '../../src/errors/index.js';
import type { AuthenticatedAgent } from '../../src/identity/index.js';
import { GATEWAY_ENTRYPOINTS, PolicyEngine, buildPolicies, type PolicyLogger } from '../../src/policy/index.js';
import { SANDBOX_SEED, TaskerAdapter, startTaskerSandbox, type TaskerSandbox } from '../../src/tasker/index.js';
import { InternalClient, agentWithToken, startTestGateway, type TestGateway } from '../support/index.js';

export { SANDBOX_SEED };

let built: Promise<string> | undefined;

/** Compiles policies/ (test files excluded) with regoc into a temporary build directory, once. */
export function compiledPolicyDir(): Promise<string> {
  built ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'agw-decision-policy-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    await buildPolicies({ engine: 'regoc', optimize: false, outDir });
    return outDir;
  })();
  return built;
}

export const quietPolicyLogger: PolicyLogger = { error: () => undefined, info: () => undefined };

export async function openEngine(): Promise<PolicyEngine> {
  return PolicyEngine.open({ dir: await compiledPolicyDir() }, { requiredEntrypoints: GATEWAY_ENTRYPOINTS, logger: quietPolicyLogger });
}

export interface World {
  sandbox: TaskerSandbox;
  engine: PolicyEngine;
  gw: TestGateway;
  stage: DecisionStage;
  client: InternalClient;
  workspace: string;
  close(): Promise<void>;
}

export async function startWorld(options: Partial<DecisionExtensionOptions> = {}): Promise<World> {
  const sandbox = await startTaskerSandbox({ rateLimit: '100000/minute' });
  const engine = options.engine ?? (await openEngine());
  const adapter = new TaskerAdapter({ baseUrl: sandbox.url, apiKey: sandbox.apiKeys.admin, workspace: sandbox.workspace, maxAttempts: 2, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, deadlineMs: 5_000 });
  const extension = decisionExtension({ engine, adapter, ...options });
  const gw = await startTestGateway({ extensions: [extension] });
  return {
    sandbox,
    engine,
    gw,
    stage: extension.stage,
    client: new InternalClient(gw.baseUrl, gw.internalToken, 'owner-1'),
    workspace: sandbox.workspace,
    async close() {
      await gw.close();
      await sandbox.close();
    },
  };
}

/** A new agent of `owner-1` with one grant (if given) and a token, authenticated as a front door would. */
export async function newAgent(world: World, grant?: Record<string, unknown>): Promise<AuthenticatedAgent & { secret: string }> {
  const { token } = await agentWithToken(world.client, grant);
  const auth = await world.gw.gateway.deps.identity.authenticator.authenticate(`Bearer ${token}`, '127.0.0.1');
  return { ...auth, secret: token };
}

let requests = 0;

export function toolCall(auth: AuthenticatedAgent, tool: string, args: unknown, extra: Partial<ToolCall> = {}): ToolCall {
  requests += 1;
  return { auth, tool, args, transport: 'rest', requestId: `test-req-${process.pid}-${requests}`, ...extra };
}

export async function callTool(world: World, auth: AuthenticatedAgent, tool: string, args: unknown, extra: Partial<ToolCall> = {}): Promise<ToolCallResult> {
  return world.stage.pipeline.callTool(toolCall(auth, tool, args, extra));
}

export async function failureOf(fn: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError, but the call succeeded');
}

/** The audit events of one decision (decision and outcome), oldest first. */
export async function eventsOfDecision(world: World, agentId: string, decisionId: string): Promise<AuditRecord[]> {
  const page = await world.gw.gateway.deps.audit.query(world.gw.gateway.deps.orm.em.fork(), { agentId }, 200);
  return page.items.filter((e) => e.subject?.type === 'decision' && e.subject.id === decisionId).reverse();
}

/** Every audit event of one agent, oldest first. */
export async function eventsOfAgent(world: World, agentId: string): Promise<AuditRecord[]> {
  const page = await world.gw.gateway.deps.audit.query(world.gw.gateway.deps.orm.em.fork(), { agentId }, 200);
  return page.items.reverse();
}

export const READ_GRANT = { workspace: 'nodedc', projects: ['OPS'], tools: ['read'] };
