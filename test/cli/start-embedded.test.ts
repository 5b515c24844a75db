import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { call, InternalClient } from '../support/index.js';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `agent-gateway start` with no DATABASE_URL, from the sources, in a process group of its own
 * (so the test can kill the whole group as a crash would).
 */
async function startGateway(dataDir: string, pgPort: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), PORT: '0', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.INTERNAL_API_TOKEN;
  delete env.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/support/run-cli.ts'), 'start'], { cwd: PACKAGE_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = output.split('\n').find((line) => line.includes('"agent gateway ready"'));
      if (ready) resolve((JSON.parse(ready) as { url: string }).url);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`the gateway exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/**
 * A process that has exited but whose parent has not reaped it yet (a zombie) still answers
 * kill(pid, 0). An orphaned server is re-parented to the machine's init, which may reap late, so
 * zombies count as gone.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('cli: `agent-gateway start` with the embedded PostgreSQL (no DATABASE_URL)', function () {
  // Each start launches PostgreSQL and a TypeScript process; four starts on a busy machine.
  this.timeout(300_000);
  let dataDir: string;
  let pgPort: number;
  let running: Running | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agw-start-'));
    // The server runs as the postgres user and must reach its directory.
    await chmod(dataDir, 0o755);
    pgPort = await freePort();
  });

  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is ready, stops cleanly on SIGTERM, and starts again on the same data after a clean stop, a killed process group and an orphaned server', async () => {
    // First start: initialises the cluster, migrates, generates the internal token file.
    running = await startGateway(dataDir, pgPort);
    expect((await call(running.url, 'GET', '/readyz')).status).to.equal(200);
    const tokenFile = join(dataDir, 'internal-api-token');
    expect(statSync(tokenFile).mode & 0o777).to.equal(0o600);
    const internalToken = readFileSync(tokenFile, 'utf8').trim();
    expect(running.output()).to.contain(tokenFile);
    expect(running.output()).not.to.contain(internalToken);
    const agent = await new InternalClient(running.url, internalToken, 'owner-start').createAgent('Survives restarts');

    // Clean stop: SIGTERM, exit code 0, no server left behind.
    const serverPid = postmasterPid(dataDir)!;
    running.child.kill('SIGTERM');
    expect(await running.exited).to.equal(0);
    expect(alive(serverPid)).to.equal(false);
    expect(postmasterPid(dataDir)).to.equal(undefined);

    // Second start on the same data: the agent is still there.
    running = await startGateway(dataDir, pgPort);
    const again = new InternalClient(running.url, internalToken, 'owner-start');
    expect((await again.request('GET', `/agents/${agent.id}`)).status).to.equal(200);

    // The whole process group dies with SIGKILL: a stale postmaster.pid remains.
    const groupPid = running.child.pid!;
    const killedServer = postmasterPid(dataDir)!;
    process.kill(-groupPid, 'SIGKILL');
    await running.exited;
    await waitUntil(() => !alive(killedServer), 'the killed server is gone');
    expect(postmasterPid(dataDir), 'the stale pid file is left behind').to.equal(killedServer);
    running = await startGateway(dataDir, pgPort);
    expect((await call(running.url, 'GET', '/readyz')).status).to.equal(200);
    expect((await new InternalClient(running.url, internalToken, 'owner-start').request('GET', `/agents/${agent.id}`)).status).to.equal(200);

    // Only the gateway process is killed: its PostgreSQL keeps running, orphaned.
    const orphan = postmasterPid(dataDir)!;
    process.kill(running.child.pid!, 'SIGKILL');
    await running.exited;
    expect(alive(orphan), 'the server outlived its gateway').to.equal(true);
    running = await startGateway(dataDir, pgPort);
    expect(alive(orphan), 'the orphan was shut down').to.equal(false);
    expect((await call(running.url, 'GET', '/readyz')).status).to.equal(200);
    expect((await new InternalClient(running.url, internalToken, 'owner-start').request('GET', `/agents/${agent.id}`)).status).to.equal(200);

    running.child.kill('SIGINT');
    expect(await running.exited).to.equal(0);
  });
});
