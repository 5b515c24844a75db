import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, decodeProtectedHeader } from 'jose';
import policyCommand from '../../../src/cli/commands/policy.js';
import {
  SIGNATURES_FILE,
  buildPolicies,
  ensurePolicyBuilt,
  readVerificationKey,
} from '../../../src/policy/build/index.js';
import { sha256Hex } from '../../../src/policy/build/layout.js';
import { canonicalJson } from '../../../src/policy/build/canonical-json.js';
import { PolicyEngine, PolicyUnavailableError } from '../../../src/policy/engine/index.js';
import { recordingLogger } from '../engine/fixtures.js';

const POLICY = 'package gateway\n\nimport rego.v1\n\ndecision := {"allow": input.ok == true}\n\nvisible_tools contains "whoami"\n';

type KeyKind = 'rsa' | 'ec' | 'ed25519';

function pemPair(kind: KeyKind): { privatePem: string; publicPem: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const pair = kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding })
    : kind === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding })
      : generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
  return { privatePem: pair.privateKey, publicPem: pair.publicKey };
}

async function refusal(promise: Promise<unknown>): Promise<PolicyUnavailableError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected the engine to refuse the build').to.be.instanceOf(PolicyUnavailableError);
  return err as PolicyUnavailableError;
}

function decodePayload(token: string): { files: Array<{ name: string; hash: string; algorithm: string }> } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('signed policy builds (OPA bundle signature format)', function () {
  this.timeout(180_000);
  let root: string;
  let policies: string;
  let out: string;
  let keys: string;
  const rsa = pemPair('rsa');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'policy-signing-'));
    policies = join(root, 'policies');
    keys = join(root, 'keys');
    await mkdir(join(policies, 'gateway'), { recursive: true });
    await mkdir(keys);
    await writeFile(join(policies, 'gateway', 'decision.rego'), POLICY);
    await writeFile(join(keys, 'rsa.pem'), rsa.privatePem);
    await writeFile(join(keys, 'rsa.pub.pem'), rsa.publicPem);
  });
  beforeEach(() => {
    out = join(root, `build-${Math.random().toString(36).slice(2)}`);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function open(dir: string, verification: string, logger = recordingLogger()): Promise<PolicyEngine> {
    return PolicyEngine.open({ dir }, { verificationKey: readVerificationKey(verification), logger });
  }

  async function signedBuild(keyFile = join(keys, 'rsa.pem')): Promise<string> {
    await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out, signingKey: keyFile });
    return out;
  }

  it('writes .signatures.json: one JWS (RS256, kid) whose payload lists manifest.json and policy.wasm with SHA-256 digests', async () => {
    const dir = await signedBuild();
    const signatures = JSON.parse(await readFile(join(dir, SIGNATURES_FILE), 'utf8')) as { signatures: string[] };
    expect(signatures.signatures).to.have.length(1);
    const token = signatures.signatures[0]!;
    expect(decodeProtectedHeader(token)).to.deep.equal({ alg: 'RS256', kid: 'default' });
    const wasm = await readFile(join(dir, 'policy.wasm'));
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(decodePayload(token).files).to.deep.equal([
      { name: 'manifest.json', hash: sha256Hex(canonicalJson(manifest)), algorithm: 'SHA-256' },
      { name: 'policy.wasm', hash: sha256Hex(wasm), algorithm: 'SHA-256' },
    ]);
  });

  it('loads a good signed build when POLICY_VERIFICATION_KEY is a file path or inline PEM', async () => {
    const dir = await signedBuild();
    const fromFile = await open(dir, join(keys, 'rsa.pub.pem'));
    expect(fromFile.evaluate('gateway/decision', { ok: true })).to.deep.equal({ allow: true });
    const inline = await open(dir, rsa.publicPem);
    expect(inline.evaluate('gateway/decision', { ok: false })).to.deep.equal({ allow: false });
  });

  it('refuses an unsigned build when a verification key is set, with one log line', async () => {
    await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    const logger = recordingLogger();
    const err = await refusal(open(out, join(keys, 'rsa.pub.pem'), logger));
    expect(err.failure).to.equal('unsigned');
    expect(logger.errors).to.have.length(1);
    expect(logger.errors[0]).to.match(/not signed/);
  });

  it('refuses tampered wasm even when the manifest digest is updated to match it', async () => {
    const dir = await signedBuild();
    const wasm = await readFile(join(dir, 'policy.wasm'));
    const evil = Buffer.concat([wasm, Buffer.from([0, 0])]);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'policy.wasm'), evil);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, wasm_sha256: sha256Hex(evil) }));
    const logger = recordingLogger();
    const err = await refusal(open(dir, join(keys, 'rsa.pub.pem'), logger));
    expect(err.failure).to.equal('bad_signature');
    expect(err.message).to.match(/digest mismatch/);
    expect(logger.errors).to.have.length(1);
  });

  it('refuses a tampered manifest (a changed field), but not a manifest only laid out differently', async () => {
    const dir = await signedBuild();
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(text);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await open(dir, join(keys, 'rsa.pub.pem'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, input_paths: [[]] }));
    const err = await refusal(open(dir, join(keys, 'rsa.pub.pem')));
    expect(err.failure).to.equal('bad_signature');
    expect(err.message).to.match(/manifest\.json: digest mismatch/);
  });

  it('refuses a build signed with another key', async () => {
    const dir = await signedBuild();
    const other = pemPair('rsa');
    const err = await refusal(open(dir, other.publicPem));
    expect(err.failure).to.equal('bad_signature');
    expect(err.message).to.match(/does not verify/);
  });

  it('refuses an HS256 token made with the public key as its secret (no algorithm confusion)', async () => {
    const dir = await signedBuild();
    const original = JSON.parse(await readFile(join(dir, SIGNATURES_FILE), 'utf8')).signatures[0] as string;
    const payload = Buffer.from(original.split('.')[1]!, 'base64url');
    const forged = await new CompactSign(payload).setProtectedHeader({ alg: 'HS256', kid: 'default' }).sign(new TextEncoder().encode(rsa.publicPem));
    await writeFile(join(dir, SIGNATURES_FILE), JSON.stringify({ signatures: [forged] }));
    expect((await refusal(open(dir, rsa.publicPem))).failure).to.equal('bad_signature');
  });

  it('refuses a signature file listing files the build does not have, or more than one JWT', async () => {
    const dir = await signedBuild();
    const token = JSON.parse(await readFile(join(dir, SIGNATURES_FILE), 'utf8')).signatures[0] as string;
    await writeFile(join(dir, SIGNATURES_FILE), JSON.stringify({ signatures: [token, token] }));
    expect((await refusal(open(dir, rsa.publicPem))).message).to.match(/multiple JWTs/);
  });

  for (const kind of ['ec', 'ed25519'] as const) {
    it(`signs and verifies with ${kind === 'ec' ? 'ES256 (EC P-256)' : 'EdDSA (Ed25519)'} keys`, async () => {
      const pair = pemPair(kind);
      await writeFile(join(keys, `${kind}.pem`), pair.privatePem);
      const dir = await signedBuild(join(keys, `${kind}.pem`));
      const token = JSON.parse(await readFile(join(dir, SIGNATURES_FILE), 'utf8')).signatures[0] as string;
      expect(decodeProtectedHeader(token).alg).to.equal(kind === 'ec' ? 'ES256' : 'EdDSA');
      const engine = await open(dir, pair.publicPem);
      expect(engine.evaluate('gateway/visible_tools', {})).to.deep.equal(['whoami']);
      expect((await refusal(open(dir, rsa.publicPem))).failure).to.equal('bad_signature');
    });
  }

  it('signs with an HS256 secret file and verifies with the same secret; refuses a short secret', async () => {
    const secret = join(keys, 'hmac.secret');
    await writeFile(secret, randomBytes(48).toString('base64'));
    const dir = await signedBuild(secret);
    const engine = await open(dir, secret);
    expect(engine.evaluate('gateway/decision', { ok: true })).to.deep.equal({ allow: true });
    await writeFile(join(keys, 'short.secret'), 'too short');
    const failed = await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: join(root, 'short'), signingKey: join(keys, 'short.secret') })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(failed?.message).to.match(/too short for an HS256 secret/);
  });

  it('ensurePolicyBuilt with a signing key rebuilds an unsigned build and signs it, then leaves the signed build alone', async () => {
    await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    const options = { engine: 'regoc' as const, optimize: false, policiesDir: policies, outDir: out, signingKey: join(keys, 'rsa.pem') };
    const first = await ensurePolicyBuilt(options);
    expect(first.rebuilt).to.equal(true);
    expect(first.signed).to.equal(true);
    await open(out, rsa.publicPem);
    const second = await ensurePolicyBuilt(options);
    expect(second.rebuilt).to.equal(false);
    // Rebuilding without a key removes the old signature, so the new build is refused as unsigned, not as mismatched.
    await buildPolicies({ engine: 'regoc', optimize: false, policiesDir: policies, outDir: out });
    expect((await refusal(open(out, rsa.publicPem))).failure).to.equal('unsigned');
  });

  it('agent-gateway policy build --signing-key FILE writes a signed build', async () => {
    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string | Uint8Array) => { printed += String(c); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await policyCommand.run(['build', '--engine', 'regoc', '--policies', policies, '--out', out, '--signing-key', join(keys, 'rsa.pem')]);
    } finally {
      process.stdout.write = write;
    }
    expect(code, printed).to.equal(0);
    expect(printed).to.match(/signed \.signatures\.json/);
    const engine = await open(out, join(keys, 'rsa.pub.pem'));
    expect(engine.evaluate('gateway/decision', { ok: true })).to.deep.equal({ allow: true });
  });
});
