import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import pg from 'pg';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { call, InternalClient, testDatabaseUrl } from '../support/index.js';

const ROUNDS = 20;
/** The bound the design promises: a revocation reaches every instance in well under this. */
const BOUND_MS = 1_000;

interface Instance {
  url: string;
  child: ChildProcess;
}

function startInstance(token: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/gateway/fixtures/serve-gateway.ts'), testDatabaseUrl(), token], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening (\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`gateway instance exited early (${code})`)));
  });
}

async function stop(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await exited;
}

interface Poll {
  startedAt: number;
  status: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('gateway: a token revoked on one instance is refused by another within a second', function () {
  this.timeout(300_000);
  const token = randomBytes(32).toString('base64url');
  let a: Instance | undefined;
  let b: Instance | undefined;

  before(async () => {
    [a, b] = await Promise.all([startInstance(token), startInstance(token)]);
  });
  after(async () => {
    await Promise.all([stop(a), stop(b)]);
  });

  it(`revokes ${ROUNDS} tokens on A while B is polled continuously: no call started on B after the answer + ${BOUND_MS} ms is served`, async () => {
    const internal = new InternalClient(a!.url, token, 'owner-two-instances');
    const agent = await internal.createAgent();
    // The test's own listener: when it hears the revocation is the closest this test sees of its commit.
    const listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    await listener.query('listen agw_identity');
    let heardAt: number | undefined;
    listener.on('notification', () => (heardAt ??= performance.now()));
    const fromRequest: number[] = [];
    const fromAnswer: number[] = [];
    const fromHeard: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const { secret, token: issued } = await internal.issueToken(agent.id);
      const onB = () => call(b!.url, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
      // B knows the token (and has had time to take it into its cache).
      for (let i = 0; i < 5; i += 1) expect((await onB()).status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 50));

      const polls: Poll[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const startedAt = performance.now();
          polls.push({ startedAt, status: (await onB()).status });
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 30));
      heardAt = undefined;
      const sent = performance.now();
      const revoked = await internal.request('POST', `/agents/${agent.id}/tokens/${issued.id}/revoke`, {});
      const answered = performance.now();
      expect(revoked.status).to.equal(200);
      while (performance.now() < answered + BOUND_MS + 200) await new Promise((resolve) => setTimeout(resolve, 20));
      polling = false;
      await poller;

      const servedLate = polls.filter((p) => p.startedAt > answered + BOUND_MS && p.status !== 401);
      expect(servedLate, `round ${round}: calls served after the revoke's answer + ${BOUND_MS} ms`).to.deep.equal([]);
      const firstRefusal = polls.find((p) => p.startedAt > sent && p.status === 401);
      expect(firstRefusal, `round ${round}: B refused the token`).to.not.equal(undefined);
      expect(polls.filter((p) => p.startedAt > firstRefusal!.startedAt && p.status !== 401), 'never served again once refused').to.deep.equal([]);
      // The commit happens between the request and its answer: the first refusal measured from both ends.
      fromRequest.push(firstRefusal!.startedAt - sent);
      fromAnswer.push(firstRefusal!.startedAt - answered);
      if (heardAt !== undefined) fromHeard.push(firstRefusal!.startedAt - heardAt);
    }
    await listener.end();
    const figures = (xs: number[]) => ({ median: Number(median(xs).toFixed(1)), max: Number(Math.max(...xs).toFixed(1)) });
    // Negative: B's first refusal started before that moment (B heard the commit before the client got its answer).
    const summary = { rounds: ROUNDS, from_revoke_request_ms: figures(fromRequest), from_commit_heard_by_test_ms: figures(fromHeard), from_revoke_answer_ms: figures(fromAnswer) };
    process.stdout.write(`      revocation A -> B: ${JSON.stringify(summary)}\n`);
  });
});
