/**
 * Runs the real `codex` in a scratch CODEX_HOME whose config.toml names the stand-in model as its
 * model provider. `BROWSER` points at a small script that writes the URL Codex wants opened to a
 * file, so the browser step (OAuth login) can be done by Chromium instead of a desktop browser.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CodexHome {
  home: string;
  /** A working directory for `codex exec` (a scratch folder, not this repository). */
  workdir: string;
  /** Where the BROWSER script writes each URL Codex asks to open, one a line. */
  openedUrls: string;
  env: NodeJS.ProcessEnv;
}

export interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A TOML basic string (JSON's escapes are a subset TOML accepts for these values). */
const toml = (value: string) => JSON.stringify(value);

export async function makeCodexHome(modelBaseUrl: string): Promise<CodexHome> {
  const root = await mkdtemp(join(tmpdir(), 'agw-codex-home-'));
  const home = join(root, 'codex-home');
  const workdir = join(root, 'work');
  await Promise.all([mkdir(home, { recursive: true }), mkdir(workdir, { recursive: true })]);
  const openedUrls = join(root, 'opened-urls.txt');
  const browser = join(root, 'browser.sh');
  await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> ${JSON.stringify(openedUrls)}\n`);
  await chmod(browser, 0o755);
  await writeFile(
    join(home, 'config.toml'),
    [
      'model = "scripted-stand-in"',
      'model_provider = "standin"',
      // Tokens from `codex mcp login` in a file under CODEX_HOME: a headless machine has no keyring.
      'mcp_oauth_credentials_store = "file"',
      '',
      '[model_providers.standin]',
      'name = "Scripted stand-in model"',
      `base_url = ${toml(modelBaseUrl)}`,
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, CODEX_HOME: home, BROWSER: browser, NO_COLOR: '1', RUST_LOG: process.env.RUST_LOG ?? 'error' };
  for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_API_KEY', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[name];
  return { home, workdir, openedUrls, env };
}

export interface RunOptions {
  /** Called once with the first URL Codex asks a browser to open (or prints); the run continues meanwhile. */
  onBrowserUrl?: (url: string) => Promise<void>;
  timeoutMs?: number;
}

const AUTHORIZE_URL = /https?:\/\/[^\s"'<>]+\/oauth\/authorize\?[^\s"'<>]+/;

function openedLines(codexHome: CodexHome): string[] {
  return existsSync(codexHome.openedUrls) ? readFileSync(codexHome.openedUrls, 'utf8').split('\n').filter(Boolean) : [];
}

/** Runs `codex ...args`; watches for a browser step and hands its URL to `onBrowserUrl`. */
export function runCodex(bin: string, codexHome: CodexHome, args: string[], options: RunOptions = {}): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: codexHome.workdir, env: codexHome.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let handed = false;
    // URLs opened by earlier runs stay in the file; only a new line belongs to this run.
    const openedBefore = openedLines(codexHome).length;
    let browserStep: Promise<void> = Promise.resolve();
    let browserError: unknown;
    const look = () => {
      if (handed || !options.onBrowserUrl) return;
      const url = openedLines(codexHome).slice(openedBefore).at(-1) ?? AUTHORIZE_URL.exec(stdout + stderr)?.[0];
      if (!url) return;
      handed = true;
      browserStep = options.onBrowserUrl(url).catch((err: unknown) => {
        browserError = err;
        child.kill('SIGTERM');
      });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      look();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      look();
    });
    const poll = setInterval(look, 200);
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      void browserStep.then(() => (browserError ? reject(browserError) : resolve({ code, stdout, stderr })));
    });
  });
}

/** Codex's stderr without its harmless notes about helper binaries under a temporary CODEX_HOME. */
export function quiet(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() && !line.includes('could not create PATH aliases'))
    .join('\n');
}
