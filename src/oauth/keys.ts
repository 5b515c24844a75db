import { createPrivateKey, hkdfSync } from 'node:crypto';

/** What oidc-provider needs besides storage: cookie signing keys and a signing JWKS. */
export interface ProviderKeys {
  cookieKeys: string[];
  jwks: { keys: Record<string, unknown>[] };
}

const derive = (serverKey: Uint8Array, info: string) => Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), `agent-gateway oauth ${info}`, 32));

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): Node builds the key pair from it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Derived from the server secret key (GATEWAY_SECRET_KEY or DATA_DIR/secret-key), never generated
 * per process: every gateway instance sharing the key signs and checks the same cookies, so a login
 * that starts on one instance can finish on another. The signing key is there because oidc-provider
 * requires one; the gateway issues no ID tokens or JWT access tokens.
 */
export function providerKeys(serverKey: Uint8Array): ProviderKeys {
  const seed = derive(serverKey, 'signing key');
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    cookieKeys: [derive(serverKey, 'cookie key').toString('base64url')],
    jwks: { keys: [{ ...jwk, kid: derive(serverKey, 'signing kid').subarray(0, 12).toString('base64url'), use: 'sig', alg: 'EdDSA' }] },
  };
}
