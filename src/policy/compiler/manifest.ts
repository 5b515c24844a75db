import { createHash } from 'node:crypto';
import { REGOC_VERSION } from './version.js';

export interface SourceFile { path: string; text: string }

export interface Manifest {
  revision: string;
  entrypoints: string[];
  compiler: { name: 'regoc'; version: string };
  built_at: string;
  host_builtins: string[];
  sources: string[];
  /**
   * The paths under `input` the module can read (see inputPathsRead); `[[]]` means the whole input.
   * The engine passes the module only these parts of each input.
   */
  input_paths: string[][];
}

/** sha256 over the (path, text) pairs sorted by path: equal sources give equal revisions. */
export function sourceRevision(files: SourceFile[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(f.path).update('\0').update(f.text).update('\0');
  }
  return hash.digest('hex');
}

export function buildManifest(files: SourceFile[], entrypoints: string[], hostBuiltins: string[], inputPaths: readonly (readonly string[])[]): Manifest {
  return {
    revision: sourceRevision(files),
    entrypoints,
    compiler: { name: 'regoc', version: REGOC_VERSION },
    built_at: new Date().toISOString(),
    host_builtins: [...hostBuiltins].sort(),
    sources: files.map((f) => f.path).sort(),
    input_paths: inputPaths.map((path) => [...path]),
  };
}
