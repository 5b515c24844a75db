import { randomBytes } from 'node:crypto';
import { hashesEqual, sha256 } from '../identity/index.js';

/**
 * Console secrets (session ids, setup and invitation tokens): 256 random bits, base64url, with a
 * prefix naming what they are. Only their SHA-256 is stored; a database reader cannot use it. A plain
 * (unkeyed) hash is enough here: 256 random bits cannot be guessed from the hash, unlike passwords.
 */
export function newConsoleSecret(prefix: 'agws' | 'agwv' | 'agwc'): { plaintext: string; hash: string } {
  const plaintext = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { plaintext, hash: sha256(plaintext) };
}

export function secretHash(plaintext: string): string {
  return sha256(plaintext);
}

/** Constant-time comparison of two plain strings of any length (compared as SHA-256 digests). */
export function sameSecret(a: string, b: string): boolean {
  return hashesEqual(sha256(a), sha256(b));
}
