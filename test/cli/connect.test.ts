import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@decimalturn/toml-patch';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { createUser, launchBrowser, newPage, signIn, startConsoleStack, type ConsoleStack } from '../console/support.js';
import { runCli } from '../support/cli.js';

interface Running {
  stdout(): string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** `agent-gateway <args>` from the sources, its output readable while it runs (connect waits for the browser step). */
function startCli(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'test/support/run-cli.ts'), ...args], { cwd: PACKAGE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { stdout: () => stdout, done };
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far: ${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cli: agent-gateway connect and doctor against a running gateway (browser step in real Chromium)', function () {
  this.timeout(240_000);
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  let env: Record<string, string>;

  before(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchBrowser()]);
    const owner = await createUser(stack, 'owner', 'dev');
    ({ page } = await newPage(browser));
    await signIn(page, stack.baseUrl, owner);
    const home = mkdtempSync(join(tmpdir(), 'agw-connect-'));
    // No codex on PATH: connect edits config.toml itself. An existing config with a comment and another server must survive.
    env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), CODEX_HOME: join(home, 'codex'), PATH: '/usr/bin:/bin', LOG_LEVEL: 'warn' };
    await import('node:fs/promises').then((fs) => fs.mkdir(env.CODEX_HOME!, { recursive: true }));
    writeFileSync(join(env.CODEX_HOME!, 'config.toml'), '# my settings\nmodel = "o3" # keep me\n\n[mcp_servers.other]\ncommand = "other-mcp"\n');
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('pairs through the device flow, stores the token 0600 and configures Codex keeping the rest of config.toml', async () => {
    const run = startCli(['connect', '--server', stack.baseUrl, '--device-name', 'dev-laptop', '--no-browser', '--approval-mode', 'auto'], env);
    const [link] = await waitFor(run.stdout, /http\S+\/console\/pair\?user_code=\S+/);
    expect(run.stdout()).to.match(/User code: \S+/);

    await page.goto(link);
    expect(await page.locator('dl.facts').textContent()).to.contain('dev-laptop');
    await page.getByLabel('Name of the new agent').fill('Dev laptop Codex');
    await page.getByLabel('OPS: Operations').check();
    await page.getByLabel('read: every reading tool').check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/console\/agents\?notice=paired/);

    const result = await run.done;
    expect(result.code, result.stderr + result.stdout).to.equal(0);
    expect(result.stdout).to.contain('Connected as agent "Dev laptop Codex"');

    const credentials = join(env.XDG_CONFIG_HOME!, 'agent-gateway', 'credentials.json');
    expect(statSync(credentials).mode & 0o777).to.equal(0o600);
    expect(statSync(join(env.XDG_CONFIG_HOME!, 'agent-gateway')).mode & 0o777).to.equal(0o700);
    const saved = JSON.parse(readFileSync(credentials, 'utf8'))[stack.baseUrl];
    expect(saved.access_token).to.match(/^agw_/);
    expect(result.stdout + result.stderr).not.to.contain(saved.access_token);

    const configFile = join(env.CODEX_HOME!, 'config.toml');
    expect(statSync(configFile).mode & 0o777).to.equal(0o600);
    const text = readFileSync(configFile, 'utf8');
    expect(text).to.contain('# my settings').and.to.contain('# keep me');
    expect(text, 'its own section, as codex mcp add writes it').to.match(/\n\[mcp_servers\.tasker\]\n/);
    const config = parse(text) as { model: string; mcp_servers: Record<string, Record<string, unknown>> };
    expect(config.model).to.equal('o3');
    expect(config.mcp_servers.other).to.deep.equal({ command: 'other-mcp' });
    expect(config.mcp_servers.tasker).to.deep.include({ url: `${stack.baseUrl}/mcp`, default_tools_approval_mode: 'approve' });
    expect(config.mcp_servers.tasker!.http_headers).to.deep.equal({ Authorization: `Bearer ${saved.access_token}` });

    // The token Codex will send works.
    const me = await fetch(`${stack.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${saved.access_token}` } });
    expect(me.status).to.equal(200);
  });

  it('doctor passes every check after connect', async () => {
    const result = await runCli(['doctor', '--server', stack.baseUrl], env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.match(/ok +gateway reachable/).and.to.match(/ok +token/).and.to.match(/ok +codex configuration/).and.to.match(/ok +visible tools: \d+ tools/);
  });

  it('doctor says what to do once the token is revoked', async () => {
    const saved = JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME!, 'agent-gateway', 'credentials.json'), 'utf8'))[stack.baseUrl];
    const revoked = await stack.client.request('POST', `/agents/${saved.agent.id}/tokens/${saved.token_id}/revoke`, {});
    expect(revoked.status, revoked.text).to.be.oneOf([200, 204]);
    const result = await runCli(['doctor', '--server', stack.baseUrl], env);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/FAIL token: the gateway refused it \(401: Bearer [^)]*error="invalid_token"/);
    expect(result.stdout).to.contain(`→ the token was revoked or the agent suspended; run: agent-gateway connect --server ${stack.baseUrl}`);
  });

  it('connect with a bad pairing code fails with the gateway\'s reason and writes nothing', async () => {
    const other = { ...env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'agw-connect-bad-')) };
    const result = await runCli(['connect', '--server', stack.baseUrl, '--code', 'AAAA-BBBB-CCCC', '--no-browser'], other);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^connect: \w+: /);
    expect(() => statSync(join(other.XDG_CONFIG_HOME, 'agent-gateway', 'credentials.json'))).to.throw();
  });

  /**
   * A stand-in for the Codex CLI (an external program, not ours): it records its argv and, for
   * `mcp add`, appends the entry as Codex 0.169 writes it; `mcp get` succeeds, or fails when asked to.
   */
  function fakeCodex(dir: string, getFails = false): string {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const script = [
      '#!/bin/sh',
      'printf "%s\\n" "$*" >> "$CODEX_ARGV_LOG"',
      'if [ "$1 $2" = "mcp add" ]; then printf "\\n[mcp_servers.%s]\\nurl = \\"%s\\"\\nbearer_token_env_var = \\"%s\\"\\n" "$3" "$5" "$7" >> "$CODEX_HOME/config.toml"; fi',
      getFails ? 'if [ "$1 $2" = "mcp get" ]; then echo "Error: failed to parse config" >&2; exit 1; fi' : '',
      'exit 0',
    ].join('\n');
    writeFileSync(join(bin, 'codex'), script + '\n', { mode: 0o755 });
    return bin;
  }

  async function pairingCode(): Promise<string> {
    const agent = await stack.client.createAgent('Codex on PATH');
    const res = await stack.client.request('POST', `/agents/${agent.id}/pairing-codes`, {});
    expect(res.status, res.text).to.equal(201);
    return res.body.pairing_code.code as string;
  }

  it('with codex on PATH: runs codex mcp add NAME --url <gateway>/mcp, then writes the token header into the entry it made, keeping the rest of config.toml', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agw-connect-codex-'));
    const codexEnv = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), CODEX_HOME: join(home, 'codex'), CODEX_ARGV_LOG: join(home, 'argv.log'), PATH: `${fakeCodex(home)}:/usr/bin:/bin`, LOG_LEVEL: 'warn' };
    mkdirSync(codexEnv.CODEX_HOME, { recursive: true });
    writeFileSync(join(codexEnv.CODEX_HOME, 'config.toml'), '# mine\nmodel = "o3"\n');
    const result = await runCli(['connect', '--server', stack.baseUrl, '--code', await pairingCode(), '--no-browser'], codexEnv);
    expect(result.code, result.stderr + result.stdout).to.equal(0);
    expect(result.stdout).to.contain('Codex configured: codex mcp add tasker');
    expect(result.stdout).not.to.contain('Warning');

    const argv = readFileSync(codexEnv.CODEX_ARGV_LOG, 'utf8').trim().split('\n');
    expect(argv).to.deep.equal([`mcp add tasker --url ${stack.baseUrl}/mcp --bearer-token-env-var AGENT_GATEWAY_TOKEN`, 'mcp get tasker']);
    const saved = JSON.parse(readFileSync(join(codexEnv.XDG_CONFIG_HOME, 'agent-gateway', 'credentials.json'), 'utf8'))[stack.baseUrl];
    const configFile = join(codexEnv.CODEX_HOME, 'config.toml');
    expect(statSync(configFile).mode & 0o777).to.equal(0o600);
    const text = readFileSync(configFile, 'utf8');
    expect(text).to.contain('# mine');
    const tasker = (parse(text) as { mcp_servers: Record<string, Record<string, unknown>> }).mcp_servers.tasker!;
    expect(tasker).to.deep.include({ url: `${stack.baseUrl}/mcp`, default_tools_approval_mode: 'prompt' });
    expect(tasker.http_headers).to.deep.equal({ Authorization: `Bearer ${saved.access_token}` });
    expect(tasker, 'the variable nobody exports is gone').not.to.have.property('bearer_token_env_var');
  });

  it('with codex on PATH that cannot read the entry back: still configured, and says what Codex said', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agw-connect-codex-get-'));
    const codexEnv = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), CODEX_HOME: join(home, 'codex'), CODEX_ARGV_LOG: join(home, 'argv.log'), PATH: `${fakeCodex(home, true)}:/usr/bin:/bin`, LOG_LEVEL: 'warn' };
    const result = await runCli(['connect', '--server', stack.baseUrl, '--code', await pairingCode(), '--no-browser'], codexEnv);
    expect(result.code, result.stderr + result.stdout).to.equal(0);
    expect(result.stdout).to.contain('Warning: codex mcp get failed: Error: failed to parse config');
  });
});
