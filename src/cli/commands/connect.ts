import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../main.js';
import { configureCodex, type ApprovalMode } from './connect-codex.js';
import { credentialsFile, saveCredential } from './connect-credentials.js';
import { PairingError, redeemCode, startFlow, waitForApproval, type IssuedToken } from './connect-pairing.js';

const USAGE = `usage: agent-gateway connect --server URL [--device-name NAME] [--code CODE] [--no-browser]
                             [--name tasker] [--approval-mode ask|auto|read-only]

Pairs this machine with the gateway (the owner approves it in the console, or you redeem a pairing
code), keeps the token in a 0600 file under your config directory and configures Codex, so a new
shell's \`codex exec\` reaches the tools without exporting anything.`;

const APPROVAL_MODES: ApprovalMode[] = ['ask', 'auto', 'read-only'];

interface ConnectOptions {
  server: string;
  deviceName: string;
  code?: string;
  browser: boolean;
  name: string;
  approvalMode: ApprovalMode;
}

function options(args: string[]): ConnectOptions | string {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      'device-name': { type: 'string' },
      code: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      name: { type: 'string', default: 'tasker' },
      'approval-mode': { type: 'string', default: 'ask' },
    },
    strict: true,
  });
  if (!values.server) return 'connect: --server URL is required';
  let server: string;
  try {
    server = new URL(values.server).origin;
  } catch {
    return `connect: --server is not a URL: ${values.server}`;
  }
  const approvalMode = values['approval-mode'] as ApprovalMode;
  if (!APPROVAL_MODES.includes(approvalMode)) return `connect: --approval-mode must be one of ${APPROVAL_MODES.join(', ')}`;
  return { server, deviceName: values['device-name'] || hostname(), ...(values.code ? { code: values.code } : {}), browser: !values['no-browser'], name: values.name!, approvalMode };
}

/** Opens the link with the desktop's opener when there is one; the link is printed either way. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

async function pair(opts: ConnectOptions): Promise<IssuedToken> {
  if (opts.code) return redeemCode(opts.server, opts.code, opts.deviceName);
  const flow = await startFlow(opts.server, opts.deviceName);
  const link = flow.verification_uri_complete ?? flow.verification_uri ?? `${opts.server}/console/pair`;
  process.stdout.write(`Approve this device in the console:\n  ${link}\nUser code: ${flow.user_code}\nWaiting for approval…\n`);
  if (opts.browser) openBrowser(link);
  return waitForApproval(opts.server, flow);
}

/** The reading tools, for a read-only Codex entry (tools/list's readOnlyHint). */
async function readingTools(server: string, token: string): Promise<string[]> {
  const res = await fetch(`${server}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  const text = await res.text();
  const json = text.startsWith('{') ? text : (text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? '{}');
  const tools = (JSON.parse(json) as { result?: { tools?: { name: string; annotations?: { readOnlyHint?: boolean } }[] } }).result?.tools ?? [];
  return tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name);
}

const connect: CliCommand = {
  summary: 'pair this machine with a gateway and configure Codex to use it',
  async run(args: string[]): Promise<number> {
    let opts: ConnectOptions | string;
    try {
      opts = options(args);
    } catch (err) {
      opts = `connect: ${(err as Error).message}`;
    }
    if (typeof opts === 'string') {
      process.stderr.write(`${opts}\n${USAGE}\n`);
      return 2;
    }
    try {
      const issued = await pair(opts);
      const file = credentialsFile();
      await saveCredential(file, { server: opts.server, access_token: issued.access_token, token_id: issued.token_id, expires_at: issued.expires_at, agent: issued.agent, server_name: opts.name, saved_at: new Date().toISOString() });
      const enabledTools = opts.approvalMode === 'read-only' ? await readingTools(opts.server, issued.access_token) : undefined;
      const codex = await configureCodex({ name: opts.name, url: `${opts.server}/mcp`, token: issued.access_token, approvalMode: opts.approvalMode, ...(enabledTools ? { enabledTools } : {}) });
      process.stdout.write(
        `Connected as agent "${issued.agent.display_name}" (${issued.agent.id}); the token ${issued.expires_at ? `expires at ${issued.expires_at}` : 'does not expire'}.\n` +
          `Token saved in ${file} (mode 0600).\n` +
          (codex.via === 'codex mcp add' ? `Codex configured: codex mcp add ${opts.name}, then its token header written into ${codex.file} (mode 0600).\n` : `Codex configured: server "${opts.name}" written into ${codex.file} (mode 0600).\n`) +
          (codex.codexError ? `Warning: ${codex.codexError}\n` : '') +
          `Check it with: agent-gateway doctor --server ${opts.server}\n`,
      );
      return 0;
    } catch (err) {
      const message = err instanceof PairingError ? `${err.code}: ${err.message}` : (err as Error).message;
      process.stderr.write(`connect: ${message}\n`);
      return 1;
    }
  },
};

export default connect;
