import { randomString } from '../identity/index.js';

/**
 * Crockford base32: digits and letters without I, L, O, U, so codes survive being read aloud or
 * retyped. Input is normalised the Crockford way (case-insensitive, O->0, I/L->1, separators dropped).
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newCode(groups = 2, groupLength = 4): string {
  return Array.from({ length: groups }, () => randomString(CODE_ALPHABET, groupLength)).join('-');
}

/** The canonical form of a typed code (no separators, upper case), or undefined if it cannot be one. */
export function normaliseCode(input: string, length = 8): string | undefined {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== length) return undefined;
  for (const ch of cleaned) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return cleaned;
}
