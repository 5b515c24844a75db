import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The argument that carries the key itself; it is not part of what the key protects. */
export const IDEMPOTENCY_ARGUMENT = 'idempotency_key';

/** Arguments without the idempotency key, in the form the hash and the adapter compare. */
export function withoutIdempotencyKey(args: Record<string, unknown>): Record<string, unknown> {
  const { [IDEMPOTENCY_ARGUMENT]: _key, ...rest } = args;
  return rest;
}

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of the tool and its arguments: key order and number
 * spelling do not matter, any change of value does.
 */
export function requestHash(tool: string, args: Record<string, unknown>): string {
  const text = canonicalize({ tool, args: withoutIdempotencyKey(args) });
  if (text === undefined) throw new TypeError('tool arguments have no JSON form');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
