/**
 * The server secret key that keys the hashes of short-lived pairing secrets (see
 * src/identity/keyed-hash.ts). It comes from GATEWAY_SECRET_KEY or from `<dataDir>/secret-key`;
 * both hold the same text form, decoded here.
 */
export const SECRET_KEY_MIN_BYTES = 32;

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The key bytes of `text` (hex, or base64 / base64url; `openssl rand -base64 32` or `-hex 32`),
 * or undefined when it is neither or too short. A key of one repeated byte is a placeholder, not a key.
 */
export function decodeSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const bytes = HEX.test(trimmed) ? Buffer.from(trimmed, 'hex') : BASE64.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : undefined;
  if (!bytes || bytes.length < SECRET_KEY_MIN_BYTES) return undefined;
  if (bytes.every((b) => b === bytes[0])) return undefined;
  return bytes;
}

/** The text form written to the key file. */
export function encodeSecretKey(key: Uint8Array): string {
  return Buffer.from(key).toString('base64url');
}
