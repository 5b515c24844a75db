import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../../src/policy/build/layout.js';
import { PolicyEngine, PolicyUnavailableError } from '../../../src/policy/engine/index.js';
import { isGatewayError } from '../../../src/errors/index.js';
import { POLICY_ONE, compileBuild, recordingLogger, writeBuild } from './fixtures.js';

async function refusal(promise: Promise<unknown>): Promise<PolicyUnavailableError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected the engine to refuse').to.be.instanceOf(PolicyUnavailableError);
  return err as PolicyUnavailableError;
}

describe('policy engine: fails closed', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-closed-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing build directory with a policy_unavailable error and one log line', async () => {
    const logger = recordingLogger();
    const err = await refusal(PolicyEngine.open({ dir: join(dir, 'nothing') }, { logger }));
    expect(err.failure).to.equal('missing');
    expect(isGatewayError(err) && err.code).to.equal('policy_unavailable');
    expect(logger.errors).to.have.length(1);
  });

  it('refuses a module whose bytes are not WebAssembly even when the digest matches', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const junk = new TextEncoder().encode('garbage, not wasm');
    await writeBuild(dir, { wasm: junk, manifest: { ...build.manifest, wasm_sha256: sha256Hex(junk) } });
    const err = await refusal(PolicyEngine.open({ dir }, { logger: recordingLogger() }));
    expect(err.failure).to.equal('corrupt');
  });

  it('refuses a truncated module', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    await writeBuild(dir, build);
    await writeFile(join(dir, 'policy.wasm'), build.wasm.subarray(0, build.wasm.length - 10));
    expect((await refusal(PolicyEngine.open({ dir }, { logger: recordingLogger() }))).failure).to.equal('corrupt');
  });

  it('refuses a manifest that is not JSON or lacks fields', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    await writeBuild(dir, build);
    await writeFile(join(dir, 'manifest.json'), '{"revision": ');
    expect((await refusal(PolicyEngine.open({ dir }, { logger: recordingLogger() }))).failure).to.equal('corrupt');
    await writeFile(join(dir, 'manifest.json'), '{"entrypoints": []}');
    expect((await refusal(PolicyEngine.open({ dir }, { logger: recordingLogger() }))).failure).to.equal('corrupt');
  });

  it('refuses a build that lacks a required entrypoint', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const err = await refusal(
      PolicyEngine.open({ build }, { requiredEntrypoints: ['t/v', 'gateway/decision'], logger: recordingLogger() }),
    );
    expect(err.failure).to.equal('missing_entrypoint');
    expect(err.message).to.contain('gateway/decision');
  });

  it('throws on every evaluation until a build is loaded', () => {
    const engine = new PolicyEngine({ logger: recordingLogger() });
    expect(engine.ready).to.equal(false);
    expect(() => engine.evaluate('t/v')).to.throw(PolicyUnavailableError, /no policy build/);
  });

  it('throws for an entrypoint the build does not export', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const engine = await PolicyEngine.open({ build }, { logger: recordingLogger() });
    expect(() => engine.evaluate('t/nope')).to.throw(PolicyUnavailableError, /no entrypoint t\/nope/);
  });

  it('passes falsy inputs through instead of dropping them', async () => {
    const build = await compileBuild(POLICY_ONE, ['t/v', 't/echo']);
    const engine = await PolicyEngine.open({ build }, { logger: recordingLogger() });
    for (const value of [false, 0, '', null]) expect(engine.evaluate('t/echo', value)).to.equal(value);
    expect(engine.evaluate('t/echo')).to.equal(undefined);
  });
});
