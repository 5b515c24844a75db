import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGOC_VERSION, compilePolicy } from '../compiler/index.js';
import { POLICIES_DIR } from '../../paths.js';
import {
  type BuildManifest,
  type CompilerName,
  DEFAULT_BUILD_DIR,
  GATEWAY_ENTRYPOINTS,
  manifestPath,
  sha256Hex,
  wasmPath,
} from './layout.js';
import { moduleHostBuiltins } from './module-builtins.js';
import { extractBundleWasm } from './opa-bundle.js';
import { findOpaBinary, opaVersion, runOpaBuild } from './opa-binary.js';
import { type PolicySource, readPolicySources, sourcesRevision } from './sources.js';
import { SIGNATURES_FILE, signBuild, verifyBuildSignature } from './signing.js';
import { type BuildKey, readSigningKey } from './signing-keys.js';

export type EngineChoice = 'auto' | CompilerName;

export interface BuildOptions {
  /** `auto` (default): an `opa` binary when one is found, else the project's compiler. */
  engine?: EngineChoice;
  policiesDir?: string;
  outDir?: string;
  entrypoints?: readonly string[];
  /** Environment for finding and running `opa` (PATH, OPA_BIN). */
  env?: NodeJS.ProcessEnv;
  /** regoc only: optimise the module (default true; tests turn it off for speed). */
  optimize?: boolean;
  /** A private key file (PEM, or an HS256 secret): the build is signed into `.signatures.json`. */
  signingKey?: string;
}

export interface BuildResult {
  dir: string;
  manifest: BuildManifest;
  /** A `.signatures.json` was written (or, for an existing build, verifies under the signing key). */
  signed: boolean;
}

interface ModuleOutput {
  wasm: Uint8Array;
  compiler: { name: CompilerName; version: string };
  hostBuiltins: string[];
  inputPaths?: string[][];
}

async function buildWithRegoc(sources: PolicySource[], entrypoints: readonly string[], optimize: boolean): Promise<ModuleOutput> {
  const compiled = await compilePolicy(sources, { entrypoints: [...entrypoints], optimize });
  return {
    wasm: compiled.wasm,
    compiler: { name: 'regoc', version: compiled.manifest.compiler.version },
    hostBuiltins: compiled.manifest.host_builtins,
    inputPaths: compiled.manifest.input_paths,
  };
}

async function buildWithOpa(binary: string, options: Required<Pick<BuildOptions, 'policiesDir' | 'entrypoints'>> & { env: NodeJS.ProcessEnv }): Promise<ModuleOutput> {
  const work = await mkdtemp(join(tmpdir(), 'opa-build-'));
  try {
    const bundleFile = join(work, 'bundle.tar.gz');
    await runOpaBuild({ binary, policiesDir: options.policiesDir, entrypoints: options.entrypoints, bundleFile, env: options.env });
    const wasm = await extractBundleWasm(bundleFile);
    return {
      wasm,
      compiler: { name: 'opa', version: await opaVersion(binary, options.env) },
      hostBuiltins: await moduleHostBuiltins(wasm),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function chooseOpa(engine: EngineChoice, env: NodeJS.ProcessEnv): string | undefined {
  if (engine === 'regoc') return undefined;
  const binary = findOpaBinary(env);
  if (engine === 'opa' && !binary) {
    throw new Error(env.OPA_BIN ? `OPA_BIN=${env.OPA_BIN} is not an executable file` : 'no opa binary on PATH (set OPA_BIN or use --engine regoc)');
  }
  return binary;
}

/** Writes a file under a temporary name first so a reader never sees half of it. */
async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}

/** Compiles `policies/` (test files excluded) into `<out>/policy.wasm` + `<out>/manifest.json`. */
export async function buildPolicies(options: BuildOptions = {}): Promise<BuildResult> {
  const policiesDir = options.policiesDir ?? POLICIES_DIR;
  const dir = options.outDir ?? DEFAULT_BUILD_DIR;
  const entrypoints = options.entrypoints ?? GATEWAY_ENTRYPOINTS;
  const env = options.env ?? process.env;
  const sources = await readPolicySources(policiesDir);
  if (sources.length === 0) throw new Error(`no .rego files under ${policiesDir}`);
  const opa = chooseOpa(options.engine ?? 'auto', env);
  const output = opa
    ? await buildWithOpa(opa, { policiesDir, entrypoints, env })
    : await buildWithRegoc(sources, entrypoints, options.optimize ?? true);
  const manifest: BuildManifest = {
    revision: sourcesRevision(sources),
    entrypoints: [...entrypoints],
    compiler: output.compiler,
    built_at: new Date().toISOString(),
    host_builtins: output.hostBuiltins,
    sources: sources.map((s) => s.path),
    ...(output.inputPaths ? { input_paths: output.inputPaths } : {}),
    wasm_sha256: sha256Hex(output.wasm),
  };
  // Read before anything is written, so a bad key leaves the previous build as it was.
  const key = options.signingKey === undefined ? undefined : readSigningKey(options.signingKey);
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  await mkdir(dir, { recursive: true });
  // A signature of the previous build must not outlive it: an unsigned build is refused as unsigned.
  await rm(join(dir, SIGNATURES_FILE), { force: true });
  // The module goes first: a reader that sees the new manifest with the old module refuses the pair.
  await writeAtomically(wasmPath(dir), output.wasm);
  await writeAtomically(manifestPath(dir), manifestText);
  if (key) await writeAtomically(join(dir, SIGNATURES_FILE), await signBuild({ wasm: output.wasm, manifestText }, key));
  return { dir, manifest, signed: key !== undefined };
}

export interface EnsureResult extends BuildResult {
  rebuilt: boolean;
}

/** The key that checks what `key` signs: the public half of a private key, the secret itself for HS256. */
function verifierOf(key: BuildKey): BuildKey {
  return key.alg === 'HS256' ? key : { alg: key.alg, key: createPublicKey(key.key as KeyObject) };
}

/**
 * With a signing key, an existing build counts only when its signature verifies under that key:
 * start-up never signs files it did not build itself (they may have been put there by someone else).
 */
async function signedBy(dir: string, files: { wasm: Uint8Array; manifestText: string }, key: BuildKey): Promise<boolean> {
  try {
    await verifyBuildSignature(await readFile(join(dir, SIGNATURES_FILE), 'utf8'), files, verifierOf(key));
    return true;
  } catch {
    return false;
  }
}

async function currentManifest(dir: string, key: BuildKey | undefined): Promise<BuildManifest | undefined> {
  try {
    const manifestText = await readFile(manifestPath(dir), 'utf8');
    const manifest = JSON.parse(manifestText) as BuildManifest;
    const wasm = await readFile(wasmPath(dir));
    if (sha256Hex(wasm) !== manifest.wasm_sha256) return undefined;
    if (key && !(await signedBy(dir, { wasm: new Uint8Array(wasm), manifestText }, key))) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

/** A build by another version of regoc lacks what this version's engine and runtime expect of it. */
function madeByOtherRegoc(manifest: BuildManifest): boolean {
  return manifest.compiler.name === 'regoc' && manifest.compiler.version !== REGOC_VERSION;
}

/**
 * What `npm start` runs: builds the policies when there is no intact build, its revision differs
 * from the sources, it was made by another version of regoc, or (with a signing key) it is not
 * signed by that key; otherwise it leaves it alone.
 */
export async function ensurePolicyBuilt(options: BuildOptions = {}): Promise<EnsureResult> {
  const policiesDir = options.policiesDir ?? POLICIES_DIR;
  const dir = options.outDir ?? DEFAULT_BUILD_DIR;
  const revision = sourcesRevision(await readPolicySources(policiesDir));
  const key = options.signingKey === undefined ? undefined : readSigningKey(options.signingKey);
  const existing = await currentManifest(dir, key);
  const entrypoints = options.entrypoints ?? GATEWAY_ENTRYPOINTS;
  const complete = existing && entrypoints.every((e) => existing.entrypoints.includes(e));
  if (existing && complete && existing.revision === revision && !madeByOtherRegoc(existing)) {
    return { dir, manifest: existing, rebuilt: false, signed: key !== undefined };
  }
  return { ...(await buildPolicies(options)), rebuilt: true };
}
