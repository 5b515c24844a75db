import { createHmac, hkdfSync } from 'node:crypto';
import { SECRET_KEY_MIN_BYTES } from '../config/secret-key.js';
import { hashesEqual } from './secrets.js';

/**
 * What a keyed hash is for. Each purpose is its own domain, so a pairing code and a user code that
 * happen to be the same characters never share a stored value.
 */
export type SecretPurpose = 'pairing-code' | 'pairing-code-group' | 'user-code' | 'flow-secret';

/** Binds the derived key to this use, so the server key could later key something else safely. */
const KEY_INFO = 'nodedc-agent-gateway/secrets-at-rest/v1';

/**
 * HMAC-SHA-256 under a server key that is not in the database. Pairing codes and user codes have
 * only 40 bits: an unkeyed hash of one is reversed by trying every code in seconds, so whoever
 * reads the database could exchange a live code. Keyed, the stored value is useless without the
 * key. Agent tokens keep their plain SHA-256: 256 random bits cannot be searched either way, and
 * keying them would invalidate every issued token.
 */
export class SecretHasher {
  readonly #key: Buffer;

  constructor(serverKey: Uint8Array) {
    if (serverKey.length < SECRET_KEY_MIN_BYTES) throw new Error(`the server secret key must have at least ${SECRET_KEY_MIN_BYTES} bytes`);
    this.#key = Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), KEY_INFO, 32));
  }

  /** The hex HMAC of `value` for `purpose`; what the database stores and looks rows up by. */
  mac(purpose: SecretPurpose, value: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}\n${value}`, 'utf8').digest('hex');
  }

  /** Whether `value` is the secret behind `stored`, compared in constant time. */
  matches(purpose: SecretPurpose, value: string, stored: string): boolean {
    return hashesEqual(this.mac(purpose, value), stored);
  }
}
