import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedAgent, Authenticator } from '../identity/index.js';
import { bearerChallenge, tokenWasSent } from '../oauth/challenge.js';
import { clientAddress, requestIdOf } from './request-context.js';

/**
 * Middleware for agent-facing routes: resolves the bearer token to `res.locals.auth`. A 401 names
 * the resource metadata (MCP authorization discovery) and says `invalid_token` when a token was
 * sent, so a client like Codex can tell the user to log in instead of silently dropping its tools.
 */
export function agentAuth(authenticator: Authenticator, resourceMetadataUrl: () => string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      res.locals.auth = await authenticator.authenticate(req.get('authorization'), clientAddress(req), requestIdOf(res));
      next();
    } catch (err) {
      res.setHeader('WWW-Authenticate', bearerChallenge(resourceMetadataUrl(), tokenWasSent(req.get('authorization'))));
      next(err);
    }
  };
}

/** The authenticated agent of the current request (set by `agentAuth`). */
export function authOf(res: Response): AuthenticatedAgent {
  const auth = res.locals.auth as AuthenticatedAgent | undefined;
  if (!auth) throw new Error('agentAuth must run before this handler');
  return auth;
}
