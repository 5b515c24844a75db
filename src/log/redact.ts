/**
 * Secrets must never reach a log line. Two nets: values under keys that name a secret are
 * replaced, and any string that looks like a secret the gateway mints is masked wherever it
 * appears (a message, a URL, an error text). The formats, from src/identity/secrets.ts,
 * src/pairing/user-codes.ts, src/gateway/runtime.ts and src/console/secrets.ts:
 *   agw_<12>_<43>   agent token             agwf_<43>   device-flow secret
 *   agwi_<43>       generated internal token
 *   agws_, agwv_, agwc_ + base64url          console setup link, invitation, session
 *   XXXX-XXXX       pairing code and device-flow user code (Crockford base32)
 * plus `Bearer <anything>` and PEM private keys.
 */
const SECRET_KEY = /(token|secret|password|passwd|authorization|cookie|code|credential|csrf|session|api[-_]?key|private[-_]?key|signing[-_]?key)/i;
/** Keys that contain a secret-sounding word but hold harmless identifiers. */
const HARMLESS_KEYS = new Set(['token_id', 'tokenId', 'internal_api_token_file', 'secret_key_file', 'error_code', 'errorCode', 'code_id', 'status_code', 'statusCode']);

/** agw_ and every agw?_ kind, and whatever follows (base62 or base64url): a truncated or mangled token is still masked. */
const GATEWAY_SECRET = /(agw[a-z]?_)[A-Za-z0-9_-]+/g;
const BEARER = /(bearer\s+)[^\s",]+/gi;
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
/** Two groups of four, standing alone (not a piece of a UUID or of a longer dashed word). */
const DASHED_CODE = /(?<![0-9A-Za-z_-])[0-9A-Za-z]{4}-[0-9A-Za-z]{4}(?![0-9A-Za-z_-])/g;
/** A code typed without its dash, as minted (upper case). */
const PLAIN_CODE = /(?<![0-9A-Za-z_-])[0-9A-Z]{8}(?![0-9A-Za-z_-])/g;
/** Crockford base32 as typed: the code alphabet plus the letters normalised into it (I, L, O); only U is never part of a code. */
const TYPED_CODE_CHARS = /^[0-9A-TV-Z]+$/i;

export const REDACTED = '[redacted]';

/**
 * Whether a dashed pair of groups can be a pairing or user code. As minted (upper case) always;
 * typed in lower case only with a digit in it, so that prose like `read-only` survives.
 */
function looksLikeDashedCode(candidate: string): boolean {
  const chars = candidate.replace('-', '');
  if (!TYPED_CODE_CHARS.test(chars)) return false;
  return chars === chars.toUpperCase() || /\d/.test(chars);
}

/** Without the dash only the minted letters in upper case, with a digit and a letter (a bare upper-case word survives). */
function looksLikePlainCode(candidate: string): boolean {
  return TYPED_CODE_CHARS.test(candidate) && /\d/.test(candidate) && /[A-Z]/.test(candidate);
}

/**
 * Matches wherever any of the patterns above could match (each one's shape, in one scan): a string
 * without a match cannot change, so most strings of a log line (ids, names, numbers) skip the five
 * replacements. Case-sensitive on purpose: only `bearer` is matched in any case, as BEARER does.
 */
const MIGHT_HOLD_SECRET = /PRIVATE KEY-----|agw[a-z]?_[A-Za-z0-9_-]|[Bb][Ee][Aa][Rr][Ee][Rr]\s|(?<![0-9A-Za-z_-])(?:[0-9A-Za-z]{4}-[0-9A-Za-z]{4}|[0-9A-Z]{8})(?![0-9A-Za-z_-])/;

export function redactString(value: string): string {
  return MIGHT_HOLD_SECRET.test(value) ? replaceSecrets(value) : value;
}

/** Every replacement, whether or not the string could hold a secret (what redactString skips is exactly what leaves this unchanged). */
export function replaceSecrets(value: string): string {
  return value
    .replace(PRIVATE_KEY_PEM, `-----BEGIN $1PRIVATE KEY-----${REDACTED}`)
    .replace(GATEWAY_SECRET, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(DASHED_CODE, (match) => (looksLikeDashedCode(match) ? REDACTED : match))
    .replace(PLAIN_CODE, (match) => (looksLikePlainCode(match) ? REDACTED : match));
}

/** Keys seen so far and whether they name a secret: log lines repeat a small set of keys. */
const secretKeys = new Map<string, boolean>();
const MAX_REMEMBERED_KEYS = 1_024;

function isSecretKey(key: string): boolean {
  const known = secretKeys.get(key);
  if (known !== undefined) return known;
  const secret = SECRET_KEY.test(key) && !HARMLESS_KEYS.has(key);
  if (secretKeys.size < MAX_REMEMBERED_KEYS) secretKeys.set(key, secret);
  return secret;
}

/** Raw bytes are never worth a log line, and a key kept as a Buffer must not be spelled out byte by byte. */
function isBinary(value: unknown): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (isBinary(value)) return '[binary]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') return redactEntries(value as Record<string, unknown>, {}, depth);
  return value;
}

/** Writes the redacted own entries of `from` into `into` (which may be `from` itself) and returns it. */
function redactEntries(from: Record<string, unknown>, into: Record<string, unknown>, depth: number): Record<string, unknown> {
  for (const key of Object.keys(from)) {
    const inner = from[key];
    const masked = isSecretKey(key) && inner !== null && (typeof inner !== 'object' || isBinary(inner));
    into[key] = masked ? REDACTED : redactValue(inner, depth + 1);
  }
  return into;
}

/**
 * Redacts a log entry's own fields where they are (winston's info object: its symbol-keyed fields,
 * the level and the formatted message, are left alone), so a line is not copied twice.
 */
export function redactInPlace(entry: Record<string, unknown>): void {
  redactEntries(entry, entry, 0);
}
