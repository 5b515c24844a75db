import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compilePolicy } from '../../../src/policy/compiler/index.js';
import type { BuildManifest } from '../../../src/policy/build/index.js';
import { MANIFEST_FILE, WASM_FILE } from '../../../src/policy/build/index.js';
import { sha256Hex } from '../../../src/policy/build/layout.js';
import type { PolicyBuild, PolicyLogger } from '../../../src/policy/engine/index.js';

const cache = new Map<string, Promise<PolicyBuild>>();

/** Compiles a one-file policy (cached per text) into an in-memory build with a full manifest. */
export function compileBuild(text: string, entrypoints: string[]): Promise<PolicyBuild> {
  const key = `${entrypoints.join(',')}\n${text}`;
  let build = cache.get(key);
  if (!build) {
    build = (async () => {
      const compiled = await compilePolicy([{ path: 'policies/t.rego', text }], { entrypoints, optimize: false });
      const manifest: BuildManifest = {
        ...compiled.manifest,
        compiler: { name: 'regoc', version: compiled.manifest.compiler.version },
        wasm_sha256: sha256Hex(compiled.wasm),
      };
      return { wasm: compiled.wasm, manifest };
    })();
    cache.set(key, build);
  }
  return build;
}

export const POLICY_ONE = 'package t\n\nv := 1\n\necho := input\n';
export const POLICY_TWO = 'package t\n\nv := 2\n\necho := input\n\nfrom_data := data.x\n';

export async function writeBuild(dir: string, build: PolicyBuild): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, WASM_FILE), build.wasm);
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(build.manifest));
}

/** Collects log lines so tests can check that a refusal says one clear thing. */
export function recordingLogger(): PolicyLogger & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return { errors, infos, error: (m) => void errors.push(m), info: (m) => void infos.push(m) };
}
