/**
 * `agent-gateway tasker-sandbox [--port N] [--host H] [--snapshot FILE] [--reset] [--rate-limit N/period] [--keys-file FILE]`:
 * runs the Plane-compatible Tasker sandbox on its own until interrupted. A development tool: its
 * banner on stdout shows the sandbox's own API keys (they open nothing but this sandbox). With
 * `--snapshot` every change is on disk before it is answered; `--reset` starts from the seed.
 * `TASKER_SANDBOX_ADMIN_KEY` / `TASKER_SANDBOX_MEMBER_KEY` pin the keys across restarts.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../main.js';
import { SANDBOX_SEED, startTaskerSandbox, type TaskerSandbox } from '../../tasker/sandbox/index.js';

function snapshotLine(sandbox: TaskerSandbox): string {
  if (!sandbox.snapshotPath) return 'none (in memory only)';
  return `${sandbox.snapshotPath} (${sandbox.restored ? 'data restored from it' : 'fresh from the seed'})`;
}

function banner(sandbox: TaskerSandbox, keysFile: string | undefined): string {
  const { ops, pub } = SANDBOX_SEED.projects;
  const others = sandbox.projects.filter((p) => p !== ops.identifier && p !== pub.identifier);
  return [
    `Tasker sandbox (Plane API v1) listening on ${sandbox.url}/api/v1/`,
    `  TASKER_URL=${sandbox.url}`,
    `  TASKER_WORKSPACE=${sandbox.workspace}`,
    `  projects: ${ops.identifier} ${ops.id} (secret), ${pub.identifier} ${pub.id} (public)${others.length ? `, ${others.join(', ')}` : ''}`,
    `  snapshot: ${snapshotLine(sandbox)}`,
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
        reset: { type: 'boolean', default: false },
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
    if (values.reset && !values.snapshot) {
      process.stderr.write('tasker-sandbox: --reset starts a --snapshot file afresh; without --snapshot the sandbox keeps nothing anyway\n');
      return 2;
    }
    const sandbox = await startTaskerSandbox({
      port,
      host: values.host,
      snapshotPath: values.snapshot,
      reset: values.reset,
      rateLimit: values['rate-limit'],
      apiKeys: { admin: process.env.TASKER_SANDBOX_ADMIN_KEY || undefined, member: process.env.TASKER_SANDBOX_MEMBER_KEY || undefined },
    });
    const keysFile = values['keys-file'];
    if (keysFile) writeFileSync(keysFile, JSON.stringify({ url: sandbox.url, workspace: sandbox.workspace, ...sandbox.apiKeys }, null, 2) + '\n', { mode: 0o600 });
    process.stdout.write(banner(sandbox, keysFile) + '\n');
    await untilSignal();
    await sandbox.close();
    return 0;
  },
};

export default command;
