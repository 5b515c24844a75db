import type { NextFunction, Request, Response } from 'express';
import { GatewayError, asGatewayError, isGatewayError, toErrorBody } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { requestIdOf } from './request-context.js';

/**
 * Errors raised by express itself and its body parser (http-errors with a 4xx `status`, e.g. a
 * malformed percent-encoding in the path or a corrupt compressed body) are the caller's fault:
 * map them to our codes instead of letting them become a 500.
 */
function fromExpress(err: unknown): GatewayError | undefined {
  if (isGatewayError(err)) return undefined;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown } | null;
  if (e?.type === 'entity.parse.failed') return new GatewayError('invalid_json', 'The request body is not valid JSON.');
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (status === 413) return new GatewayError('payload_too_large', 'The request body is too large.');
  if (status === 415) return new GatewayError('unsupported_media_type', 'The request body encoding is not supported.');
  return new GatewayError('invalid_request', 'The request could not be read.');
}

export function sendError(res: Response, err: GatewayError): void {
  if (err.code === 'rate_limited' || err.code === 'pairing_locked') res.setHeader('Retry-After', '60');
  res.status(err.status).json(toErrorBody(err, requestIdOf(res)));
}

/** The last handler: uniform body, fitting status, never a stack trace (those go to the log only). */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const known = fromExpress(err) ?? asGatewayError(err);
    if (known.status >= 500) {
      const cause = known.code === 'internal_error' ? err : (known as { cause?: unknown }).cause;
      logger.error('request failed', {
        request_id: requestIdOf(res),
        error_code: known.code,
        error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause ?? known.message),
        stack: cause instanceof Error ? cause.stack : undefined,
      });
    }
    sendError(res, known);
  };
}

export function notFoundHandler(req: Request, res: Response): void {
  sendError(res, new GatewayError('not_found', `No route for ${req.method} ${req.path}.`));
}

/** Bodies must be JSON: a body sent with another content type is a 415, not a silently empty body. */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    next(new GatewayError('unsupported_media_type', 'Request bodies must be application/json.'));
    return;
  }
  next();
}
