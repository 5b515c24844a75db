import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { call } from '../support/index.js';
import { alive, embeddedEnv, freePort, logLines, postmasterPid, readyUrl, spawnGateway, stopGateway, waitUntil, type GatewayProcess } from './gateway-process.js';

const run = promisify(execFile);

/**
 * Issue 10, finding 6: as root, `npm install && npm start` in a clone inside a 0700 directory (what
 * `mktemp -d` and /root are). The embedded server runs as `postgres`, which cannot enter that tree,
 * so neither the binaries under node_modules nor `.data/` are usable where they are.
 *
 * The clone is `git clone` of this tree's HEAD (what ships). node_modules is the main tree's, hard
 * linked into the clone rather than installed again: the same files with the same modes at the same
 * place inside the 0700 directory, which is what decides whether `postgres` can reach them, for a
 * second instead of a minute of `npm ci`.
 */
describe('cli: `npm start` as root in a clone inside a 0700 directory (embedded PostgreSQL)', function () {
  // One TypeScript build, one policy build and two starts of PostgreSQL: well under two minutes on
  // an idle machine, several times that on a loaded one.
  this.timeout(600_000);
  let outer: string;
  let home: string;
  let gateway: GatewayProcess | undefined;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    outer = await mkdtemp(join(tmpdir(), 'agw-clone-'));
    home = await mkdtemp(join(tmpdir(), 'agw-pghome-'));
  });

  after(async () => {
    await stopGateway(gateway);
    if (home) {
      for (const cluster of existsSync(join(home, 'clusters')) ? readdirSync(join(home, 'clusters')) : []) {
        const pid = postmasterPid(join(home, 'clusters', cluster, 'postgres'));
        if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
      }
      await rm(home, { recursive: true, force: true });
    }
    if (outer) await rm(outer, { recursive: true, force: true });
  });

  it('reaches ready, says where the binaries and the cluster went, and is ready again after SIGKILL', async () => {
    expect(statSync(outer).mode & 0o777, 'mkdtemp gives a private directory').to.equal(0o700);
    const clone = join(outer, 'gateway');
    await run('git', ['clone', '--quiet', PACKAGE_ROOT, clone]);
    await run('cp', ['-al', join(PACKAGE_ROOT, 'node_modules'), join(clone, 'node_modules')]);
    const env = embeddedEnv({ EMBEDDED_PG_HOME: home, EMBEDDED_PG_PORT: String(await freePort()) });

    // `npm start`: builds dist/ (prestart), then runs the compiled CLI.
    gateway = spawnGateway('npm', ['start'], clone, env);
    let url = await readyUrl(gateway, 420_000);
    expect((await call(url, 'GET', '/readyz')).status).to.equal(200);

    const lines = logLines(gateway.output());
    const binariesLine = lines.find((line) => typeof line.binaries === 'string' && String(line.message).includes('root-owned copy'));
    const clusterLine = lines.find((line) => typeof line.cluster === 'string');
    expect(binariesLine, 'the log says where the binaries went').to.not.equal(undefined);
    expect(clusterLine, 'the log says where the cluster went').to.not.equal(undefined);
    const binaries = String(binariesLine!.binaries);
    const pgdata = String(clusterLine!.cluster);
    expect(binaries.startsWith(join(home, 'postgres') + '/')).to.equal(true);
    expect(pgdata.startsWith(join(home, 'clusters') + '/')).to.equal(true);
    // The copy is root's and nobody else may change it; the cluster is the server user's own.
    const program = statSync(join(binaries, 'bin', 'postgres'));
    expect(program.uid).to.equal(0);
    expect(program.mode & 0o022).to.equal(0);
    expect(statSync(pgdata).uid).to.not.equal(0);
    expect(statSync(pgdata).mode & 0o777).to.equal(0o700);
    expect(gateway.output()).not.to.match(/\n\s+at /);

    // A crash of everything: npm, the gateway and PostgreSQL all get SIGKILL; a stale pid file stays.
    const server = postmasterPid(pgdata)!;
    process.kill(-gateway.child.pid!, 'SIGKILL');
    await gateway.exited;
    await waitUntil(() => !alive(server), 'the killed server is gone');
    expect(postmasterPid(pgdata), 'the stale pid file is left behind').to.equal(server);

    // Started again the way `npm start` runs it once built.
    gateway = spawnGateway(process.execPath, ['bin/agent-gateway.js', 'start'], clone, env);
    url = await readyUrl(gateway, 150_000);
    expect((await call(url, 'GET', '/readyz')).status).to.equal(200);
    expect(gateway.output()).to.contain('removing a stale postmaster.pid');
    expect(logLines(gateway.output()).some((line) => line.cluster === pgdata), 'the same cluster is used again').to.equal(true);

    process.kill(-gateway.child.pid!, 'SIGTERM');
    expect(await gateway.exited).to.equal(0);
  });
});
