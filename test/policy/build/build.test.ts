import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPolicies,
  ensurePolicyBuilt,
  readPolicySources,
  sourcesRevision,
} from '../../../src/policy/build/index.js';
import { REGOC_VERSION } from '../../../src/policy/compiler/index.js';
import { PolicyEngine } from '../../../src/policy/engine/index.js';
import { recordingLogger } from '../engine/fixtures.js';

const POLICY = 'package gateway\n\nimport rego.v1\n\ndecision := {"allow": input.ok == true}\n\nvisible_tools contains "whoami"\n';
const POLICY_TEST = 'package gateway\n\nimport rego.v1\n\ntest_ok if decision.allow with input as {"ok": true}\n';

describe('policy build (regoc) and ensurePolicyBuilt', function () {
  this.timeout(120_000);
  let root: string;
  let policies: string;
  let out: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'policy-build-'));
    policies = join(root, 'policies');
    out = join(root, 'build', 'policy');
    await mkdir(join(policies, 'gateway'), { recursive: true });
    await writeFile(join(policies, 'gateway', 'decision.rego'), POLICY);
    await writeFile(join(policies, 'gateway', 'decision_test.rego'), POLICY_TEST);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes policy.wasm and a manifest naming revision, entrypoints, compiler and sources without tests', async () => {
    const { manifest } = await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    const written = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(written).to.deep.equal(manifest);
    expect(manifest.compiler.name).to.equal('regoc');
    expect(manifest.entrypoints).to.deep.equal(['gateway/decision', 'gateway/visible_tools']);
    expect(manifest.sources).to.deep.equal(['policies/gateway/decision.rego']);
    expect(manifest.revision).to.equal(sourcesRevision(await readPolicySources(policies)));
    const engine = await PolicyEngine.open({ dir: out }, { requiredEntrypoints: manifest.entrypoints, logger: recordingLogger() });
    expect(engine.evaluate('gateway/decision', { ok: true })).to.deep.equal({ allow: true });
    expect(engine.evaluate('gateway/visible_tools', {})).to.deep.equal(['whoami']);
  });

  it('builds when the build is missing, then leaves it alone until a source changes', async () => {
    const first = await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    expect(first.rebuilt).to.equal(true);
    const second = await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    expect(second.rebuilt).to.equal(false);
    expect(second.manifest.revision).to.equal(first.manifest.revision);
    await writeFile(join(policies, 'gateway', 'decision.rego'), POLICY + '\nextra := 1\n');
    const third = await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    expect(third.rebuilt).to.equal(true);
    expect(third.manifest.revision).to.not.equal(first.manifest.revision);
  });

  it('does not count a changed test file as a new revision', async () => {
    const before = sourcesRevision(await readPolicySources(policies));
    await writeFile(join(policies, 'gateway', 'decision_test.rego'), POLICY_TEST + '\n# more\n');
    expect(sourcesRevision(await readPolicySources(policies))).to.equal(before);
  });

  it('rebuilds a build made by another version of regoc', async () => {
    const first = await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    const older = { ...first.manifest, compiler: { name: 'regoc', version: '0.0.1' } };
    await writeFile(join(out, 'manifest.json'), JSON.stringify(older));
    const again = await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    expect(again.rebuilt).to.equal(true);
    expect(again.manifest.compiler.version).to.equal(REGOC_VERSION);
  });

  it('rebuilds a build whose module no longer matches its manifest', async () => {
    await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    await writeFile(join(out, 'policy.wasm'), 'broken');
    expect((await ensurePolicyBuilt({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out })).rebuilt).to.equal(true);
  });
});
