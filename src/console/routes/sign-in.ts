import { Router, type Request, type Response } from 'express';
import { GatewayError } from '../../errors/index.js';
import { clientAddress, requestIdOf } from '../../http/index.js';
import type { ConsoleDeps } from '../deps.js';
import type { OidcPending } from '../oidc.js';
import type { ConsoleUser } from '../users.js';
import { byField } from '../views/forms.js';
import { accountForm, linkUnusable, signInPage } from '../views/sign-in.js';
import { OIDC_COOKIE, SESSION_COOKIE, cookieOptions, field, formToken, maybeSession, readCookie, safeNext, send } from '../web.js';

/** Starts a session for the user and sends the browser on. */
async function signIn(deps: ConsoleDeps, req: Request, res: Response, user: ConsoleUser, next: string): Promise<void> {
  const previous = maybeSession(res);
  if (previous) await deps.sessions.end(previous.idHash);
  const { cookie } = await deps.sessions.create(user.id, clientAddress(req));
  await deps.accounts.markSignedIn(user.id);
  res.cookie(SESSION_COOKIE, cookie, cookieOptions(req, '/console', deps.gateway.config.consoleSessionTtlSeconds * 1000));
  res.redirect(303, safeNext(next));
}

function accountValues(body: unknown) {
  return { id: field(body, 'id').trim().toLowerCase(), email: field(body, 'email').trim(), display_name: field(body, 'display_name').trim() };
}

/** Sign-in (local and OIDC), sign-out, first-run setup and invitations: the pages that need no session. */
export function signInRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const local = () => true;

  router.get('/sign-in', (req, res) => {
    if (maybeSession(res)) return res.redirect(303, safeNext(req.query.next));
    send(res, signInPage({ csrfToken: formToken(req, res), next: safeNext(req.query.next), oidc: !!deps.oidc, local: local() }));
  });

  router.post('/sign-in', async (req, res) => {
    const id = field(req.body, 'id').trim().toLowerCase();
    const password = field(req.body, 'password');
    const next = safeNext(field(req.body, 'next'));
    const address = clientAddress(req);
    const again = (error: string, status: number) =>
      send(res, signInPage({ csrfToken: formToken(req, res), id, next, error, oidc: !!deps.oidc, local: local() }), status);
    try {
      await deps.limits.admit(id, address);
    } catch (err) {
      if (err instanceof GatewayError) return again(err.message, err.status);
      throw err;
    }
    const user = id && password ? await deps.accounts.checkPassword(id, password) : undefined;
    if (!user) {
      await deps.limits.fail(id, address, requestIdOf(res));
      return again('The user id or the password is wrong, or the account is disabled.', 401);
    }
    await signIn(deps, req, res, user, next);
  });

  router.post('/sign-out', async (_req, res) => {
    const session = maybeSession(res);
    if (session) await deps.sessions.end(session.idHash);
    res.clearCookie(SESSION_COOKIE, { path: '/console' });
    res.redirect(303, '/console/sign-in');
  });

  router.get('/setup', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await deps.accounts.setupOpen(token))) {
      return send(res, linkUnusable('Setup', 'This setup link is not valid any more: an account exists already, or the gateway restarted with a new link (see its log).'), 403);
    }
    send(res, accountForm({ title: 'Create the first admin', intro: 'This link works once. The account you create here administers the console.', action: '/console/setup', csrfToken: formToken(req, res), token, values: { id: '', email: '', display_name: '' }, errors: new Map() }));
  });

  router.post('/setup', async (req, res) => {
    const token = field(req.body, 'token');
    const values = accountValues(req.body);
    try {
      const user = await deps.accounts.completeSetup(token, { id: values.id, email: values.email, displayName: values.display_name, password: field(req.body, 'password') }, { requestId: requestIdOf(res), address: clientAddress(req) });
      deps.gateway.logger.info('console: first admin created; the setup link is used up', { user_id: user.id });
      await signIn(deps, req, res, user, '/console/agents');
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      send(res, accountForm({ title: 'Create the first admin', intro: 'This link works once.', action: '/console/setup', csrfToken: formToken(req, res), token, values, errors: byField(err.fields), error: err.message }), 400);
    }
  });

  router.get('/invite', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const invitation = await deps.accounts.invitation(token);
    if (!invitation) return send(res, linkUnusable('Invitation', 'This invitation is not valid: it was used, it expired, or the link is wrong.'), 403);
    send(res, accountForm({ title: 'Join the console', intro: `You are invited as ${invitation.role}.`, action: '/console/invite', csrfToken: formToken(req, res), token, values: { id: '', email: invitation.email, display_name: '' }, errors: new Map(), emailLocked: true }));
  });

  router.post('/invite', async (req, res) => {
    const token = field(req.body, 'token');
    const invitation = await deps.accounts.invitation(token);
    if (!invitation) return send(res, linkUnusable('Invitation', 'This invitation is not valid: it was used, it expired, or the link is wrong.'), 403);
    const values = { ...accountValues(req.body), email: invitation.email };
    try {
      const user = await deps.accounts.acceptInvitation(token, { id: values.id, email: values.email, displayName: values.display_name, password: field(req.body, 'password') }, { requestId: requestIdOf(res), address: clientAddress(req) });
      await signIn(deps, req, res, user, '/console/agents');
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      send(res, accountForm({ title: 'Join the console', intro: `You are invited as ${invitation.role}.`, action: '/console/invite', csrfToken: formToken(req, res), token, values, errors: byField(err.fields), error: err.message, emailLocked: true }), 400);
    }
  });

  router.get('/oidc/start', async (req, res) => {
    if (!deps.oidc) throw new GatewayError('not_found', 'OpenID Connect sign-in is not configured.');
    const { url, pending } = await deps.oidc.start(`${deps.origin()}/console/oidc/callback`, safeNext(req.query.next));
    res.cookie(OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), cookieOptions(req, '/console/oidc', 10 * 60_000));
    res.redirect(303, url);
  });

  router.get('/oidc/callback', async (req, res) => {
    if (!deps.oidc) throw new GatewayError('not_found', 'OpenID Connect sign-in is not configured.');
    const pending = parsePending(readCookie(req, OIDC_COOKIE));
    res.clearCookie(OIDC_COOKIE, { path: '/console/oidc' });
    if (!pending) throw new GatewayError('unauthenticated', 'The sign-in took too long or was started elsewhere; please sign in again.');
    const callback = new URL(`${deps.origin()}${req.originalUrl}`);
    const claims = await deps.oidc.finish(callback, pending);
    const user = await deps.accounts.oidcUser(claims, deps.oidc.settings.adminSubjects, { requestId: requestIdOf(res), address: clientAddress(req) });
    await signIn(deps, req, res, user, pending.next);
  });

  return router;
}

function parsePending(cookie: string | undefined): OidcPending | undefined {
  if (!cookie) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')) as Partial<OidcPending>;
    if (typeof value.state === 'string' && typeof value.nonce === 'string' && typeof value.verifier === 'string' && typeof value.next === 'string') return value as OidcPending;
  } catch {
    // not ours
  }
  return undefined;
}
