import { GatewayError } from '../errors/index.js';

/**
 * The tools' own pagination cursors: an opaque, stateless offset into the filtered list. Tasker's
 * cursors cannot be passed through, because client-side filtering changes what a page holds.
 */
const PREFIX = 'o1.';

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string | undefined, pointer = '/cursor'): number {
  if (cursor === undefined) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new GatewayError('validation_failed', 'The cursor is not one this gateway issued.', {
      fields: [{ pointer, message: 'is not a cursor returned by a previous page' }],
    });
  }
  return offset;
}

/** One page of `items` starting at the cursor, with the cursor of the next page or null. */
export function pageOf<T>(items: T[], cursor: string | undefined, limit: number): { page: T[]; next_cursor: string | null } {
  const offset = decodeOffsetCursor(cursor);
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? encodeOffsetCursor(offset + limit) : null;
  return { page, next_cursor: next };
}
