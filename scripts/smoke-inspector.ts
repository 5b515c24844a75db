/**
 * `npm run smoke:inspector`: drives `/mcp` with @modelcontextprotocol/inspector-cli, an MCP client
 * nobody here wrote. Starts the gateway with the sandbox (or uses GATEWAY_URL + AGENT_TOKEN when
 * both are set), lists the tools and calls whoami; exits 0 only when both answers are right.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../src/paths.js';
import { startLocalStack, type LocalStack } from './local-stack.js';

const run = promisify(execFile);
const INSPECTOR_DIR = join(PACKAGE_ROOT, 'node_modules', '@modelcontextprotocol', 'inspector-cli');
const INSPECTOR = join(INSPECTOR_DIR, 'build', 'cli.js');

async function inspector(url: string, token: string, args: string[]): Promise<any> {
  // inspector-cli 1.0.3 probes `../package.json` relative to the working directory but imports it
  // relative to its own module; running from its build directory makes both name its package.json.
  const { stdout } = await run(process.execPath, [INSPECTOR, '--cli', `${url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, ...args], { timeout: 60_000, cwd: join(INSPECTOR_DIR, 'build') });
  return JSON.parse(stdout);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`smoke:inspector failed: ${message}`);
  process.stdout.write(`ok - ${message}\n`);
}

async function main(): Promise<number> {
  let stack: LocalStack | undefined;
  const given = process.env.GATEWAY_URL && process.env.AGENT_TOKEN ? { url: process.env.GATEWAY_URL, token: process.env.AGENT_TOKEN } : undefined;
  try {
    if (!given) stack = await startLocalStack({ workspace: 'nodedc', projects: ['OPS'], tools: ['read'] });
    const url = given?.url ?? stack!.url;
    const token = given?.token ?? stack!.agentToken;
    const listed = await inspector(url, token, ['--method', 'tools/list']);
    const names: string[] = listed.tools.map((t: { name: string }) => t.name);
    check(names.includes('whoami') && names.includes('list_work_items'), `tools/list answered ${names.length} tools (${names.join(', ')})`);
    check(!given ? !names.includes('create_work_item') : true, 'tools/list hides tools the grant does not cover');
    const whoami = await inspector(url, token, ['--method', 'tools/call', '--tool-name', 'whoami']);
    check(whoami.isError !== true && typeof whoami.structuredContent?.agent === 'object', `whoami answered for agent ${JSON.stringify(whoami.structuredContent?.agent?.name)}`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stack?.close();
  }
}

process.exitCode = await main();
