import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { takeDecided, type Logger } from '../log/index.js';

/** A caller-supplied request id is kept only when it is short and plain, so it cannot forge log lines. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(res: Response): string {
  return (res.locals.requestId as string | undefined) ?? 'unknown';
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Assigns the request id, echoes it back, and logs one line per finished request: at `info`,
 * or at `debug` when a tool call's decision line already says it (one line per call at `info`).
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const offered = req.get('x-request-id');
    const requestId = offered && WELL_FORMED_ID.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = takeDecided(requestId) ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger.log(level, 'request', {
        request_id: requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        address: clientAddress(req),
      });
    });
    next();
  };
}
