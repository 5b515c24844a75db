import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type GatewayConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/gateway/index.js';
import { buildStages } from '../../src/gateway/stages.js';
import { silentLogger } from '../../src/log/index.js';
import { capturingLogger, testDatabaseUrl } from '../support/index.js';

/**
 * `npm start` builds the policies when needed (the policy stage's ensurePolicyBuilt): with
 * POLICY_SIGNING_KEY it signs that build, and with POLICY_VERIFICATION_KEY it loads only a build
 * signed under that key, refusing to start otherwise.
 */
describe('start: the automatic policy build is signed with POLICY_SIGNING_KEY and checked against POLICY_VERIFICATION_KEY', function () {
  this.timeout(240_000);
  let dir: string;
  let keys: { signing: string; verification: string; otherSigning: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'start-signing-'));
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keys = { signing: join(dir, 'signing.pem'), verification: join(dir, 'verification.pem'), otherSigning: join(dir, 'other.pem') };
    await writeFile(keys.signing, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(keys.verification, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(keys.otherSigning, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The gateway as `start` wires it, reading the two keys from the environment as `start` does. */
  async function start(outDir: string, env: Record<string, string>) {
    const stages = buildStages(silentLogger(), { env: {}, policyBuild: { outDir, engine: 'regoc', optimize: false }, allowedOrigins: [] });
    const config: GatewayConfig = {
      ...loadConfig(env),
      databaseUrl: testDatabaseUrl(),
      dataDir: await mkdtemp(join(dir, 'data-')),
      internalApiToken: randomBytes(32).toString('base64url'),
      secretKey: randomBytes(32),
      host: '127.0.0.1',
      port: 0,
      dbPoolMax: 2,
      lastUsedFlushSeconds: 3600,
    };
    const { logger, capture } = capturingLogger();
    const gateway = await createGateway(config, { logger, migrate: false, extensions: stages.extensions });
    return { gateway, logs: capture };
  }

  it('signs the build it makes and loads it when the verification key matches', async () => {
    const outDir = join(dir, 'build-good');
    const { gateway, logs } = await start(outDir, { POLICY_SIGNING_KEY: keys.signing, POLICY_VERIFICATION_KEY: keys.verification });
    try {
      const signatures = JSON.parse(await readFile(join(outDir, '.signatures.json'), 'utf8')) as { signatures: string[] };
      expect(signatures.signatures).to.have.length(1);
      const header = JSON.parse(Buffer.from(signatures.signatures[0]!.split('.')[0]!, 'base64url').toString('utf8')) as { alg: string };
      expect(header.alg).to.equal('ES256');
      const loaded = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'policy loaded');
      expect(loaded).to.deep.include({ rebuilt: true, signed: true, verified: true });
    } finally {
      await gateway.close();
    }
  });

  it('refuses to start (fails closed, naming the signature failure) when the build is signed with another key than the verification key', async () => {
    const outDir = join(dir, 'build-other-key');
    let failure: Error | undefined;
    try {
      const { gateway } = await start(outDir, { POLICY_SIGNING_KEY: keys.otherSigning, POLICY_VERIFICATION_KEY: keys.verification });
      await gateway.close();
    } catch (err) {
      failure = err as Error;
    }
    expect(existsSync(join(outDir, '.signatures.json')), 'the build was made and signed').to.equal(true);
    expect(failure, 'the gateway started with a build signed by another key').to.not.equal(undefined);
    expect(failure!.message).to.match(/does not verify with the configured key/);
  });
});
