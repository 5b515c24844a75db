import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniformly random characters from an alphabet (crypto.randomInt has no modulo bias). */
export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two hex SHA-256 digests in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

/**
 * Agent tokens: `agw_<12 char lookup prefix>_<43 char secret>`, base62. 43 base62 characters are
 * about 256 bits. The prefix finds the row; the SHA-256 of the whole token proves possession.
 */
const TOKEN_RE = /^agw_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})$/;

export interface NewToken {
  plaintext: string;
  prefix: string;
  hash: string;
}

export function newAgentToken(): NewToken {
  const prefix = randomString(BASE62, 12);
  const plaintext = `agw_${prefix}_${randomString(BASE62, 43)}`;
  return { plaintext, prefix, hash: sha256(plaintext) };
}

/** The lookup prefix of a well-formed token, or undefined for anything else. */
export function tokenPrefix(token: string): string | undefined {
  return TOKEN_RE.exec(token)?.[1];
}

/** Device-flow secrets: `agwf_` + 43 base62 characters; stored only as a keyed hash (see keyed-hash.ts). */
export function newFlowSecret(): { plaintext: string } {
  return { plaintext: `agwf_${randomString(BASE62, 43)}` };
}
