/**
 * Secrets must never reach a log line. Two nets: values under keys that name a secret are
 * replaced, and any string that looks like an agent token or a pairing secret is masked wherever
 * it appears (a message, a URL, an error text).
 */
const SECRET_KEY = /(token|secret|password|passwd|authorization|cookie|code|credential|api[-_]?key)/i;
/** Keys that contain a secret-sounding word but hold harmless identifiers. */
const HARMLESS_KEYS = new Set(['token_id', 'tokenId', 'internal_api_token_file', 'error_code', 'errorCode', 'code_id', 'status_code', 'statusCode']);
const TOKEN_PATTERN = /agw_[A-Za-z0-9]+(_[A-Za-z0-9]+)?/g;
const FLOW_SECRET_PATTERN = /agwf_[A-Za-z0-9]+/g;
const BEARER_PATTERN = /(bearer\s+)[^\s",]+/gi;

export const REDACTED = '[redacted]';

export function redactString(value: string): string {
  return value
    .replace(TOKEN_PATTERN, 'agw_' + REDACTED)
    .replace(FLOW_SECRET_PATTERN, 'agwf_' + REDACTED)
    .replace(BEARER_PATTERN, `$1${REDACTED}`);
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !HARMLESS_KEYS.has(key);
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretKey(key) && inner !== null && typeof inner !== 'object' ? REDACTED : redactValue(inner, depth + 1);
    }
    return out;
  }
  return value;
}
