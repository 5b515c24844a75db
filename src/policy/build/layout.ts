import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../paths.js';

/** Where `policy build` writes and the engine reads by default (git-ignored). */
export const DEFAULT_BUILD_DIR = join(PACKAGE_ROOT, 'build', 'policy');
export const WASM_FILE = 'policy.wasm';
export const MANIFEST_FILE = 'manifest.json';

/** The entrypoints every production build must export; the engine refuses a build without them. */
export const GATEWAY_ENTRYPOINTS = ['gateway/decision', 'gateway/visible_tools'] as const;

export type CompilerName = 'regoc' | 'opa';

/**
 * What `manifest.json` holds. The first fields are the compiler facade's manifest; the build adds
 * `wasm_sha256` so a truncated or swapped module is caught before it is instantiated.
 * `input_paths` comes only from regoc, which knows what its module reads; without it the engine
 * passes every input whole (as for modules built by `opa`).
 */
export interface BuildManifest {
  revision: string;
  entrypoints: string[];
  compiler: { name: CompilerName; version: string };
  built_at: string;
  host_builtins: string[];
  sources: string[];
  input_paths?: string[][];
  wasm_sha256: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function wasmPath(dir: string): string {
  return join(dir, WASM_FILE);
}

export function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}
