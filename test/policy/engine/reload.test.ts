import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyEngine, PolicyUnavailableError } from '../../../src/policy/engine/index.js';
import { POLICY_ONE, POLICY_TWO, compileBuild, recordingLogger, writeBuild } from './fixtures.js';

describe('policy engine: atomic reload', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-reload-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the new build after a reload and reports its revision', async () => {
    const one = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const two = await compileBuild(POLICY_TWO, ['t/v', 't/echo', 't/from_data']);
    const engine = await PolicyEngine.open({ build: one }, { logger: recordingLogger() });
    expect(engine.evaluate('t/v')).to.equal(1);
    await engine.reload({ build: two });
    expect(engine.evaluate('t/v')).to.equal(2);
    expect(engine.revision).to.equal(two.manifest.revision);
  });

  it('carries the data set before a reload over to the new build', async () => {
    const one = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const two = await compileBuild(POLICY_TWO, ['t/v', 't/echo', 't/from_data']);
    const engine = await PolicyEngine.open({ build: one }, { logger: recordingLogger() });
    engine.setData({ x: { answer: 42 } });
    await engine.reload({ build: two });
    expect(engine.evaluate('t/from_data')).to.deep.equal({ answer: 42 });
  });

  it('applies concurrent reloads in call order and never serves a half-loaded build', async () => {
    const one = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const two = await compileBuild(POLICY_TWO, ['t/v', 't/echo', 't/from_data']);
    const engine = await PolicyEngine.open({ build: one }, { logger: recordingLogger() });
    const seen = new Set<unknown>();
    const reloads = [two, one, two, one, two].map((build) => engine.reload({ build }));
    const sampler = setInterval(() => seen.add(engine.evaluate('t/v')), 0);
    await Promise.all(reloads);
    clearInterval(sampler);
    seen.add(engine.evaluate('t/v'));
    expect(engine.evaluate('t/v')).to.equal(2);
    expect([...seen].every((v) => v === 1 || v === 2)).to.equal(true);
  });

  it('keeps serving the old build when a reload is refused, and logs one line', async () => {
    const one = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const logger = recordingLogger();
    const engine = await PolicyEngine.open({ build: one }, { logger });
    await writeBuild(dir, one);
    await writeFile(join(dir, 'policy.wasm'), 'not a module');
    const err = await engine.reload({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(PolicyUnavailableError);
    expect((err as PolicyUnavailableError).failure).to.equal('corrupt');
    expect(engine.evaluate('t/v')).to.equal(1);
    expect(logger.errors).to.have.length(1);
    expect(logger.errors[0]).to.match(/policy engine refused .*sha256/);
  });

  it('refuses a build of another revision than the expected one', async () => {
    const one = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const two = await compileBuild(POLICY_TWO, ['t/v', 't/echo', 't/from_data']);
    const engine = await PolicyEngine.open({ build: one }, { logger: recordingLogger() });
    const err = await engine.reload({ build: two }, { expectedRevision: one.manifest.revision }).then(() => undefined, (e: unknown) => e);
    expect((err as PolicyUnavailableError).failure).to.equal('revision_mismatch');
    expect(engine.revision).to.equal(one.manifest.revision);
  });
});
