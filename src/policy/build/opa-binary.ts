import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `opa` binary to use: `OPA_BIN` when set, else the first `opa` on PATH, else none. */
export function findOpaBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.OPA_BIN;
  if (named) {
    const path = isAbsolute(named) ? named : resolve(named);
    return isExecutable(path) ? path : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'opa');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface OpaBuildRequest {
  binary: string;
  policiesDir: string;
  entrypoints: readonly string[];
  bundleFile: string;
  env?: NodeJS.ProcessEnv;
}

/** `opa build -t wasm`, leaving test files out as the project's own compiler does. */
export async function runOpaBuild(request: OpaBuildRequest): Promise<void> {
  const args = ['build', '-t', 'wasm', '--ignore', '*_test.rego', '-o', request.bundleFile];
  for (const entrypoint of request.entrypoints) args.push('-e', entrypoint);
  args.push(request.policiesDir);
  try {
    await run(request.binary, args, { env: request.env ?? process.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`${request.binary} build failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

/** The version `opa version` prints (`Version: 1.2.3`), or `unknown`. */
export async function opaVersion(binary: string, env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(binary, ['version'], { env: env ?? process.env });
    return /^Version:\s*(\S+)/m.exec(stdout)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
