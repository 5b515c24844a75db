import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { main } from '../../../src/cli/main.js';

/** Runs `agent-gateway <args>` in a child process (tsx), as a user would. */
function startCli(args: string[]) {
  const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(args)});`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
});
