/**
 * The real Codex CLI, installed from npm into a scratch directory outside the project (the package
 * and its platform binary are about 400 MB, too much for node_modules), once per version: a later
 * run finds it and skips the install.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CODEX_VERSION = '0.169.0';

export interface InstalledCodex {
  /** The `codex` launcher (a Node script that starts the platform binary). */
  bin: string;
  /** Whether this run installed it (false: found in the cache). */
  installed: boolean;
}

export function cacheDir(): string {
  return process.env.AGW_CODEX_CACHE ?? join(tmpdir(), 'agw-codex-e2e');
}

export async function installCodex(version = CODEX_VERSION): Promise<InstalledCodex> {
  const prefix = join(cacheDir(), version);
  const bin = join(prefix, 'node_modules', '.bin', 'codex');
  if (existsSync(bin) && (await versionOf(bin)) === version) return { bin, installed: false };
  await mkdir(prefix, { recursive: true });
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `@openai/codex@${version}`], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  const found = await versionOf(bin);
  if (found !== version) throw new Error(`installed @openai/codex@${version} but ${bin} says ${found ?? 'nothing'}`);
  return { bin, installed: true };
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    // An empty home of its own: `--version` must not read or write a real ~/.codex.
    const home = join(cacheDir(), 'version-home');
    await mkdir(home, { recursive: true });
    const { stdout } = await run(bin, ['--version'], { timeout: 60_000, env: { ...process.env, CODEX_HOME: home } });
    return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}
