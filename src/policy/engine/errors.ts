import { GatewayError } from '../../errors/index.js';

/** Why the engine refuses to serve; the log line and the error context name it. */
export type PolicyFailure =
  | 'missing'
  | 'corrupt'
  | 'unsigned'
  | 'bad_signature'
  | 'revision_mismatch'
  | 'missing_entrypoint'
  | 'not_loaded'
  | 'evaluation_failed'
  | 'invalid_result';

/**
 * The engine's one error type. It is a GatewayError with code `policy_unavailable`, so the
 * decision stage can pass it on unchanged and the caller sees a 503 and nothing of the cause.
 */
export class PolicyUnavailableError extends GatewayError {
  readonly failure: PolicyFailure;

  constructor(failure: PolicyFailure, message: string, cause?: unknown) {
    super('policy_unavailable', message, { cause, context: { failure } });
    this.name = 'PolicyUnavailableError';
    this.failure = failure;
  }
}

/** The SDK throws bare strings (and the module's abort text); turn anything into readable text. */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value) return String((value as { message: unknown }).message);
  return String(value);
}
