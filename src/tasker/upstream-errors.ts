import { GatewayError, type FieldError } from '../errors/index.js';

/** Maps a Plane body field (`priority`) to the tool argument pointer it came from (`/priority`). */
export type FieldPointerMap = Record<string, string>;

const INVALID_KEY_DETAIL = 'Given API token is not valid';
const MAX_MESSAGE = 300;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text;
}

/** Plane has no single error envelope (TASKER_API.md section 4): detail, error, error_message, or a field map. */
export function upstreamMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  for (const key of ['detail', 'error', 'message', 'error_message']) {
    if (typeof record[key] === 'string') return clip(record[key] as string);
  }
  return null;
}

function fieldErrors(body: unknown, pointers: FieldPointerMap): FieldError[] {
  if (!body || typeof body !== 'object' || Array.isArray(body) || upstreamMessage(body) !== null) return [];
  return Object.entries(body as Record<string, unknown>).map(([field, value]) => ({
    pointer: pointers[field] ?? (field === 'non_field_errors' ? '' : `/${field}`),
    message: clip(Array.isArray(value) ? value.map(String).join(' ') : String(value)),
  }));
}

/**
 * Classifies a final (non-retryable) Tasker answer into a GatewayError with a stable code. The
 * caller never sees the raw upstream body: only its message text, clipped, and field pointers.
 */
export function classifyUpstreamError(status: number, body: unknown, pointers: FieldPointerMap = {}): GatewayError {
  const message = upstreamMessage(body);
  const context = { upstream_status: status };
  if (status === 401 || (status === 403 && message === INVALID_KEY_DETAIL)) {
    return new GatewayError('tasker_auth_failed', 'Tasker did not accept the gateway credentials.', { context });
  }
  if (status === 403) {
    return new GatewayError('tasker_forbidden', `Tasker refused the call: ${message ?? 'permission denied'}`, { context });
  }
  if (status === 404) {
    return new GatewayError('not_found', 'The requested Tasker object does not exist or is not visible.', { context });
  }
  if (status === 409) {
    const existingId = (body as Record<string, unknown> | null)?.id;
    return new GatewayError('conflict', `Tasker reports a conflict: ${message ?? 'already exists'}`, {
      context: { ...context, ...(typeof existingId === 'string' ? { existing_id: existingId } : {}) },
    });
  }
  if (status === 429) {
    return new GatewayError('throttled', 'Tasker is rate limiting the gateway; try again later.', { context });
  }
  if (status >= 500) {
    return new GatewayError('tasker_unavailable', 'Tasker failed to answer the request.', { context });
  }
  const fields = fieldErrors(body, pointers);
  return new GatewayError('tasker_rejected', `Tasker rejected the request${message ? `: ${message}` : '.'}`, {
    ...(fields.length ? { fields } : {}),
    context,
  });
}
