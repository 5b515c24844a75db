import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, patch } from '@decimalturn/toml-patch';

/** The owner's approval mode for the agent, as `connect --approval-mode` takes it. */
export type ApprovalMode = 'ask' | 'auto' | 'read-only';

/** Codex's per-server `default_tools_approval_mode`: ask before every call, or run within the grants. */
const CODEX_APPROVAL: Record<ApprovalMode, string> = { ask: 'prompt', auto: 'approve', 'read-only': 'approve' };

export interface CodexServerEntry {
  name: string;
  url: string;
  token: string;
  approvalMode: ApprovalMode;
  /** For read-only: the only tools Codex offers (the reading tools of `tools/list`). */
  enabledTools?: string[];
}

export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
}

export function codexConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(codexHome(env), 'config.toml');
}

/** Whether `codex` is on PATH (no shell involved). */
export function codexOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'codex');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The server's table in Codex's config. The token goes in `http_headers` so a new shell's
 * `codex exec` sends it without any exported variable; that puts a secret in config.toml, which is
 * why the file is made 0600.
 */
function serverTable(entry: CodexServerEntry): Record<string, unknown> {
  return {
    url: entry.url,
    http_headers: { Authorization: `Bearer ${entry.token}` },
    default_tools_approval_mode: CODEX_APPROVAL[entry.approvalMode],
    ...(entry.enabledTools ? { enabled_tools: entry.enabledTools } : {}),
  };
}

/**
 * Registers the gateway with Codex by writing its table into config.toml with a TOML patcher that
 * keeps the rest of the file. Not `codex mcp add`: against a gateway that advertises OAuth, Codex
 * 0.169's `mcp add` starts its own browser login and waits for it, which would compete with the
 * pairing just done. When Codex is on PATH it reads the entry back (`codex mcp get`), so a file it
 * cannot parse is reported at once.
 */
export async function configureCodex(entry: CodexServerEntry, env: NodeJS.ProcessEnv = process.env): Promise<{ file: string; via: 'checked with codex mcp get' | 'config.toml'; codexError?: string }> {
  const file = codexConfigFile(env);
  await mkdir(codexHome(env), { recursive: true, mode: 0o700 });
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  await writeFile(file, withServer(before, entry.name, serverTable(entry)), { mode: 0o600 });
  await chmod(file, 0o600);
  const codex = codexOnPath(env);
  if (!codex) return { file, via: 'config.toml' };
  const check = spawnSync(codex, ['mcp', 'get', entry.name], { env, encoding: 'utf8', timeout: 30_000 });
  return check.status === 0 ? { file, via: 'checked with codex mcp get' } : { file, via: 'config.toml', codexError: (check.stderr || check.stdout || '').trim().split('\n').pop() ?? 'codex mcp get failed' };
}

/**
 * The config text with the server's table set. A table already there is patched in place; a new one
 * is appended as its own `[mcp_servers.<name>]` section (the patcher alone would write a dotted key at
 * the top, legal TOML but unlike what `codex mcp add` writes). Should appending not parse (an inline
 * `mcp_servers = {...}`), the patcher decides.
 */
function withServer(before: string, name: string, table: Record<string, unknown>): string {
  const document = (before.trim() ? parse(before) : {}) as { mcp_servers?: Record<string, unknown> };
  const updated = { ...document, mcp_servers: { ...(document.mcp_servers ?? {}), [name]: table } };
  if (document.mcp_servers?.[name] !== undefined) return patch(before, updated, { inlineTableStart: 2 });
  const section = patch('', { mcp_servers: { [name]: table } }, { inlineTableStart: 2 }).replace(/^\[mcp_servers\]\s*\n/, '');
  const appended = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${before ? '\n' : ''}${section}`;
  try {
    parse(appended);
    return appended;
  } catch {
    return patch(before, updated, { inlineTableStart: 2 });
  }
}

/** The server's table as Codex will read it, or undefined (for `doctor`). */
export function codexServerEntry(name: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> | undefined {
  const file = codexConfigFile(env);
  if (!existsSync(file)) return undefined;
  const document = parse(readFileSync(file, 'utf8')) as { mcp_servers?: Record<string, Record<string, unknown>> };
  return document.mcp_servers?.[name];
}
