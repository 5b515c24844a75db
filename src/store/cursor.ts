import { GatewayError } from '../errors/index.js';

/**
 * Cursors are opaque to clients: base64url of a small JSON object naming where the next page
 * starts. Anything that does not decode to the expected shape is a 400 on `/cursor`.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  isPosition: (value: unknown) => value is T,
): T {
  const invalid = () => new GatewayError('invalid_request', 'The cursor is not valid.', { fields: [{ pointer: '/cursor', message: 'unknown or malformed cursor' }] });
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isPosition(parsed)) throw invalid();
  return parsed;
}

/** A page of results plus the cursor of the next page, `null` on the last one. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Keyset position for lists ordered by (created_at desc, id desc). */
export interface CreatedPosition extends Record<string, string | number> {
  t: string;
  id: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCreatedPosition(value: unknown): value is CreatedPosition {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.id === 'string' && UUID_RE.test(v.id);
}
