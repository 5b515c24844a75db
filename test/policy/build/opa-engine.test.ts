import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { c as createTar } from 'tar';
import { compilePolicy } from '../../../src/policy/compiler/index.js';
import { buildPolicies, findOpaBinary } from '../../../src/policy/build/index.js';
import { PolicyEngine } from '../../../src/policy/engine/index.js';
import { recordingLogger } from '../engine/fixtures.js';

const POLICY = 'package gateway\n\nimport rego.v1\n\ndecision := {"allow": true, "by": "stand-in"}\n\nvisible_tools contains "whoami"\n';

/**
 * A stand-in for `opa`: records its arguments, answers `opa version`, and for `opa build` copies a
 * prepared bundle (a real tar.gz holding /policy.wasm made by our compiler) to the `-o` path.
 */
function standInScript(bundle: string, argsLog: string): string {
  return `#!/bin/sh
echo "$@" >> '${argsLog}'
if [ "$1" = "version" ]; then echo "Version: 0.99.0-standin"; exit 0; fi
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
[ -n "$out" ] || { echo "no -o" >&2; exit 3; }
cp '${bundle}' "$out"
`;
}

describe('policy build --engine opa (with a stand-in opa executable)', function () {
  this.timeout(120_000);
  let root: string;
  let bin: string;
  let argsLog: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'opa-standin-'));
    bin = join(root, 'bin');
    argsLog = join(root, 'args.log');
    await mkdir(bin, { recursive: true });
    await mkdir(join(root, 'policies', 'gateway'), { recursive: true });
    await mkdir(join(root, 'bundle'), { recursive: true });
    await writeFile(join(root, 'policies', 'gateway', 'decision.rego'), POLICY);
    const compiled = await compilePolicy([{ path: 'policies/gateway/decision.rego', text: POLICY }], {
      entrypoints: ['gateway/decision', 'gateway/visible_tools'],
      optimize: false,
    });
    await writeFile(join(root, 'bundle', 'policy.wasm'), compiled.wasm);
    await writeFile(join(root, 'bundle', 'data.json'), '{}');
    await writeFile(join(root, 'bundle', '.manifest'), '{"revision":""}');
    const bundle = join(root, 'bundle.tar.gz');
    await createTar({ gzip: true, file: bundle, cwd: join(root, 'bundle'), prefix: '/', preservePaths: true }, ['.manifest', 'data.json', 'policy.wasm']);
    await writeFile(join(bin, 'opa'), standInScript(bundle, argsLog));
    await chmod(join(bin, 'opa'), 0o755);
    env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
    delete env.OPA_BIN;
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds opa first on PATH, or as named by OPA_BIN', () => {
    expect(findOpaBinary(env)).to.equal(join(bin, 'opa'));
    expect(findOpaBinary({ PATH: '', OPA_BIN: join(bin, 'opa') })).to.equal(join(bin, 'opa'));
    expect(findOpaBinary({ PATH: '', OPA_BIN: join(bin, 'missing') })).to.equal(undefined);
  });

  it('runs opa build -t wasm with the entrypoints, extracts /policy.wasm, and the engine loads it', async () => {
    await writeFile(argsLog, '');
    const out = join(root, 'out-opa');
    const { manifest } = await buildPolicies({ engine: 'opa', policiesDir: join(root, 'policies'), outDir: out, env });
    const calls = (await readFile(argsLog, 'utf8')).trim().split('\n');
    const buildCall = calls.find((c) => c.startsWith('build'))!;
    expect(buildCall).to.match(/^build -t wasm --ignore \*_test\.rego -o \S+bundle\.tar\.gz -e gateway\/decision -e gateway\/visible_tools \S+policies$/);
    expect(manifest.compiler).to.deep.equal({ name: 'opa', version: '0.99.0-standin' });
    const engine = await PolicyEngine.open({ dir: out }, { requiredEntrypoints: manifest.entrypoints, logger: recordingLogger() });
    expect(engine.evaluate('gateway/decision', {})).to.deep.equal({ allow: true, by: 'stand-in' });
    expect(engine.revision).to.equal(manifest.revision);
  });

  it('uses opa under --engine auto when one is found, and regoc when none is', async () => {
    const viaOpa = await buildPolicies({ engine: 'auto', optimize: false, policiesDir: join(root, 'policies'), outDir: join(root, 'out-auto'), env });
    expect(viaOpa.manifest.compiler.name).to.equal('opa');
    const noOpa = { ...env, PATH: '/nonexistent' };
    const viaRegoc = await buildPolicies({ engine: 'auto', optimize: false, policiesDir: join(root, 'policies'), outDir: join(root, 'out-auto2'), env: noOpa });
    expect(viaRegoc.manifest.compiler.name).to.equal('regoc');
    expect(viaRegoc.manifest.revision).to.equal(viaOpa.manifest.revision);
  });

  it('fails clearly under --engine opa when no opa binary exists', async () => {
    const err = await buildPolicies({ engine: 'opa', policiesDir: join(root, 'policies'), outDir: join(root, 'x'), env: { PATH: '/nonexistent' } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/no opa binary on PATH/);
  });
});
