import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { main } from '../../../src/cli/main.js';
import { SANDBOX_SEED } from '../../../src/tasker/sandbox/index.js';

const OPS_ID = SANDBOX_SEED.projects.ops.id;

/** Runs `agent-gateway <args>` in a child process (tsx), as a user would. */
function startCli(args: string[], env: Record<string, string> = {}) {
  const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(args)});`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

/** Starts the sandbox CLI and resolves with its URL once its banner is out. */
async function runningSandbox(args: string[], env: Record<string, string> = {}): Promise<{ child: ReturnType<typeof startCli>; url: string; banner: string; exited: Promise<number | null> }> {
  const child = startCli(args, env);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      if (banner.includes('Press Ctrl+C')) resolve();
    });
    child.once('exit', () => reject(new Error(`exited early: ${banner}`)));
  });
  return { child, url: /TASKER_URL=(\S+)/.exec(banner)![1]!, banner, exited };
}

describe('agent-gateway tasker-sandbox', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tasker-sbx-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects a bad port with exit code 2', async () => {
    expect(await main(['tasker-sandbox', '--port', 'eighty'])).to.equal(2);
  });

  it('prints URL, workspace and sandbox keys, serves them, and saves the snapshot on SIGTERM', async () => {
    const snapshot = join(dir, 'sandbox.json');
    const keysFile = join(dir, 'keys.json');
    const child = startCli(['tasker-sandbox', '--snapshot', snapshot, '--keys-file', keysFile]);
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Press Ctrl+C')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited early: ${stdout}`)));
      });
      const url = /TASKER_URL=(\S+)/.exec(stdout)![1]!;
      expect(stdout).to.include('TASKER_WORKSPACE=nodedc');
      expect(stdout).to.match(/sandbox-only API keys/);
      const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
      expect(statSync(keysFile).mode & 0o077).to.equal(0);
      expect(stdout).to.include(keys.admin);
      const me = await fetch(`${url}/api/v1/users/me/`, { headers: { 'X-API-Key': keys.member } });
      expect(((await me.json()) as { email: string }).email).to.equal('bob@nodedc.example');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    expect(existsSync(snapshot)).to.equal(true);
  });

  it('keeps a change it answered through SIGKILL, and --reset starts from the seed', async function () {
    this.timeout(60_000);
    const snapshot = join(dir, 'sandbox.json');
    const key = 'plane_api_sbx_pinned_for_the_restart_test';
    const env = { TASKER_SANDBOX_ADMIN_KEY: key };
    const itemsUrl = (url: string) => `${url}/api/v1/workspaces/nodedc/projects/${OPS_ID}/work-items/`;
    const first = await runningSandbox(['tasker-sandbox', '--snapshot', snapshot], env);
    expect(first.banner).to.include('fresh from the seed');
    const created = await fetch(itemsUrl(first.url), { method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'survives SIGKILL' }) });
    expect(created.status).to.equal(201);
    const item = (await created.json()) as { id: string };
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await runningSandbox(['tasker-sandbox', '--snapshot', snapshot], env);
    try {
      expect(second.banner).to.include('data restored from it');
      const got = await fetch(`${itemsUrl(second.url)}${item.id}/`, { headers: { 'X-API-Key': key } });
      expect(got.status).to.equal(200);
      expect(((await got.json()) as { name: string }).name).to.equal('survives SIGKILL');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const third = await runningSandbox(['tasker-sandbox', '--snapshot', snapshot, '--reset'], env);
    try {
      expect(third.banner).to.include('fresh from the seed');
      expect((await fetch(`${itemsUrl(third.url)}${item.id}/`, { headers: { 'X-API-Key': key } })).status).to.equal(404);
    } finally {
      third.child.kill('SIGTERM');
      await third.exited;
    }
  });

  it('refuses --reset without --snapshot with exit code 2', async () => {
    expect(await main(['tasker-sandbox', '--reset'])).to.equal(2);
  });
});
