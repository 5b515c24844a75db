import { type ErrorCode, httpStatusFor } from './codes.js';

/** One failing field of a request, located by its JSON pointer (RFC 6901). */
export interface FieldError {
  pointer: string;
  message: string;
}

/** A reason attached to a denial, as the policy states it. */
export interface Reason {
  code: string;
  message: string;
}

export interface GatewayErrorDetails {
  fields?: FieldError[];
  reasons?: Reason[];
  /** Extra machine-readable context that is safe to show the caller. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The only error type that crosses a stage boundary. Anything else thrown is a bug and is
 * reported to callers as `internal_error` without detail.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: FieldError[];
  readonly reasons?: Reason[];
  readonly context?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: GatewayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = httpStatusFor(code);
    if (details.fields) this.fields = details.fields;
    if (details.reasons) this.reasons = details.reasons;
    if (details.context) this.context = details.context;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** The uniform error body of DESIGN.md: `{error:{code, message, reasons?, fields?, request_id}}`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    reasons?: Reason[];
    fields?: FieldError[];
    context?: Record<string, unknown>;
    request_id?: string;
  };
}

export function toErrorBody(err: GatewayError, requestId?: string): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.reasons) body.error.reasons = err.reasons;
  if (err.fields) body.error.fields = err.fields;
  if (err.context) body.error.context = err.context;
  if (requestId) body.error.request_id = requestId;
  return body;
}

/** Wraps anything thrown into a GatewayError, hiding the details of unexpected failures. */
export function asGatewayError(value: unknown): GatewayError {
  if (isGatewayError(value)) return value;
  return new GatewayError('internal_error', 'The gateway could not complete the request.', { cause: value });
}
