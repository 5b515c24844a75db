import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { sourceRevision } from '../compiler/index.js';

export interface PolicySource {
  /** `<root folder name>/<relative path>` with forward slashes, e.g. `policies/gateway/decision.rego`. */
  path: string;
  text: string;
}

export interface ReadSourcesOptions {
  /** Include `*_test.rego` files (the test runner wants them; production builds do not). */
  includeTests?: boolean;
}

export function isTestFile(path: string): boolean {
  return path.endsWith('_test.rego');
}

async function listRegoFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.rego'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Reads every `.rego` file under `root`, sorted by path. Paths are named from the root folder's own
 * name so that error locations and the manifest read the same on every machine.
 */
export async function readPolicySources(root: string, options: ReadSourcesOptions = {}): Promise<PolicySource[]> {
  const files = await listRegoFiles(root);
  const prefix = basename(root);
  const sources: PolicySource[] = [];
  for (const file of files) {
    const path = [prefix, ...relative(root, file).split(sep)].join('/');
    if (!options.includeTests && isTestFile(path)) continue;
    sources.push({ path, text: await readFile(file, 'utf8') });
  }
  return sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The revision of a set of sources: the compiler's own (SHA-256 over path and text, in path order),
 * so a build made by either engine and the compiler's manifest agree. It is what the manifest records
 * and what `ensurePolicyBuilt` compares to decide whether to rebuild.
 */
export function sourcesRevision(sources: readonly PolicySource[]): string {
  return sourceRevision([...sources]);
}
