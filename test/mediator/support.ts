/** Real pieces for the mediator tests: the run's PostgreSQL, a Tasker sandbox over HTTP, the real adapter and registry. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { ContractRegistry } from '../../src/contracts/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { Mediator, MEDIATOR_ENTITIES, type ActingAgent, type ApprovedAction, type MediatorOptions } from '../../src/mediator/index.js';
import { createOrm, sql, type Orm } from '../../src/store/index.js';
import { SANDBOX_SEED, TaskerAdapter, startTaskerSandbox, type TaskerAdapterOptions, type TaskerSandbox } from '../../src/tasker/index.js';
import { testDatabaseUrl } from '../support/index.js';

export { SANDBOX_SEED };

export interface MediatorWorld {
  sandbox: TaskerSandbox;
  orm: Orm;
  registry: ContractRegistry;
  adapter: TaskerAdapter;
  mediator: Mediator;
  close(): Promise<void>;
}

/** Quick retries so fault tests stay fast; the adapter still makes its real attempts over HTTP. */
export const FAST_RETRIES: Partial<TaskerAdapterOptions> = { maxAttempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 2_000, deadlineMs: 5_000 };

export function adapterFor(sandbox: TaskerSandbox, overrides: Partial<TaskerAdapterOptions> = {}): TaskerAdapter {
  return new TaskerAdapter({ baseUrl: sandbox.url, apiKey: sandbox.apiKeys.admin, workspace: sandbox.workspace, ...FAST_RETRIES, ...overrides });
}

export async function startWorld(options: MediatorOptions = {}): Promise<MediatorWorld> {
  const sandbox = await startTaskerSandbox({ rateLimit: '100000/minute' });
  const orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 10, entities: MEDIATOR_ENTITIES });
  const registry = ContractRegistry.load();
  const adapter = adapterFor(sandbox);
  const mediator = new Mediator({ orm, adapter, registry }, options);
  return {
    sandbox, orm, registry, adapter, mediator,
    async close() {
      await sandbox.close();
      await orm.close(true);
    },
  };
}

/** A fresh agent per test, so keys never collide between tests sharing the run database. */
export function newAgent(): ActingAgent {
  return { id: randomUUID(), display_name: 'mediator-test-agent', owner_user_id: 'user-42', owner_email: 'owner@nodedc.example' };
}

/** An allowed action; its project scope is every project unless the test confines it. */
export function action(world: MediatorWorld, tool: string, args: Record<string, unknown>, agent: ActingAgent, idempotencyKey?: string, projectScope: ApprovedAction['projectScope'] = '*'): ApprovedAction {
  return { tool: world.registry.get(tool), args, agent, decisionId: `dec-${randomUUID()}`, projectScope, idempotencyKey: idempotencyKey ?? null };
}

export function newKey(): string {
  return `key-${randomUUID()}`;
}

/** Work items in the sandbox's live data with this exact name. */
export function itemsNamed(sandbox: TaskerSandbox, name: string): number {
  return sandbox.data.workItems.filter((w) => w.name === name && w.deleted_at === null).length;
}

/**
 * Counts the POST requests Tasker receives while `fn` runs: a latency rule scoped to POST (the
 * sandbox counts each request it delays) observes them without changing any answer.
 */
export async function countPosts<T>(sandbox: TaskerSandbox, fn: () => Promise<T>, latencyMs = 1): Promise<{ value: T; posts: number }> {
  sandbox.faults.setLatency(latencyMs, { methods: ['POST'] });
  const before = sandbox.faults.stats.delayed;
  try {
    const value = await fn();
    return { value, posts: sandbox.faults.stats.delayed - before };
  } finally {
    sandbox.faults.setLatency(0, { methods: ['POST'] });
  }
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

export interface StoredRecord {
  status: string;
  tool: string;
  request_hash: string;
  decision_id: string;
  result: unknown;
  tasker_ref: unknown;
  ttl_seconds: number;
}

export async function storedRecord(orm: Orm, agentId: string, key: string): Promise<StoredRecord | undefined> {
  const [row] = await sql<StoredRecord>(
    orm.em.fork(),
    `select status, tool, request_hash, decision_id, result, tasker_ref,
            extract(epoch from expires_at - created_at)::float8 as ttl_seconds
       from idempotency_records where agent_id = ? and idempotency_key = ?`,
    [agentId, key],
  );
  return row;
}

/** Moves a record's expiry into the past, as the passing of its lifetime would. */
export async function expireRecord(orm: Orm, agentId: string, key: string): Promise<void> {
  await sql(orm.em.fork(), `update idempotency_records set expires_at = now() - interval '1 second' where agent_id = ? and idempotency_key = ?`, [agentId, key]);
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
