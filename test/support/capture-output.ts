/** What a CLI command run in-process printed, and its exit code. */
export interface CapturedRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs an in-process CLI command with stdout and stderr captured, so its output can be checked
 * without spawning a process (each spawn costs seconds on these machines).
 */
export async function captureOutput(run: () => Promise<number>): Promise<CapturedRun> {
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => { out += String(c); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => { err += String(c); return true; }) as typeof process.stderr.write;
  try {
    return { code: await run(), out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
