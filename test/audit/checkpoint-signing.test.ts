import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SIGNING_KEY_FILE_NAME,
  checkpointSigningInput,
  parseCheckpoint,
  publicKeyFrom,
  resolveSigningKey,
  signCheckpoint,
  verifyCheckpointSignature,
  type CheckpointSigningKey,
} from '../../src/audit/index.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const HEAD = { seq: '42', hash: 'ab'.repeat(32) };

async function freshKey(): Promise<CheckpointSigningKey> {
  const dir = mkdtempSync(join(tmpdir(), 'agw-ckpt-'));
  try {
    return (await resolveSigningKey({ dataDir: dir }, { create: true }))!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('audit: checkpoint signatures and the signing key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'agw-ckpt-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('signs {seq, hash, time} of a head with Ed25519 over canonical bytes that name what they are', async () => {
    const key = await freshKey();
    const checkpoint = signCheckpoint(HEAD, new Date('2026-01-02T03:04:05.678Z'), key);
    expect(checkpoint).to.include({ seq: '42', hash: HEAD.hash, time: '2026-01-02T03:04:05.678Z', key_id: key.keyId });
    expect(Object.keys(checkpoint).sort()).to.deep.equal(['hash', 'key_id', 'seq', 'signature', 'time']);
    expect(checkpointSigningInput(checkpoint).toString('utf8')).to.equal(
      `{"context":"nodedc-agent-gateway/audit-checkpoint/v1","hash":"${HEAD.hash}","key_id":"${key.keyId}","seq":"42","time":"2026-01-02T03:04:05.678Z"}`,
    );
    expect(verifyCheckpointSignature(checkpoint, key)).to.deep.equal({ ok: true });
    // A file written and read back stays verifiable.
    expect(verifyCheckpointSignature(parseCheckpoint(JSON.parse(JSON.stringify(checkpoint))), key).ok).to.equal(true);
  });

  it('refuses a checkpoint with any field altered, or signed by another key', async () => {
    const key = await freshKey();
    const other = await freshKey();
    const checkpoint = signCheckpoint(HEAD, new Date(), key);
    for (const altered of [
      { ...checkpoint, seq: '43' },
      { ...checkpoint, hash: 'cd'.repeat(32) },
      { ...checkpoint, time: '2030-01-01T00:00:00.000Z' },
      { ...checkpoint, signature: signCheckpoint({ seq: '41', hash: HEAD.hash }, new Date(), key).signature },
    ]) {
      const verdict = verifyCheckpointSignature(altered, key);
      expect(verdict.ok, JSON.stringify(altered)).to.equal(false);
    }
    const wrongKey = verifyCheckpointSignature(checkpoint, other);
    expect(wrongKey).to.deep.include({ ok: false });
    if (!wrongKey.ok) expect(wrongKey.reason).to.contain(checkpoint.key_id);
    // Claiming the trusted key's id does not help a forger: the signature still has to verify.
    const forged = { ...signCheckpoint(HEAD, new Date(), other), key_id: key.keyId };
    expect(verifyCheckpointSignature(forged, key).ok).to.equal(false);
  });

  it('parses only the five fields, each in its form', () => {
    const good = { seq: '7', hash: 'a'.repeat(64), time: '2026-01-01T00:00:00.000Z', key_id: 'k'.repeat(43), signature: 's'.repeat(86) };
    expect(parseCheckpoint(good)).to.deep.equal(good);
    expect(() => parseCheckpoint({ ...good, public_key: 'x' })).to.throw(/unexpected field public_key/);
    expect(() => parseCheckpoint({ ...good, seq: 7 })).to.throw(/seq/);
    expect(() => parseCheckpoint({ ...good, hash: 'A'.repeat(64) })).to.throw(/hash/);
    expect(() => parseCheckpoint([good])).to.throw(/object/);
  });

  it('generates the data-dir key once with mode 0600 and reuses it, tightening a loosened file', async () => {
    const first = (await resolveSigningKey({ dataDir }, { create: true }))!;
    const file = join(dataDir, SIGNING_KEY_FILE_NAME);
    expect(first.source).to.deep.equal({ kind: 'data-dir', file, created: true });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file, 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----/);
    chmodSync(file, 0o644);
    const again = (await resolveSigningKey({ dataDir }, { create: true }))!;
    expect(again.keyId).to.equal(first.keyId);
    expect(again.source).to.deep.include({ created: false });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('agrees on one key when two processes generate it at the same time', async () => {
    const keys = await Promise.all(Array.from({ length: 4 }, () => resolveSigningKey({ dataDir }, { create: true })));
    expect(new Set(keys.map((k) => k!.keyId)).size).to.equal(1);
  });

  it('gives a verifier no key rather than generating one', async () => {
    expect(await resolveSigningKey({ dataDir }, { create: false })).to.equal(undefined);
  });

  it('takes AUDIT_SIGNING_KEY as PEM or base64 DER, and AUDIT_SIGNING_KEY_FILE, before the data dir', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const expected = publicKeyFrom(publicKey.export({ format: 'pem', type: 'spki' }).toString()).keyId;
    const keyFile = join(dataDir, 'elsewhere.pem');
    writeFileSync(keyFile, pem, { mode: 0o600 });
    const fromPem = await resolveSigningKey({ dataDir, auditSigningKey: pem }, { create: true });
    const fromFlattenedPem = await resolveSigningKey({ dataDir, auditSigningKey: pem.replace(/\n/g, '\\n') }, { create: true });
    const fromDer = await resolveSigningKey({ dataDir, auditSigningKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') }, { create: true });
    const fromFile = await resolveSigningKey({ dataDir, auditSigningKeyFile: keyFile }, { create: true });
    expect([fromPem, fromFlattenedPem, fromDer, fromFile].map((k) => k!.keyId)).to.deep.equal([expected, expected, expected, expected]);
    expect(fromFile!.source).to.deep.equal({ kind: 'file', file: keyFile });
    expect(() => statSync(join(dataDir, SIGNING_KEY_FILE_NAME))).to.throw(/ENOENT/);
    // The published public key and the private key file both serve as --public-key.
    expect(publicKeyFrom(pem).keyId).to.equal(expected);
  });

  it('stops the start on a key that is not Ed25519 or not a key, naming the variable', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const [bad, pattern] of [
      [rsa, /Ed25519 key, got rsa/],
      ['not a key at all!', /not a private key/],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /not a private key/],
    ] as const) {
      const err = await resolveSigningKey({ dataDir, auditSigningKey: bad }, { create: true }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).variable).to.equal('AUDIT_SIGNING_KEY');
      expect((err as Error).message).to.match(pattern);
    }
    const missing = await resolveSigningKey({ dataDir, auditSigningKeyFile: join(dataDir, 'nope.pem') }, { create: true }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(ConfigError).with.property('variable', 'AUDIT_SIGNING_KEY_FILE');
  });

  it('reads the checkpoint settings from the environment', () => {
    expect(loadConfig({}).auditCheckpointIntervalSeconds).to.equal(3600);
    expect(loadConfig({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' }).auditCheckpointIntervalSeconds).to.equal(0);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '-5' })).to.throw(ConfigError, /AUDIT_CHECKPOINT_INTERVAL_SECONDS/);
    expect(loadConfig({ AUDIT_SIGNING_KEY_FILE: 'keys/k.pem' }).auditSigningKeyFile).to.match(/^\/.*keys\/k\.pem$/);
    expect(() => loadConfig({ AUDIT_SIGNING_KEY: 'x', AUDIT_SIGNING_KEY_FILE: '/k.pem' })).to.throw(ConfigError, /not both/);
  });
});
