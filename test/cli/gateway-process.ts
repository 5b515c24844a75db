import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a gateway with no database configured: it must run the embedded PostgreSQL. */
export function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...extra };
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'INTERNAL_API_TOKEN', 'TASKER_URL', 'TASKER_API_KEY', 'TASKER_WORKSPACE']) delete env[name];
  if (!extra.DATA_DIR) delete env.DATA_DIR;
  return env;
}

/** A gateway process (or npm running one) in a process group of its own, so a test can kill it all as a crash would. */
export interface GatewayProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function spawnGateway(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): GatewayProcess {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The URL from the "agent gateway ready" line; rejects with the whole output if the process exits or time runs out first. */
export function readyUrl(gateway: GatewayProcess, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const ready = gateway.output().split('\n').find((line) => line.includes('"agent gateway ready"'));
      if (ready) {
        clearInterval(timer);
        resolve((JSON.parse(ready) as { url: string }).url);
      }
    }, 100);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`the gateway was not ready within ${timeoutMs} ms:\n${gateway.output()}`));
    }, timeoutMs).unref();
    void gateway.exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the gateway exited (${code}) before it was ready:\n${gateway.output()}`));
    });
  });
}

/** Stops a gateway that may still run: SIGTERM to its group, then SIGKILL if it does not go. */
export async function stopGateway(gateway: GatewayProcess | undefined): Promise<void> {
  if (!gateway || gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  try {
    process.kill(-gateway.child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
  if ((await Promise.race([gateway.exited, timeout])) === 'timeout') {
    try {
      process.kill(-gateway.child.pid!, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** The pid in `<pgdata>/postmaster.pid`, if there is one. */
export function postmasterPid(pgdata: string): number | undefined {
  const file = `${pgdata}/postmaster.pid`;
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** Alive and not a zombie (an orphan re-parented to init may be reaped late). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** The JSON log lines of a run (npm's own banner lines and anything else are skipped). */
export function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}
