/**
 * Request and response plumbing shared by every route: the reply type handlers return, the error
 * they throw to answer with one of Plane's error shapes (TASKER_API.md section 4), and body reading.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown anywhere in a handler; the server turns it into the reply it carries. */
export class PlaneHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`plane sandbox ${status}`);
  }
}

export const NOT_FOUND_BODY = { error: 'The requested resource does not exist.' };
export const PAGE_NOT_FOUND_BODY = { error: 'Page not found.' };
export const SERVER_ERROR_BODY = { error: 'Something went wrong please try again later' };
export const NO_PERMISSION_BODY = { detail: 'You do not have permission to perform this action.' };

export const notFound = (): PlaneHttpError => new PlaneHttpError(404, NOT_FOUND_BODY);
export const forbidden = (): PlaneHttpError => new PlaneHttpError(403, NO_PERMISSION_BODY);
export const badRequest = (body: unknown): PlaneHttpError => new PlaneHttpError(400, body);
export const conflict = (error: string, id: string): PlaneHttpError => new PlaneHttpError(409, { error, id });
export const serverError = (): PlaneHttpError => new PlaneHttpError(500, SERVER_ERROR_BODY);

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body; an empty body is `{}` as in DRF, malformed JSON is DRF's 400 parse error. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PlaneHttpError(413, { detail: 'Request body too large.' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest({ detail: `JSON parse error - ${(err as Error).message}` });
  }
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

/** A JSON object body or a 400; Plane's serializers reject anything else the same way. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw badRequest({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
}
