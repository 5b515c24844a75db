import type { Response } from 'express';
import { isGatewayError } from '../errors/index.js';

/** RFC 6749 §5.2 / RFC 8628 §3.5 error codes the device grant answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_grant_type'
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token'
  | 'temporarily_unavailable';

export interface OAuthError {
  error: OAuthErrorCode;
  description: string;
  status: number;
  /** Seconds, for slow_down and rate limits. */
  retryAfter?: number;
}

const STATUS: Partial<Record<OAuthErrorCode, number>> = { invalid_client: 401, temporarily_unavailable: 503 };

export function deviceGrantError(error: OAuthErrorCode, description: string, extra: Partial<OAuthError> = {}): OAuthError {
  return { error, description, status: STATUS[error] ?? 400, ...extra };
}

/**
 * The pairing flow's errors in RFC 8628 terms. Its codes already carry the RFC's names for the
 * polling states; a wrong flow secret is `invalid_grant`; an address over its budget is told to
 * slow down (429, Retry-After), which every RFC 8628 client understands as "wait longer".
 */
export function oauthErrorFromGateway(err: unknown): OAuthError {
  // Not ours (a database outage, a bug): the client may retry; the details go to the log only.
  if (!isGatewayError(err)) return deviceGrantError('temporarily_unavailable', 'The request could not be completed; try again.');
  switch (err.code) {
    case 'authorization_pending':
    case 'access_denied':
    case 'expired_token':
      return deviceGrantError(err.code, err.message);
    case 'slow_down':
      return deviceGrantError('slow_down', err.message);
    case 'invalid_pairing_code':
    case 'not_found':
      return deviceGrantError('invalid_grant', 'The device_code is not valid.');
    case 'rate_limited':
    case 'pairing_locked':
      return deviceGrantError('slow_down', err.message, { status: 429, retryAfter: 60 });
    case 'audit_unavailable':
    case 'service_unavailable':
      return deviceGrantError('temporarily_unavailable', err.message);
    default:
      return err.status < 500 ? deviceGrantError('invalid_request', err.message) : deviceGrantError('temporarily_unavailable', 'The request could not be completed; try again.');
  }
}

export function sendOAuthError(res: Response, err: OAuthError): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  if (err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="agent-gateway"');
  res.status(err.status).json({ error: err.error, error_description: err.description });
}
