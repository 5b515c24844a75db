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

/** The variable named to `codex mcp add`: never read, the entry's header replaces it (see configureCodex). */
export const CODEX_ADD_TOKEN_VARIABLE = 'AGENT_GATEWAY_TOKEN';

export interface CodexConfigured {
  file: string;
  /** `codex mcp add` registered the server (then connect wrote its header), or connect wrote config.toml alone. */
  via: 'codex mcp add' | 'config.toml';
  /** What Codex said when `mcp add` or the read-back `mcp get` failed. */
  codexError?: string;
}

function lastLine(result: { stderr?: string | null; stdout?: string | null }, fallback: string): string {
  return (result.stderr || result.stdout || '').trim().split('\n').filter((l) => !l.startsWith('WARNING:')).pop() || fallback;
}

/**
 * Registers the gateway with Codex so a new shell's `codex exec` sends the token without anything
 * exported. When `codex` is on PATH, Codex registers the server itself (`codex mcp add NAME --url
 * URL`), then connect writes the token into the entry's `http_headers`: `mcp add` cannot carry a
 * header, and its only token option, `--bearer-token-env-var`, needs the variable exported in
 * every shell. connect names that option anyway, because Codex 0.169's `mcp add` of a server with
 * no token source that advertises OAuth starts its own browser login at once, competing with the
 * pairing just done; the header written next replaces the variable. Without `codex` on PATH (or
 * when `mcp add` fails) connect writes the whole entry into config.toml itself. Either way the
 * rest of config.toml is kept (a TOML patcher), the file is 0600 (it now holds a secret), and
 * `codex mcp get` reads the entry back when Codex is there, so a file it cannot parse shows at once.
 */
export async function configureCodex(entry: CodexServerEntry, env: NodeJS.ProcessEnv = process.env): Promise<CodexConfigured> {
  const file = codexConfigFile(env);
  await mkdir(codexHome(env), { recursive: true, mode: 0o700 });
  const codex = codexOnPath(env);
  let addError: string | undefined;
  if (codex) {
    const add = spawnSync(codex, ['mcp', 'add', entry.name, '--url', entry.url, '--bearer-token-env-var', CODEX_ADD_TOKEN_VARIABLE], { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (add.status !== 0) addError = `codex mcp add failed: ${lastLine(add, add.error?.message ?? 'no output')}`;
  }
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  await writeFile(file, withServer(before, entry.name, serverTable(entry)), { mode: 0o600 });
  await chmod(file, 0o600);
  const via = codex && !addError ? 'codex mcp add' : 'config.toml';
  if (!codex) return { file, via };
  const check = spawnSync(codex, ['mcp', 'get', entry.name], { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const getError = check.status === 0 ? undefined : `codex mcp get failed: ${lastLine(check, 'no output')}`;
  const codexError = [addError, getError].filter(Boolean).join('; ');
  return { file, via, ...(codexError ? { codexError } : {}) };
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
