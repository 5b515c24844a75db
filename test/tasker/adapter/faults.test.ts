import { expect } from 'chai';
import type { TaskerSandbox } from '../../../src/tasker/index.js';
import { adapterFor, failureOf, startSandbox } from './support.js';

const PROJECTS = '/projects/';

describe('Tasker adapter: retries, timeouts and faults', () => {
  let sandbox: TaskerSandbox;

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.faults.reset();
    sandbox.faults.resetStats();
  });

  it('waits for Retry-After after a 429 and then succeeds', async () => {
    sandbox.faults.throttleNext(1, { path: PROJECTS, retryAfterSeconds: 1 });
    const adapter = adapterFor(sandbox);
    const result = await adapter.listProjects({});
    expect(result.projects).to.have.length(2);
    expect(sandbox.faults.stats).to.include({ throttled: 1, requests: 2 });
  });

  it('does not wait for a Retry-After longer than it may, and reports throttled with the delay', async () => {
    sandbox.faults.throttleNext(1, { path: PROJECTS, retryAfterSeconds: 30 });
    const adapter = adapterFor(sandbox, { maxRetryAfterMs: 1_000 });
    const err = await failureOf(() => adapter.listProjects({}));
    expect(err.code).to.equal('throttled');
    expect(err.context).to.include({ retry_after_seconds: 30, attempts: 1 });
    expect(sandbox.faults.stats.requests).to.equal(1);
  });

  it('gives up on a run of 429s after maxAttempts with throttled', async () => {
    sandbox.faults.throttleNext(10, { path: PROJECTS, retryAfterSeconds: 0 });
    const adapter = adapterFor(sandbox, { maxAttempts: 3 });
    const err = await failureOf(() => adapter.listProjects({}));
    expect(err.code).to.equal('throttled');
    expect(sandbox.faults.stats.requests).to.equal(3);
  });

  for (const status of [502, 503, 504] as const) {
    it(`retries a ${status} and then succeeds`, async () => {
      sandbox.faults.failNext(2, { path: PROJECTS, status });
      const result = await adapterFor(sandbox).listProjects({});
      expect(result.projects).to.have.length(2);
      expect(sandbox.faults.stats).to.include({ failed: 2, requests: 3 });
    });
  }

  it('does not retry a 500 and reports tasker_unavailable', async () => {
    sandbox.faults.failNext(1, { path: PROJECTS, status: 500 });
    const err = await failureOf(() => adapterFor(sandbox).listProjects({}));
    expect(err.code).to.equal('tasker_unavailable');
    expect(sandbox.faults.stats.requests).to.equal(1);
    expect(JSON.stringify(err)).to.not.include('nginx');
  });

  it('after persistent 503s makes exactly maxAttempts attempts, then tasker_unavailable', async () => {
    sandbox.faults.failNext(50, { path: PROJECTS, status: 503 });
    const err = await failureOf(() => adapterFor(sandbox, { maxAttempts: 4 }).listProjects({}));
    expect(err.code).to.equal('tasker_unavailable');
    expect(err.context).to.include({ attempts: 4, upstream_status: 503 });
    expect(sandbox.faults.stats.requests).to.equal(4);
  });

  it('retries a reset connection and then succeeds', async () => {
    sandbox.faults.dropNext(1, { path: PROJECTS });
    const result = await adapterFor(sandbox).listProjects({});
    expect(result.projects).to.have.length(2);
    expect(sandbox.faults.stats).to.include({ dropped: 1, requests: 2 });
  });

  it('after persistent connection resets makes exactly maxAttempts attempts, then tasker_unavailable', async () => {
    sandbox.faults.dropNext(50, { path: PROJECTS });
    const err = await failureOf(() => adapterFor(sandbox, { maxAttempts: 3 }).listProjects({}));
    expect(err.code).to.equal('tasker_unavailable');
    expect(err.context).to.include({ attempts: 3, reason: 'connection' });
    expect(sandbox.faults.stats.dropped).to.equal(3);
  });

  it('times out a slow answer per attempt, retries, then reports tasker_unavailable', async () => {
    sandbox.faults.setLatency(1_000, { path: PROJECTS });
    const err = await failureOf(() => adapterFor(sandbox, { timeoutMs: 100, maxAttempts: 2 }).listProjects({}));
    expect(err.code).to.equal('tasker_unavailable');
    expect(err.context).to.include({ attempts: 2, reason: 'timeout' });
    expect(sandbox.faults.stats.requests).to.equal(2);
  });

  it('stops retrying when the operation deadline is reached, before maxAttempts', async () => {
    sandbox.faults.setLatency(1_000, { path: PROJECTS });
    const err = await failureOf(() => adapterFor(sandbox, { timeoutMs: 150, deadlineMs: 250, maxAttempts: 10 }).listProjects({}));
    expect(err.code).to.equal('tasker_unavailable');
    expect(sandbox.faults.stats.requests).to.be.within(1, 2);
  });

  it('a timeout followed by a quick answer succeeds', async () => {
    const adapter = adapterFor(sandbox, { timeoutMs: 150, backoffBaseMs: 200, backoffMaxMs: 200 });
    sandbox.faults.setLatency(1_000, { path: PROJECTS });
    const pending = adapter.listProjects({});
    await waitUntil(() => sandbox.faults.stats.delayed >= 1);
    sandbox.faults.setLatency(0, { path: PROJECTS });
    expect((await pending).projects).to.have.length(2);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
