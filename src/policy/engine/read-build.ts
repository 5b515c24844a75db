import { readFile } from 'node:fs/promises';
import { type BuildManifest, manifestPath, sha256Hex, wasmPath } from '../build/layout.js';
import { PolicyUnavailableError, describeThrown } from './errors.js';

/** A policy module and its manifest, as read from a build directory or produced in memory. */
export interface PolicyBuild {
  wasm: Uint8Array;
  manifest: BuildManifest;
}

async function readOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new PolicyUnavailableError('missing', `policy build file ${path} cannot be read: ${describeThrown(err)}`, err);
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Checks the fields the engine relies on; anything else in the manifest is informational. */
export function checkManifest(value: unknown, where: string): BuildManifest {
  const m = value as Partial<BuildManifest> | null;
  const problems: string[] = [];
  if (!m || typeof m !== 'object') problems.push('not an object');
  else {
    if (typeof m.revision !== 'string' || m.revision === '') problems.push('revision');
    if (!isStringArray(m.entrypoints)) problems.push('entrypoints');
    if (!m.compiler || typeof m.compiler.name !== 'string') problems.push('compiler');
    if (typeof m.wasm_sha256 !== 'string') problems.push('wasm_sha256');
    if (m.input_paths !== undefined && !(Array.isArray(m.input_paths) && m.input_paths.every(isStringArray))) problems.push('input_paths');
  }
  if (problems.length > 0) {
    throw new PolicyUnavailableError('corrupt', `policy manifest ${where} is invalid (${problems.join(', ')})`);
  }
  return m as BuildManifest;
}

/** Reads `policy.wasm` + `manifest.json` and checks that the module is the one the manifest names. */
export async function readPolicyBuild(dir: string): Promise<PolicyBuild> {
  const manifestFile = manifestPath(dir);
  const manifestText = (await readOrFail(manifestFile)).toString('utf8');
  const wasm = new Uint8Array(await readOrFail(wasmPath(dir)));
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestText);
  } catch (err) {
    throw new PolicyUnavailableError('corrupt', `policy manifest ${manifestFile} is not JSON: ${describeThrown(err)}`, err);
  }
  const manifest = checkManifest(parsed, manifestFile);
  if (sha256Hex(wasm) !== manifest.wasm_sha256) {
    throw new PolicyUnavailableError('corrupt', `policy module ${wasmPath(dir)} does not match the sha256 in its manifest`);
  }
  return { wasm, manifest };
}
