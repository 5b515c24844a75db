/**
 * `npm run e2e:codex` (not part of `npm test`): the real Codex CLI against the real gateway.
 *
 * Installs @openai/codex into a cached scratch directory, starts the gateway with the Tasker
 * sandbox on a fresh database and a scripted stand-in model (a Responses API server), then:
 * `codex mcp add tasker --url <gw>/mcp`, `codex mcp login tasker` with the browser step done by
 * headless Chromium through the console's sign-in and consent page, and `codex exec`, in which the
 * stand-in has Codex call whoami, get_work_item (a read) and add_comment (a write). Finally the
 * audit log (internal API) must show the three calls. Prints a short transcript; exits non-zero
 * on any failure.
 *
 * AGW_E2E_CODEX_AUTH=token skips the login and hands Codex an agent token in `http_headers`
 * (what `agent-gateway connect` writes), to check the model stand-in and `codex exec` alone.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consentInChromium } from './e2e-codex/browser.js';
import { makeCodexHome, quiet, runCodex, type CodexHome, type CodexRun } from './e2e-codex/codex.js';
import { startE2eGateway, type E2eGateway } from './e2e-codex/gateway.js';
import { CODEX_VERSION, cacheDir, installCodex } from './e2e-codex/install.js';
import { startStandInModel, type ObservedCall, type StandInModel } from './e2e-codex/model.js';

const SCRIPT = [
  { tool: 'whoami', arguments: {} },
  { tool: 'get_work_item', arguments: { work_item: 'OPS-1' } },
  { tool: 'add_comment', arguments: { work_item: 'OPS-1', body: 'Checked from Codex through the agent gateway (e2e:codex).' } },
];
const TOOLS = SCRIPT.map((s) => s.tool);
const AGENT = 'Codex e2e';
/**
 * Codex's default client identity is its own client-ID metadata document on chatgpt.com, which
 * the gateway would fetch from the Internet; this run stays on loopback, so it registers (RFC 7591).
 */
const LOGIN_FLAGS = ['--oauth-client-registration', 'dcr'];

const say = (label: string, text: string) => process.stdout.write(`${label.padEnd(8)} ${text}\n`);

class Failure extends Error {}
function check(condition: unknown, message: string, detail?: string): asserts condition {
  if (!condition) throw new Failure(detail ? `${message}\n${detail}` : message);
}

function shown(run: CodexRun): string {
  return quiet(`${run.stdout}\n${run.stderr}`).split('\n').slice(-12).join('\n');
}

/**
 * `codex mcp add`, then `codex mcp login`, each browser step done by Chromium. Codex 0.169 starts a
 * login by itself from `mcp add` when the server advertises OAuth; that first consent binds a new
 * agent, and the explicit `mcp login` after it is a re-login bound to the same agent.
 */
async function oauthLogin(bin: string, home: CodexHome, gw: E2eGateway): Promise<void> {
  let consents = 0;
  const browserStep = async (url: string) => {
    const binding = consents === 0 ? { newAgent: AGENT } : { existingAgent: AGENT };
    consents += 1;
    const authorize = new URL(url);
    say('browser', `opens ${authorize.origin}${authorize.pathname} (client_id=${authorize.searchParams.get('client_id')}, code_challenge_method=${authorize.searchParams.get('code_challenge_method')}, resource=${authorize.searchParams.get('resource')})`);
    const consent = await consentInChromium(url, gw.owner, binding);
    say('browser', `signed in as ${gw.owner.id}; consent page: "${consent.consentText.slice(0, 200)}"`);
    say('browser', `approved (${'newAgent' in binding ? `new agent "${AGENT}", read+write on OPS` : `existing agent "${AGENT}"`}); redirected to ${new URL(consent.finalUrl).origin}${new URL(consent.finalUrl).pathname}`);
  };
  const lastLine = (run: CodexRun) => quiet(run.stdout + run.stderr).split('\n').filter((l) => !/https?:\/\//.test(l)).at(-1) ?? '';
  const added = await runCodex(bin, home, ['mcp', 'add', 'tasker', '--url', `${gw.url}/mcp`, ...LOGIN_FLAGS], { onBrowserUrl: browserStep });
  say('$', `codex mcp add tasker --url ${gw.url}/mcp ${LOGIN_FLAGS.join(' ')}  -> exit ${added.code}: ${lastLine(added)}`);
  check(added.code === 0, 'codex mcp add failed', shown(added));
  const login = await runCodex(bin, home, ['mcp', 'login', 'tasker', ...LOGIN_FLAGS], { onBrowserUrl: browserStep });
  say('$', `codex mcp login tasker ${LOGIN_FLAGS.join(' ')}  -> exit ${login.code}: ${lastLine(login)}`);
  check(login.code === 0, 'codex mcp login failed', shown(login));
  check(consents > 0, 'codex never asked for a browser step');
}

/** Without OAuth: an agent token in `http_headers`, as `agent-gateway connect` configures Codex. */
async function staticToken(home: CodexHome, gw: E2eGateway): Promise<void> {
  const { agent } = await gw.internal('POST', '/agents', { owner_user_id: gw.owner.id, owner_email: 'codex-e2e-owner@example.com', display_name: AGENT });
  await gw.internal('POST', `/agents/${agent.id}/grants`, { workspace: 'nodedc', projects: ['OPS'], tools: ['read', 'write'] });
  const { secret } = await gw.internal('POST', `/agents/${agent.id}/tokens`, {});
  await appendFile(join(home.home, 'config.toml'), `\n[mcp_servers.tasker]\nurl = "${gw.url}/mcp"\nhttp_headers = { Authorization = "Bearer ${secret}" }\n`);
  say('config', 'agent token placed in [mcp_servers.tasker].http_headers (AGW_E2E_CODEX_AUTH=token)');
}

function summary(calls: ObservedCall[]): string {
  return `Done: ${calls.map((c) => c.name).join(', ')}.`;
}

interface AuditItem {
  kind: string;
  outcome: string;
  agent_id?: string;
  detail?: { tool?: string; result?: string; client_name?: string };
}

async function auditedCalls(gw: E2eGateway): Promise<AuditItem[]> {
  const page = (await gw.internal('GET', `/audit?owner_user_id=${encodeURIComponent(gw.owner.id)}&limit=200`)) as { items: AuditItem[] };
  return page.items.filter((e) => e.kind.startsWith('oauth.') || ((e.kind === 'decision' || e.kind === 'outcome') && TOOLS.includes(String(e.detail?.tool)))).reverse();
}

async function main(): Promise<number> {
  const mode = process.env.AGW_E2E_CODEX_AUTH === 'token' ? 'token' : 'oauth';
  let gw: E2eGateway | undefined;
  let model: StandInModel | undefined;
  try {
    const codex = await installCodex();
    say('codex', `@openai/codex@${CODEX_VERSION} ${codex.installed ? 'installed into' : 'found in'} ${join(cacheDir(), CODEX_VERSION)}`);
    model = await startStandInModel(SCRIPT, summary);
    gw = await startE2eGateway();
    say('gateway', `${gw.url} (fresh database, Tasker sandbox, console user ${gw.owner.id})`);
    say('model', `scripted stand-in (Responses API, SSE) at ${model.baseUrl}`);
    const home = await makeCodexHome(model.baseUrl);
    if (mode === 'oauth') await oauthLogin(codex.bin, home, gw);
    else await staticToken(home, gw);

    const listed = await runCodex(codex.bin, home, ['mcp', 'list']);
    say('$', `codex mcp list  -> ${quiet(listed.stdout).split('\n').filter((l) => l.includes('tasker')).join(' | ')}`);

    const prompt = 'Who am I on Tasker? Then read OPS-1 and leave a comment on it.';
    const exec = await runCodex(codex.bin, home, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt], { timeoutMs: 240_000 });
    say('$', `codex exec "${prompt}"  -> exit ${exec.code}`);
    const calls = model.calls();
    for (const c of calls) say('tool', `${c.name}(${c.arguments}) -> ${(c.output ?? '(no output)').replace(/\s+/g, ' ').slice(0, 140)}`);
    say('model', `${model.requests()} requests; final answer: ${model.finalMessage() ?? '(none)'}`);
    check(exec.code === 0, 'codex exec failed', shown(exec));
    check(calls.length === SCRIPT.length && calls.every((c) => c.output !== undefined), `Codex made ${calls.length} of ${SCRIPT.length} tool calls`, `offered tools: ${model.offeredTools().join(', ')}\n${shown(exec)}`);
    for (const c of calls) check(!/"isError"\s*:\s*true|"error"\s*:\s*\{/.test(c.output ?? ''), `${c.name} answered an error`, c.output);
    check(calls[0]?.output?.includes(`"name":"${AGENT}"`), `whoami did not name the agent "${AGENT}" the owner bound`, calls[0]?.output);

    const audited = await auditedCalls(gw);
    for (const e of audited) say('audit', `${e.kind.padEnd(22)} ${String(e.detail?.tool ?? e.detail?.client_name ?? '').padEnd(14)} ${e.outcome}${e.detail?.result ? ` (${e.detail.result})` : ''}`);
    if (mode === 'oauth') check(audited.some((e) => e.kind === 'oauth.consent_granted'), 'the audit log has no oauth.consent_granted event');
    for (const tool of TOOLS) {
      check(audited.some((e) => e.kind === 'decision' && e.detail?.tool === tool && e.outcome === 'success'), `the audit log has no allowed decision for ${tool}`);
      check(audited.some((e) => e.kind === 'outcome' && e.detail?.tool === tool && e.outcome === 'success'), `the audit log has no successful outcome for ${tool}`);
    }
    say('ok', `Codex ${CODEX_VERSION} ${mode === 'oauth' ? 'logged in with OAuth and ' : ''}called ${TOOLS.join(', ')}; the audit log shows all three`);
    return 0;
  } catch (err) {
    process.stderr.write(`e2e:codex FAILED: ${err instanceof Error ? (err instanceof Failure ? err.message : err.stack) : String(err)}\n`);
    return 1;
  } finally {
    await model?.close().catch(() => undefined);
    await gw?.close().catch(() => undefined);
  }
}

// Exit explicitly: a failed start can leave a handle open (a pool, a timer), and a hung run is worse than a failed one.
process.exit(await main());
