import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildManifest, manifestPath, sha256Hex, wasmPath } from '../build/layout.js';
import { SIGNATURES_FILE, verifyBuildSignature } from '../build/signing.js';
import type { BuildKey } from '../build/signing-keys.js';
import { PolicyUnavailableError, describeThrown } from './errors.js';

/** A policy module and its manifest, as read from a build directory or produced in memory. */
export interface PolicyBuild {
  wasm: Uint8Array;
  manifest: BuildManifest;
  /** The manifest's text as signed and the `.signatures.json` text, when the build carries a signature. */
  signed?: { manifestText: string; signatures: string };
}

export interface ReadBuildOptions {
  /** When set, the build must carry a signature that verifies under this key (POLICY_VERIFICATION_KEY). */
  verificationKey?: BuildKey;
}

/**
 * Refuses a build that is unsigned or whose signature does not verify or does not match its files.
 * Runs before the module is instantiated, so nothing of an unverified build ever executes.
 */
export async function checkBuildSignature(build: Pick<PolicyBuild, 'wasm' | 'signed'>, key: BuildKey, where: string): Promise<void> {
  if (!build.signed) {
    throw new PolicyUnavailableError('unsigned', `policy build ${where} is not signed (no ${SIGNATURES_FILE}) and POLICY_VERIFICATION_KEY requires a signed build`);
  }
  try {
    await verifyBuildSignature(build.signed.signatures, { wasm: build.wasm, manifestText: build.signed.manifestText }, key);
  } catch (err) {
    throw new PolicyUnavailableError('bad_signature', `policy build ${where} fails signature verification: ${describeThrown(err)}`, err);
  }
}

async function readSignatures(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, SIGNATURES_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PolicyUnavailableError('missing', `policy build file ${join(dir, SIGNATURES_FILE)} cannot be read: ${describeThrown(err)}`, err);
  }
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

/**
 * Reads `policy.wasm` + `manifest.json` (+ `.signatures.json`), checks the signature when a
 * verification key is given, and checks that the module is the one the manifest names.
 */
export async function readPolicyBuild(dir: string, options: ReadBuildOptions = {}): Promise<PolicyBuild> {
  const manifestFile = manifestPath(dir);
  const manifestText = (await readOrFail(manifestFile)).toString('utf8');
  const wasm = new Uint8Array(await readOrFail(wasmPath(dir)));
  const signatures = await readSignatures(dir);
  const signed = signatures === undefined ? {} : { signed: { manifestText, signatures } };
  if (options.verificationKey) await checkBuildSignature({ wasm, ...signed }, options.verificationKey, dir);
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
  return { wasm, manifest, ...signed };
}
