import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { InternalClient, agentWithToken, call, testDatabaseUrl } from '../../support/index.js';
import { logLines, readyUrl, spawnGateway, stopGateway, type GatewayProcess } from '../../cli/gateway-process.js';

/**
 * Issue 14, section 4: `agent-gateway start` (a real process, sandbox Tasker, the run's PostgreSQL)
 * keeps the sandbox's data in DATA_DIR across a crash. A work item created through the gateway is
 * still there after SIGKILL and a restart, so what the audit log names still exists.
 */
describe('tasker sandbox under `agent-gateway start`: data survives SIGKILL and a restart', function () {
  this.timeout(300_000);
  let dataDir: string;
  let gateway: GatewayProcess | undefined;
  const internalToken = randomBytes(32).toString('base64url');

  function start(extraArgs: string[] = []): GatewayProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      INTERNAL_API_TOKEN: internalToken,
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64url'),
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    for (const name of ['TASKER_URL', 'TASKER_API_KEY', 'TASKER_WORKSPACE']) delete env[name];
    return spawnGateway(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/support/run-cli.ts'), 'start', ...extraArgs], PACKAGE_ROOT, env);
  }

  function sandboxLine(process: GatewayProcess): Record<string, unknown> {
    const line = logLines(process.output()).find((l) => String(l.message).startsWith('tasker sandbox in use'));
    expect(line, process.output()).to.not.equal(undefined);
    return line!;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agw-sandbox-restart-'));
  });
  after(async () => {
    await stopGateway(gateway);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a work item created before SIGKILL after the restart; --reset starts the sandbox from its seed', async () => {
    gateway = start();
    let url = await readyUrl(gateway, 240_000);
    const first = sandboxLine(gateway);
    expect(first.workspace).to.equal('nodedc');
    expect(first.projects).to.deep.equal(['OPS', 'PUB']);
    expect(String(first.data)).to.equal(`${join(dataDir, 'tasker-sandbox.json')} (fresh from the seed)`);

    const client = new InternalClient(url, internalToken, 'owner-restart');
    const { token } = await agentWithToken(client, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
    const auth = { authorization: `Bearer ${token}` };
    const created = await call(url, 'POST', '/api/v1/projects/OPS/work-items', { body: { name: 'made before the crash' }, headers: { ...auth, 'idempotency-key': 'restart-create-0001' } });
    expect(created.status, created.text).to.equal(201);
    const humanId = String(created.body.work_item.human_id);
    expect(readFileSync(join(dataDir, 'tasker-sandbox.json'), 'utf8')).to.include('made before the crash');

    process.kill(-gateway.child.pid!, 'SIGKILL');
    await gateway.exited;

    gateway = start();
    url = await readyUrl(gateway, 240_000);
    expect(String(sandboxLine(gateway).data)).to.match(/\(restored\)$/);
    const got = await call(url, 'GET', `/api/v1/work-items/${humanId}`, { headers: auth });
    expect(got.status, got.text).to.equal(200);
    expect(got.body.work_item.name).to.equal('made before the crash');
    await stopGateway(gateway);

    gateway = start(['--reset']);
    url = await readyUrl(gateway, 240_000);
    expect(String(sandboxLine(gateway).data)).to.match(/\(fresh from the seed\)$/);
    expect((await call(url, 'GET', `/api/v1/work-items/${humanId}`, { headers: auth })).status).to.equal(404);
    expect(existsSync(join(dataDir, 'tasker-sandbox.json'))).to.equal(true);
  });
});
