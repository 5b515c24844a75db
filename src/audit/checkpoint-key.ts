import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { ConfigError } from '../config/index.js';

/** The file a gateway without AUDIT_SIGNING_KEY(_FILE) generates its key into, inside DATA_DIR. */
export const SIGNING_KEY_FILE_NAME = 'audit-signing-key.pem';

/** A public key a checkpoint can be checked against, with the id checkpoints name it by. */
export interface CheckpointPublicKey {
  publicKey: KeyObject;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  keyId: string;
  /** SubjectPublicKeyInfo PEM, as `/api/v1/meta/capabilities` publishes it. */
  publicKeyPem: string;
}

export interface CheckpointSigningKey extends CheckpointPublicKey {
  privateKey: KeyObject;
  /** Where the key came from, for the start log (never the key itself). */
  source: { kind: 'env' } | { kind: 'file'; file: string } | { kind: 'data-dir'; file: string; created: boolean };
}

/** The configuration a key is resolved from (a subset of GatewayConfig). */
export interface CheckpointKeySettings {
  auditSigningKey?: string;
  auditSigningKeyFile?: string;
  dataDir: string;
}

function keyIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638: the required members only, lexicographically ordered, no whitespace (what canonicalize yields).
  const members = canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })!;
  return createHash('sha256').update(members, 'utf8').digest('base64url');
}

function describe(publicKey: KeyObject): CheckpointPublicKey {
  return { publicKey, keyId: keyIdOf(publicKey), publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** A PKCS#8 PEM (literal `\n` accepted, as some secret stores flatten newlines) or base64 PKCS#8 DER. */
function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN')) return createPrivateKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' });
  if (!/^[A-Za-z0-9+/=_-]+$/.test(trimmed)) throw new Error('neither PEM nor base64');
  return createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
}

/** Parses a signing key, or throws a ConfigError naming `variable`: a bad key must stop the start. */
export function signingKeyFrom(text: string, variable: string, source: CheckpointSigningKey['source']): CheckpointSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = parsePrivateKey(text);
  } catch {
    throw new ConfigError(variable, 'not a private key (expected an Ed25519 key as PKCS#8 PEM or base64 DER)');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new ConfigError(variable, `expected an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'an unknown type'}`);
  return { ...describe(createPublicKey(privateKey)), privateKey, source };
}

/**
 * A public key from PEM text: an SPKI public key, or a private key (whose public half is used),
 * so `--public-key` takes either the published key or the key file itself.
 */
export function publicKeyFrom(text: string): CheckpointPublicKey {
  const publicKey = createPublicKey({ key: text.trim().replace(/\\n/g, '\n'), format: 'pem' });
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 key, got ${publicKey.asymmetricKeyType ?? 'an unknown type'}`);
  return describe(publicKey);
}

function readKeyFile(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * The data-dir key: read when present (tightened to 0600 if it was looser, like the internal
 * token), otherwise generated once. The key is written whole to a private temporary file and
 * hard-linked into place, which fails if the name exists: two processes starting together agree
 * on one key (the loser reads the winner's file), and nobody ever reads a half-written one.
 */
async function dataDirKey(dataDir: string, create: boolean): Promise<CheckpointSigningKey | undefined> {
  const file = join(dataDir, SIGNING_KEY_FILE_NAME);
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) await chmod(file, 0o600);
    return signingKeyFrom(readKeyFile(file, 'DATA_DIR'), 'DATA_DIR', { kind: 'data-dir', file, created: false });
  }
  if (!create) return undefined;
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return dataDirKey(dataDir, false);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return signingKeyFrom(pem, 'DATA_DIR', { kind: 'data-dir', file, created: true });
}

/**
 * The checkpoint signing key: AUDIT_SIGNING_KEY, else AUDIT_SIGNING_KEY_FILE, else the data-dir
 * file (generated when `create`; a verifier passes false and gets undefined when there is none).
 */
export async function resolveSigningKey(settings: CheckpointKeySettings, options: { create: boolean }): Promise<CheckpointSigningKey | undefined> {
  if (settings.auditSigningKey) return signingKeyFrom(settings.auditSigningKey, 'AUDIT_SIGNING_KEY', { kind: 'env' });
  if (settings.auditSigningKeyFile) {
    const file = settings.auditSigningKeyFile;
    return signingKeyFrom(readKeyFile(file, 'AUDIT_SIGNING_KEY_FILE'), 'AUDIT_SIGNING_KEY_FILE', { kind: 'file', file });
  }
  return dataDirKey(settings.dataDir, options.create);
}
