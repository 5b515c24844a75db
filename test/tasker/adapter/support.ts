import { expect } from 'chai';
import { ContractRegistry } from '../../../src/contracts/index.js';
import { TaskerAdapter, startTaskerSandbox, type Actor, type TaskerAdapterOptions, type TaskerSandbox, type TaskerSandboxOptions } from '../../../src/tasker/index.js';

export const ACTOR: Actor = { agentId: '6f9f3c1e-1111-4aaa-8bbb-000000000001', agentName: 'codex-laptop', ownerEmail: 'alice@nodedc.example' };
export const OTHER_ACTOR: Actor = { agentId: '6f9f3c1e-2222-4aaa-8bbb-000000000002', agentName: 'codex-ci', ownerEmail: 'bob@nodedc.example' };

export const contracts = ContractRegistry.load();

/** A sandbox with a throttle high enough that only injected 429s appear. */
export function startSandbox(options: TaskerSandboxOptions = {}): Promise<TaskerSandbox> {
  return startTaskerSandbox({ rateLimit: '100000/minute', maxPerPage: 100, ...options });
}

/** An adapter for the sandbox with short waits, so fault tests stay fast. */
export function adapterFor(sandbox: TaskerSandbox, overrides: Partial<TaskerAdapterOptions> = {}): TaskerAdapter {
  return new TaskerAdapter({
    baseUrl: sandbox.url,
    apiKey: sandbox.apiKeys.admin,
    workspace: sandbox.workspace,
    timeoutMs: 2_000,
    deadlineMs: 10_000,
    backoffBaseMs: 5,
    backoffMaxMs: 40,
    ...overrides,
  });
}

/** The result must match the tool's outputSchema: the adapter's shapes are the contracts' shapes. */
export function expectValidResult(tool: string, result: unknown): void {
  const validation = contracts.validateResult(tool, result);
  expect(validation, `${tool} result: ${JSON.stringify(validation)}`).to.deep.equal({ ok: true });
}

/** Runs `fn` and returns the GatewayError-like value it rejects with. */
export async function failureOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string; fields?: { pointer: string; message: string }[]; context?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (err) {
    return err as never;
  }
  throw new Error('expected the call to fail');
}
