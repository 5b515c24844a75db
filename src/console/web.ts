import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors/index.js';
import { clientAddress, requestIdOf } from '../http/index.js';
import type { ActingContext } from '../identity/index.js';
import type { Html } from './html.js';
import { sameSecret } from './secrets.js';
import type { ConsoleSession } from './sessions.js';

export const SESSION_COOKIE = 'agw_console';
/** Double-submit token of the forms shown before sign-in (sign-in, setup, invitation). */
export const PRE_COOKIE = 'agw_console_pre';
export const OIDC_COOKIE = 'agw_console_oidc';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** Cookies are Secure whenever the browser reached us over TLS (directly or through a trusted proxy). */
export function cookieOptions(req: Request, path = '/console', maxAgeMs?: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: req.secure, path, ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) };
}

export function sessionOf(res: Response): ConsoleSession {
  const session = res.locals.consoleSession as ConsoleSession | undefined;
  if (!session) throw new GatewayError('unauthenticated', 'Sign in first.');
  return session;
}

export function maybeSession(res: Response): ConsoleSession | undefined {
  return res.locals.consoleSession as ConsoleSession | undefined;
}

/** The signed-in human as the services' acting context: audit events name them. */
export function actingHuman(req: Request, res: Response): ActingContext {
  return { actor: { type: 'user', id: sessionOf(res).user.id }, requestId: requestIdOf(res), address: clientAddress(req) };
}

export function send(res: Response, page: Html, status = 200): void {
  res.status(status).type('html').send(page.text);
}

/** A form field as one string ('' when absent or repeated). */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A form field that may repeat (checkboxes) as a list of strings. */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A redirect target after sign-in: only paths of the console itself. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/console\/[A-Za-z0-9/_\-?=&%.]*$/.test(value) && !value.startsWith('//') ? value : '/console/agents';
}

/**
 * CSRF: every state-changing request of a signed-in human carries the session's synchronizer
 * token in `_csrf`; forms shown before sign-in carry the double-submit token of PRE_COOKIE. A
 * cross-site Origin is refused outright.
 */
export function checkCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const origin = req.get('origin');
  if (origin && origin !== 'null' && origin !== `${req.protocol}://${req.get('host')}`) {
    return next(new GatewayError('forbidden', 'This form was sent from another site; nothing was changed.'));
  }
  const sent = field(req.body, '_csrf');
  const session = maybeSession(res);
  const expected = session ? session.csrfToken : readCookie(req, PRE_COOKIE);
  if (!sent || !expected || !sameSecret(sent, expected)) {
    return next(new GatewayError('forbidden', 'The form expired or did not come from this console (missing or wrong CSRF token); nothing was changed. Reload the page and try again.'));
  }
  next();
}

/** The double-submit token for a form shown before sign-in, set as a cookie if there is none. */
export function preSessionToken(req: Request, res: Response): string {
  const existing = readCookie(req, PRE_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  res.cookie(PRE_COOKIE, token, cookieOptions(req));
  return token;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from the path; anything that is not a UUID is simply not found. */
export function pathId(value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new GatewayError('not_found', 'Nothing here.');
  return value.toLowerCase();
}

/** The token the next form on this page must carry: the session's, or the pre-sign-in one. */
export function formToken(req: Request, res: Response): string {
  return maybeSession(res)?.csrfToken ?? preSessionToken(req, res);
}
