import { GatewayError } from '../errors/index.js';
import { IDEMPOTENCY_ARGUMENT } from './request-hash.js';
import type { ApprovedAction } from './types.js';

/** The same shape the tool contracts give the `idempotency_key` argument. */
const KEY_FORMAT = /^[A-Za-z0-9._:~-]{8,128}$/;

function invalidKey(message: string): GatewayError {
  return new GatewayError('invalid_request', message, { fields: [{ pointer: `/${IDEMPOTENCY_ARGUMENT}`, message }] });
}

/**
 * The key protecting a write: the one the front door passed (header or argument), or else the
 * `idempotency_key` argument. Two different keys for one call are refused rather than guessed between.
 */
export function resolveIdempotencyKey(action: ApprovedAction): string | null {
  const fromArgs = action.args[IDEMPOTENCY_ARGUMENT];
  if (fromArgs !== undefined && typeof fromArgs !== 'string') throw invalidKey('The idempotency key must be a string.');
  const given = action.idempotencyKey ?? undefined;
  if (given !== undefined && fromArgs !== undefined && given !== fromArgs) {
    throw invalidKey('Two different idempotency keys were given for one call (header and argument); send one.');
  }
  const key = given ?? fromArgs;
  if (key === undefined) return null;
  if (!KEY_FORMAT.test(key)) throw invalidKey('The idempotency key must be 8 to 128 characters of A-Z, a-z, 0-9 and . _ : ~ -');
  return key;
}
