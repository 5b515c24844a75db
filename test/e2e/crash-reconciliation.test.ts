import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startTaskerSandbox, type TaskerSandbox } from '../../src/tasker/index.js';
import { InternalClient, agentWithToken, call, testDatabaseUrl, type HttpResult } from '../support/index.js';
import { WRITE_OPS } from './support.js';

const CREATE_PATH = /\/projects\/[^/]+\/work-items\/$/;
const ITEM_PATH = /\/work-items\/[0-9a-f-]{36}\/$/;
const WITHIN_MS = 15_000;

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/**
 * `agent-gateway start` from the sources in a process group of its own, against the run's
 * database and the test's sandbox (a real Tasker to it), with the default adapter settings.
 */
async function startGateway(sandbox: TaskerSandbox, internalToken: string): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: testDatabaseUrl(),
    INTERNAL_API_TOKEN: internalToken,
    TASKER_URL: sandbox.url,
    TASKER_API_KEY: sandbox.apiKeys.admin,
    TASKER_WORKSPACE: sandbox.workspace,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/support/run-cli.ts'), 'start'], { cwd: PACKAGE_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = output.split('\n').find((line) => line.includes('"agent gateway ready"'));
      if (ready) resolve((JSON.parse(ready) as { url: string }).url);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`the gateway exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, url, exited };
}

/** What a crash does: the whole process group dies at once, nothing is cleaned up. */
async function crash(running: Running): Promise<void> {
  process.kill(-running.child.pid!, 'SIGKILL');
  await running.exited;
}

async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Retries a keyed call while the gateway answers that the key is still being settled. */
async function retryUntilSettled(send: () => Promise<HttpResult>, deadline: number): Promise<HttpResult> {
  for (;;) {
    const res = await send();
    if (res.status !== 409 || res.body?.error?.code !== 'idempotency_in_progress' || Date.now() > deadline) return res;
  }
}

describe('e2e: a gateway killed mid-write, restarted: keys and approved actions are settled against Tasker', function () {
  this.timeout(240_000);
  let sandbox: TaskerSandbox;
  let running: Running | undefined;
  const internalToken = randomBytes(32).toString('base64url');

  before(async () => {
    sandbox = await startTaskerSandbox({ rateLimit: '100000/minute' });
  });
  after(async () => {
    if (running && running.child.exitCode === null) process.kill(-running.child.pid!, 'SIGTERM');
    await running?.exited;
    await sandbox.close();
  });

  it('a retry with a key in flight at the crash completes within 15 s of the restart, with one item', async () => {
    running = await startGateway(sandbox, internalToken);
    const client = new InternalClient(running.url, internalToken, 'owner-1');
    const { token, agentId } = await agentWithToken(client, WRITE_OPS);
    const rest = (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      call(base, method, `/api/v1${path}`, { ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${token}`, ...headers } });
    const items = (name: string) => sandbox.data.workItems.filter((w) => w.name === name && !w.deleted_at);

    // An item to delete through an approval, made before the faults are set.
    const victim = await rest(running.url, 'POST', '/projects/OPS/work-items', { name: 'crash victim' });
    expect(victim.status, victim.text).to.equal(201);
    const parked = await rest(running.url, 'DELETE', `/work-items/${victim.body.work_item.human_id}`);
    expect(parked.status, parked.text).to.equal(202);
    const actionId: string = parked.body.action_id;

    // A: Tasker applies the create at once and holds the answer. B: Tasker takes it and never applies it.
    // C: the approved delete is applied and its answer held.
    sandbox.faults.answerLateNext(1, { path: CREATE_PATH, methods: ['POST'], delayMs: 120_000 });
    const sentA = rest(running.url, 'POST', '/projects/OPS/work-items', { name: 'crash applied' }, { 'idempotency-key': 'crash-applied-0001' }).catch(() => undefined);
    await until(() => items('crash applied').length === 1, 'create A to be applied');
    sandbox.faults.hangNext(1, { path: CREATE_PATH, methods: ['POST'] });
    const droppedBefore = sandbox.faults.stats.dropped;
    const sentB = rest(running.url, 'POST', '/projects/OPS/work-items', { name: 'crash never applied' }, { 'idempotency-key': 'crash-never-0001' }).catch(() => undefined);
    await until(() => sandbox.faults.stats.dropped > droppedBefore, 'create B to reach Tasker');
    sandbox.faults.answerLateNext(1, { path: ITEM_PATH, methods: ['DELETE'], delayMs: 120_000 });
    const approving = client.request('POST', `/approvals/${actionId}/approve`, {}).catch(() => undefined);
    await until(() => sandbox.data.workItems.find((w) => w.id === victim.body.work_item.id)?.deleted_at != null, 'the approved delete to be applied');

    await crash(running);
    await Promise.all([sentA, sentB, approving]);
    sandbox.faults.reset();

    const restartedAt = Date.now();
    running = await startGateway(sandbox, internalToken);
    const readyAt = Date.now();
    const deadline = readyAt + WITHIN_MS;

    const timed = async (send: () => Promise<HttpResult>) => {
      const res = await retryUntilSettled(send, deadline);
      return { res, afterReadyMs: Date.now() - readyAt };
    };
    const [a, b] = await Promise.all([
      timed(() => rest(running!.url, 'POST', '/projects/OPS/work-items', { name: 'crash applied' }, { 'idempotency-key': 'crash-applied-0001' })),
      timed(() => rest(running!.url, 'POST', '/projects/OPS/work-items', { name: 'crash never applied' }, { 'idempotency-key': 'crash-never-0001' })),
    ]);
    const [retryA, retryB] = [a.res, b.res];
    const doneAt = Date.now();
    console.log(`      restart: ${readyAt - restartedAt} ms to ready; retry A (applied) answered ${a.afterReadyMs} ms and retry B (never applied) ${b.afterReadyMs} ms after ready`);

    expect(retryA.status, retryA.text).to.equal(201);
    expect(items('crash applied')).to.have.length(1);
    expect(retryA.body.work_item.id, 'the item the crashed call created').to.equal(items('crash applied')[0]!.id);
    expect(retryB.status, retryB.text).to.equal(201);
    expect(items('crash never applied')).to.have.length(1);
    expect(doneAt - readyAt).to.be.below(WITHIN_MS);

    // The approved delete is settled by what Tasker shows, not failed blindly.
    let action: HttpResult | undefined;
    const restartedClient = new InternalClient(running.url, internalToken, 'owner-1');
    for (const end = Date.now() + WITHIN_MS; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 250))) {
      action = await restartedClient.request('GET', `/approvals/${actionId}`);
      if (action.body?.action?.status !== 'running') break;
    }
    expect(action?.body.action.status, action?.text).to.equal('succeeded');

    const db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const { rows } = await db.query<{ kind: string; found: boolean; was: string }>(
        `select kind, (detail->>'found')::boolean as found, detail->>'was' as was from audit_events
          where agent_id = $1 and kind in ('tool.reconciled', 'approval.completed') order by seq`,
        [agentId],
      );
      const reconciled = rows.filter((r) => r.kind === 'tool.reconciled');
      expect(reconciled.map((r) => [r.found, r.was]).sort()).to.deep.equal([[false, 'holder_gone'], [true, 'holder_gone'], [true, 'holder_gone']].sort());
      expect(rows.some((r) => r.kind === 'approval.completed')).to.equal(true);
    } finally {
      await db.end();
    }
  });
});
