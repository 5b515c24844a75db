import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import type { ActingContext } from '../identity/index.js';
import { clientAddress, requestIdOf } from './request-context.js';

const ACTING_USER = /^[A-Za-z0-9._:@-]{1,128}$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The service token from `Authorization: Bearer` or `X-Internal-Token`. */
function presentedToken(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
  return bearer ?? req.get('x-internal-token') ?? undefined;
}

/**
 * Guards `/internal/v1`: the caller must hold the service token (compared as SHA-256 digests in
 * constant time, so neither content nor length leaks) and must name the human who acts.
 */
export function internalAuth(serviceToken: string) {
  const expected = digest(serviceToken);
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = presentedToken(req);
    if (!token || !timingSafeEqual(digest(token), expected)) {
      next(new GatewayError('unauthenticated', 'The internal API needs a valid service token.'));
      return;
    }
    const actingUser = req.get('x-acting-user');
    if (!actingUser || !ACTING_USER.test(actingUser)) {
      next(new GatewayError('unauthenticated', 'The internal API needs an X-Acting-User header naming the user who acts.', { fields: [{ pointer: '/headers/x-acting-user', message: 'required: the acting user id' }] }));
      return;
    }
    res.locals.actingUser = actingUser;
    next();
  };
}

/** The acting context of an internal API request: the human behind Launcher. */
export function actingContext(req: Request, res: Response): ActingContext {
  const actor: Actor = { type: 'user', id: res.locals.actingUser as string };
  return { actor, requestId: requestIdOf(res), address: clientAddress(req) };
}
