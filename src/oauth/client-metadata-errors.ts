import { GatewayError } from '../errors/index.js';

/**
 * Why a client-ID metadata document was refused. Stable: the consent page and the audit log show
 * it, and tests match on it. Every refusal is the one error code `invalid_client_metadata`.
 */
export type CimdFailure =
  | 'invalid_client_id'
  | 'address_refused'
  | 'unreachable'
  | 'timeout'
  | 'redirect_refused'
  | 'bad_status'
  | 'not_json'
  | 'too_large'
  | 'client_id_mismatch'
  | 'invalid_document';

export function cimdError(reason: CimdFailure, message: string, cause?: unknown): GatewayError {
  return new GatewayError('invalid_client_metadata', message, { context: { reason }, ...(cause === undefined ? {} : { cause }) });
}

/** The refusal's reason, when `err` is one of these errors. */
export function cimdFailureOf(err: unknown): CimdFailure | undefined {
  if (!(err instanceof GatewayError) || err.code !== 'invalid_client_metadata') return undefined;
  return err.context?.reason as CimdFailure | undefined;
}
