import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

/** A policy file as named to the user (relative to the working directory when under it) and its text. */
export interface RegoFile {
  /** What diagnostics and listings print. */
  path: string;
  /** Where it is on disk. */
  absolute: string;
  text: string;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.rego')).map((e) => join(e.parentPath, e.name));
}

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel.startsWith('..') || rel === '' ? absolute : rel.split(sep).join('/');
}

/**
 * The `.rego` files named by `paths` (files, or directories searched recursively, tests included as
 * `opa check` and `opa fmt` do), each once, sorted by path. A path that does not exist is an error.
 */
export async function readRegoFiles(paths: readonly string[], cwd = process.cwd()): Promise<RegoFile[]> {
  const found = new Set<string>();
  for (const p of paths) {
    const absolute = resolve(cwd, p);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new Error(`${p}: no such file or directory`);
    if (info.isDirectory()) for (const f of await walk(absolute)) found.add(f);
    else found.add(absolute);
  }
  const files: RegoFile[] = [];
  for (const absolute of [...found].sort()) {
    files.push({ path: displayPath(absolute, cwd), absolute, text: await readFile(absolute, 'utf8') });
  }
  return files;
}
