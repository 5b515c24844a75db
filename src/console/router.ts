import { join } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { GatewayError, asGatewayError } from '../errors/index.js';
import { requestIdOf } from '../http/index.js';
import { SRC_DIR } from '../paths.js';
import type { ConsoleDeps } from './deps.js';
import { agentsRouter } from './routes/agents.js';
import { approvalsRouter, type StreamSet } from './routes/approvals.js';
import { auditRouter } from './routes/audit.js';
import { explainRouter } from './routes/explain.js';
import { oauthClientsRouter } from './routes/oauth-clients.js';
import { oauthConsentRouter } from './routes/oauth-consent.js';
import { pairRouter } from './routes/pair.js';
import { signInRouter } from './routes/sign-in.js';
import { usersRouter } from './routes/users.js';
import { securityHeaders } from './security.js';
import { errorPage } from './views/layout.js';
import { SESSION_COOKIE, checkCsrf, maybeSession, readCookie, send } from './web.js';

export const ASSETS_DIR = join(SRC_DIR, 'console', 'assets');

/** Loads the session named by the cookie, if any (an unknown or ended one is as good as none). */
function loadSession(deps: ConsoleDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await deps.sessions.resolve(readCookie(req, SESSION_COOKIE));
    if (session) res.locals.consoleSession = session;
    next();
  };
}

/** No console page without a signed-in human: pages redirect to sign-in, anything else is a 401. */
function requireHuman(req: Request, res: Response, next: NextFunction): void {
  if (maybeSession(res)) return next();
  if (req.method === 'GET' && req.accepts('html') && !req.path.endsWith('/events')) {
    return res.redirect(303, `/console/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new GatewayError('unauthenticated', 'Sign in first.'));
}

/** Errors raised by express itself (static files, the form parser) carry a 4xx status: the caller's fault. */
function fromHttpError(err: unknown): GatewayError | undefined {
  if (err instanceof GatewayError) return undefined;
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 404) return new GatewayError('not_found', 'Nothing here.');
  if (status === 413) return new GatewayError('payload_too_large', 'The form is too large.');
  return new GatewayError('invalid_request', 'The request could not be read.');
}

/** Errors as pages: the uniform error's message and status, never a stack; 5xx are logged. */
function errorPages(deps: ConsoleDeps) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const known = fromHttpError(err) ?? asGatewayError(err);
    if (known.status >= 500) deps.gateway.logger.error('console request failed', { request_id: requestIdOf(res), error_code: known.code, error: err instanceof Error ? err.message : String(err) });
    const message = known.code === 'internal_error' ? 'The gateway could not complete this; nothing was changed. Try again.' : known.message;
    const session = maybeSession(res);
    send(res, errorPage(known.status, message, session ? { user: session.user, csrfToken: session.csrfToken } : {}), known.status);
  };
}

/** Everything under /console: assets, the pages before sign-in, then the signed-in pages. */
export function consoleRouter(deps: ConsoleDeps, streams: StreamSet): Router {
  const router = Router();
  router.use(securityHeaders);
  router.use('/assets', express.static(ASSETS_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 1000 }));
  router.use(loadSession(deps));
  router.use(checkCsrf);
  router.get('/', (_req, res) => res.redirect(303, maybeSession(res) ? '/console/agents' : '/console/sign-in'));
  router.use(signInRouter(deps));
  router.use(requireHuman);
  router.use(agentsRouter(deps));
  router.use(pairRouter(deps));
  router.use(oauthConsentRouter(deps));
  router.use(oauthClientsRouter(deps));
  router.use(approvalsRouter(deps, streams));
  router.use(auditRouter(deps));
  router.use(explainRouter(deps));
  router.use(usersRouter(deps));
  router.use((_req, _res, next) => next(new GatewayError('not_found', 'There is no such console page.')));
  router.use(errorPages(deps));
  return router;
}
