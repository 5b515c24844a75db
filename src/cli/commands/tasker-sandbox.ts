/**
 * `agent-gateway tasker-sandbox [--port N] [--host H] [--snapshot FILE] [--rate-limit N/period] [--keys-file FILE]`:
 * runs the Plane-compatible Tasker sandbox on its own until interrupted. A development tool: its
 * banner on stdout shows the sandbox's own API keys (they open nothing but this sandbox).
 * `TASKER_SANDBOX_ADMIN_KEY` / `TASKER_SANDBOX_MEMBER_KEY` pin the keys across restarts.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../main.js';
import { SANDBOX_SEED, startTaskerSandbox, type TaskerSandbox } from '../../tasker/sandbox/index.js';

function banner(sandbox: TaskerSandbox, snapshot: string | undefined, keysFile: string | undefined): string {
  const { ops, pub } = SANDBOX_SEED.projects;
  return [
    `Tasker sandbox (Plane API v1) listening on ${sandbox.url}/api/v1/`,
    `  TASKER_URL=${sandbox.url}`,
    `  TASKER_WORKSPACE=${sandbox.workspace}`,
    `  projects: ${ops.identifier} ${ops.id} (secret), ${pub.identifier} ${pub.id} (public)`,
    `  snapshot: ${snapshot ?? 'none (in memory only)'}`,
    `  sandbox-only API keys (valid for this sandbox and nothing else)${keysFile ? `, also written to ${keysFile}` : ''}:`,
    `    admin  (${SANDBOX_SEED.users.admin.email}, role 20): ${sandbox.apiKeys.admin}`,
    `    member (${SANDBOX_SEED.users.member.email}, role 15): ${sandbox.apiKeys.member}`,
    'Press Ctrl+C to stop.',
  ].join('\n');
}

async function untilSignal(): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const command: CliCommand = {
  summary: 'run the Plane-compatible Tasker sandbox on its own (development and tests)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        snapshot: { type: 'string' },
        'rate-limit': { type: 'string' },
        'keys-file': { type: 'string' },
      },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`tasker-sandbox: --port must be 0-65535, got '${values.port}'\n`);
      return 2;
    }
    const sandbox = await startTaskerSandbox({
      port,
      host: values.host,
      snapshotPath: values.snapshot,
      rateLimit: values['rate-limit'],
      apiKeys: { admin: process.env.TASKER_SANDBOX_ADMIN_KEY || undefined, member: process.env.TASKER_SANDBOX_MEMBER_KEY || undefined },
    });
    const keysFile = values['keys-file'];
    if (keysFile) writeFileSync(keysFile, JSON.stringify({ url: sandbox.url, workspace: sandbox.workspace, ...sandbox.apiKeys }, null, 2) + '\n', { mode: 0o600 });
    process.stdout.write(banner(sandbox, values.snapshot, keysFile) + '\n');
    await untilSignal();
    await sandbox.close();
    return 0;
  },
};

export default command;
