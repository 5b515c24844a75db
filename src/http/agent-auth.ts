import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedAgent, Authenticator } from '../identity/index.js';
import { clientAddress, requestIdOf } from './request-context.js';

/** Middleware for agent-facing routes: resolves the bearer token to `res.locals.auth`. */
export function agentAuth(authenticator: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      res.locals.auth = await authenticator.authenticate(req.get('authorization'), clientAddress(req), requestIdOf(res));
      next();
    } catch (err) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="agent-gateway"');
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
