import type { NextFunction, Response } from 'express';

/**
 * For every route whose answer carries a secret (a token, a pairing code, a flow secret): no
 * browser, proxy or CDN may keep a copy (RFC 9111 `no-store`; `Pragma` for HTTP/1.0 caches, as
 * RFC 6749 section 5.1 asks of token responses). Set before the handler runs, so the error
 * answers of those routes carry it too.
 */
export function noStore(_req: unknown, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}
