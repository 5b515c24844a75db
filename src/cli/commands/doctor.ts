import { parseArgs } from 'node:util';
import type { CliCommand } from '../main.js';
import { codexConfigFile, codexServerEntry } from './connect-codex.js';
import { credentialsFile, readCredentials, type StoredCredential } from './connect-credentials.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

async function reachable(server: string): Promise<Check> {
  try {
    const res = await fetch(`${server}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return { name: 'gateway reachable', ok: res.ok, detail: `${server}/healthz answered ${res.status}`, ...(res.ok ? {} : { fix: 'start the gateway (npm start) or check --server' }) };
  } catch (err) {
    return { name: 'gateway reachable', ok: false, detail: `${server}: ${(err as Error).message}`, fix: 'start the gateway (npm start) or check --server and your network' };
  }
}

async function token(server: string, credential: StoredCredential | undefined): Promise<Check> {
  if (!credential) return { name: 'token', ok: false, detail: `no token for ${server} in ${credentialsFile()}`, fix: `run: agent-gateway connect --server ${server}` };
  if (credential.expires_at && Date.parse(credential.expires_at) <= Date.now()) return { name: 'token', ok: false, detail: `expired at ${credential.expires_at}`, fix: `run: agent-gateway connect --server ${server}` };
  const res = await fetch(`${server}/api/v1/me`, { headers: { authorization: `Bearer ${credential.access_token}` }, signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (res?.status === 200) return { name: 'token', ok: true, detail: `agent "${credential.agent.display_name}" (${credential.agent.id})${credential.expires_at ? `, expires ${credential.expires_at}` : ''}` };
  return { name: 'token', ok: false, detail: `the gateway refused it (${res?.status ?? 'no answer'}${res?.headers.get('www-authenticate') ? `: ${res.headers.get('www-authenticate')}` : ''})`, fix: `the token was revoked or the agent suspended; run: agent-gateway connect --server ${server}` };
}

function codexConfig(server: string, credential: StoredCredential | undefined, name: string): Check {
  const file = codexConfigFile();
  let entry: Record<string, unknown> | undefined;
  try {
    entry = codexServerEntry(name);
  } catch (err) {
    return { name: 'codex configuration', ok: false, detail: `${file} does not parse: ${(err as Error).message}`, fix: 'fix the TOML syntax, then run connect again' };
  }
  if (!entry) return { name: 'codex configuration', ok: false, detail: `no [mcp_servers.${name}] in ${file}`, fix: `run: agent-gateway connect --server ${server}` };
  if (entry.url !== `${server}/mcp`) return { name: 'codex configuration', ok: false, detail: `[mcp_servers.${name}] points at ${String(entry.url)}`, fix: `run: agent-gateway connect --server ${server}` };
  const headers = entry.http_headers as Record<string, string> | undefined;
  const sendsToken = Boolean(entry.bearer_token_env_var) || headers?.Authorization === `Bearer ${credential?.access_token}`;
  if (!sendsToken) return { name: 'codex configuration', ok: false, detail: `[mcp_servers.${name}] does not send the saved token`, fix: `run: agent-gateway connect --server ${server} (or codex mcp login ${name})` };
  return { name: 'codex configuration', ok: true, detail: `[mcp_servers.${name}] in ${file}, approval mode ${String(entry.default_tools_approval_mode ?? 'Codex default')}` };
}

async function tools(server: string, credential: StoredCredential | undefined): Promise<Check> {
  if (!credential) return { name: 'visible tools', ok: false, detail: 'no token', fix: `run: agent-gateway connect --server ${server}` };
  const res = await fetch(`${server}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${credential.access_token}`, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  if (!res || res.status !== 200) return { name: 'visible tools', ok: false, detail: `tools/list answered ${res?.status ?? 'nothing'}`, fix: 'fix the token check above first' };
  const text = await res.text();
  const json = text.startsWith('{') ? text : (text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? '{}');
  const names = ((JSON.parse(json) as { result?: { tools?: { name: string }[] } }).result?.tools ?? []).map((t) => t.name);
  if (names.length === 0) return { name: 'visible tools', ok: false, detail: 'no tools listed', fix: 'ask the owner to give this agent a grant in the console' };
  return { name: 'visible tools', ok: true, detail: `${names.length} tools (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` };
}

const doctor: CliCommand = {
  summary: 'check the gateway, the saved token, the Codex configuration and the tools it sees',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { server: { type: 'string' }, name: { type: 'string', default: 'tasker' } }, strict: true });
    const saved = readCredentials(credentialsFile());
    const server = values.server ? new URL(values.server).origin : Object.keys(saved)[0];
    if (!server) {
      process.stderr.write('doctor: no gateway known; run agent-gateway connect --server URL first (or pass --server)\n');
      return 2;
    }
    const credential = saved[server];
    const checks = [await reachable(server), await token(server, credential), codexConfig(server, credential, values.name!), await tools(server, credential)];
    for (const check of checks) {
      process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n${check.ok || !check.fix ? '' : `     → ${check.fix}\n`}`);
    }
    return checks.every((c) => c.ok) ? 0 : 1;
  },
};

export default doctor;
