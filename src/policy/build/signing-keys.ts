import { type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The JWS algorithms a build may be signed with; the key decides which one, never the token. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'HS256';

/** A key with the one algorithm it is used with. `key` is a KeyObject, or the secret's bytes for HS256. */
export interface BuildKey {
  alg: SigningAlgorithm;
  key: KeyObject | Uint8Array;
}

/** HS256 secrets shorter than this are refused: the MAC is only as strong as the secret. */
export const HMAC_SECRET_MIN_BYTES = 32;

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

function isPem(text: string): boolean {
  return PEM.test(text);
}

function algorithmOf(key: KeyObject, what: string): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
    throw new Error(`${what}: EC curve ${curve ?? 'unknown'} is not supported (P-256, P-384 or P-521)`);
  }
  throw new Error(`${what}: ${type ?? 'unknown'} keys are not supported (RSA, EC or Ed25519 as PEM, or an HS256 secret)`);
}

function hmacKey(bytes: Uint8Array, what: string): BuildKey {
  if (bytes.length < HMAC_SECRET_MIN_BYTES) {
    throw new Error(`${what}: not a PEM key, and too short for an HS256 secret (at least ${HMAC_SECRET_MIN_BYTES} bytes)`);
  }
  return { alg: 'HS256', key: bytes };
}

function readKeyFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${what}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Parses PEM text, naming the source in the error and never echoing the key. */
function parsePem<T>(make: () => T, what: string): T {
  try {
    return make();
  } catch (err) {
    throw new Error(`${what}: not a usable PEM key (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

/**
 * The key `policy build --signing-key FILE` and POLICY_SIGNING_KEY name: a PEM private key (RSA ->
 * RS256, EC P-256 -> ES256, Ed25519 -> EdDSA), or else the file's bytes as an HS256 secret.
 */
export function readSigningKey(path: string): BuildKey {
  const what = `signing key ${path}`;
  const bytes = readKeyFile(path, what);
  const text = bytes.toString('utf8');
  if (!isPem(text)) return hmacKey(new Uint8Array(bytes), what);
  const key = parsePem(() => createPrivateKey(text), what);
  return { alg: algorithmOf(key, what), key };
}

/**
 * The key POLICY_VERIFICATION_KEY names: PEM text itself (a value starting with `-----BEGIN`), or
 * the path of a file holding a PEM public key (a private key is accepted and its public half used)
 * or an HS256 secret. A PEM key is never taken for an HMAC secret, so a token cannot pick HS256
 * with the public key as its secret.
 */
export function readVerificationKey(setting: string): BuildKey {
  const inline = isPem(setting);
  const what = inline ? 'POLICY_VERIFICATION_KEY' : `verification key ${setting}`;
  const bytes = inline ? Buffer.from(setting, 'utf8') : readKeyFile(setting, what);
  const text = bytes.toString('utf8');
  if (!isPem(text)) return hmacKey(new Uint8Array(bytes), what);
  const key = parsePem(() => createPublicKey(text), what);
  return { alg: algorithmOf(key, what), key };
}
