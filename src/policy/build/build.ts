import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
}

export interface BuildResult {
  dir: string;
  manifest: BuildManifest;
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
  await mkdir(dir, { recursive: true });
  // The module goes first: a reader that sees the new manifest with the old module refuses the pair.
  await writeAtomically(wasmPath(dir), output.wasm);
  await writeAtomically(manifestPath(dir), JSON.stringify(manifest, null, 2) + '\n');
  return { dir, manifest };
}

export interface EnsureResult extends BuildResult {
  rebuilt: boolean;
}

async function currentManifest(dir: string): Promise<BuildManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestPath(dir), 'utf8')) as BuildManifest;
    const wasm = await readFile(wasmPath(dir));
    return sha256Hex(wasm) === manifest.wasm_sha256 ? manifest : undefined;
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
 * from the sources or it was made by another version of regoc, and otherwise leaves it alone.
 */
export async function ensurePolicyBuilt(options: BuildOptions = {}): Promise<EnsureResult> {
  const policiesDir = options.policiesDir ?? POLICIES_DIR;
  const dir = options.outDir ?? DEFAULT_BUILD_DIR;
  const revision = sourcesRevision(await readPolicySources(policiesDir));
  const existing = await currentManifest(dir);
  const entrypoints = options.entrypoints ?? GATEWAY_ENTRYPOINTS;
  const complete = existing && entrypoints.every((e) => existing.entrypoints.includes(e));
  if (existing && complete && existing.revision === revision && !madeByOtherRegoc(existing)) {
    return { dir, manifest: existing, rebuilt: false };
  }
  return { ...(await buildPolicies(options)), rebuilt: true };
}
