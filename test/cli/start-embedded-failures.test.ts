import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { embeddedEnv, freePort, logLines, spawnGateway, stopGateway, type GatewayProcess } from './gateway-process.js';

/** `agent-gateway start` from the sources, as the other CLI tests run it. */
function startFromSources(env: NodeJS.ProcessEnv): GatewayProcess {
  return spawnGateway(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/support/run-cli.ts'), 'start'], PACKAGE_ROOT, env);
}

/** The run failed with exit code 1 and exactly one error line, which names a reason and a fix; no stack trace anywhere. */
async function oneClearFailure(gateway: GatewayProcess): Promise<{ reason: string; fix: string }> {
  expect(await gateway.exited).to.equal(1);
  const output = gateway.output();
  expect(output, 'no stack trace').not.to.match(/\n\s+at /);
  expect(output).not.to.contain('Unhandled');
  const errors = logLines(output).filter((line) => line.level === 'error');
  expect(errors, output).to.have.length(1);
  expect(errors[0]!.message).to.equal('start failed: the embedded PostgreSQL did not start');
  return { reason: String(errors[0]!.reason), fix: String(errors[0]!.fix) };
}

describe('cli: a start of the embedded PostgreSQL that fails says why and what to do, in one log line', function () {
  this.timeout(120_000);
  let dataDir: string;
  let gateway: GatewayProcess | undefined;
  let squatter: Server | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agw-fail-'));
    // The server runs as the postgres user (as root) and must reach its directory.
    await chmod(dataDir, 0o755);
  });

  afterEach(async () => {
    await stopGateway(gateway);
    gateway = undefined;
    await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
    squatter = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the port and EMBEDDED_PG_PORT when something else listens on the port', async () => {
    const port = await freePort();
    squatter = createServer();
    await new Promise<void>((resolve) => squatter!.listen(port, '127.0.0.1', resolve));
    gateway = startFromSources(embeddedEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) }));
    const { reason, fix } = await oneClearFailure(gateway);
    expect(reason).to.contain(`port ${port}`);
    expect(fix).to.contain('EMBEDDED_PG_PORT');
  });

  it('names the directory and how to get out of it when the cluster directory holds something else', async () => {
    await mkdir(join(dataDir, 'postgres'));
    await writeFile(join(dataDir, 'postgres', 'notes.txt'), 'not a cluster\n');
    gateway = startFromSources(embeddedEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) }));
    const { reason, fix } = await oneClearFailure(gateway);
    expect(reason).to.contain(join(dataDir, 'postgres'));
    expect(reason).to.contain('PG_VERSION');
    expect(fix).to.contain('DATA_DIR');
  });
});
