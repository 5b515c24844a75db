import { Router, type NextFunction, type Request, type Response } from 'express';
import { GatewayError } from '../../errors/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { noticeFor } from '../notices.js';
import { listUsers } from '../users.js';
import { byField } from '../views/forms.js';
import { accountPage, usersPage } from '../views/users.js';
import { SESSION_COOKIE, actingHuman, field, send, sessionOf } from '../web.js';

function adminOnly(_req: Request, res: Response, next: NextFunction): void {
  // Owners are told the page does not exist, as for anything else they may not see.
  next(sessionOf(res).user.role === 'admin' ? undefined : new GatewayError('not_found', 'Nothing here.'));
}

/** Admins manage accounts (invite, disable); everyone manages their own password. */
export function usersRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { orm } = deps.gateway;

  router.get('/users', adminOnly, async (req, res) => {
    send(res, usersPage(await frameOf(deps, res), await listUsers(orm.em.fork()), { errors: byField([]), ...(noticeFor(req.query.notice) ? { notice: noticeFor(req.query.notice)! } : {}) }));
  });

  router.post('/users/invitations', adminOnly, async (req, res) => {
    const role = field(req.body, 'role') === 'admin' ? 'admin' : 'owner';
    try {
      const { token, expiresAt } = await deps.accounts.invite(field(req.body, 'email').trim(), role, actingHuman(req, res));
      const invitation = { link: `${deps.origin()}/console/invite?token=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() };
      res.set('Cache-Control', 'no-store');
      send(res, usersPage(await frameOf(deps, res), await listUsers(orm.em.fork()), { errors: byField([]), invitation }), 201);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      send(res, usersPage(await frameOf(deps, res), await listUsers(orm.em.fork()), { errors: byField(err.fields), error: err.message }), 400);
    }
  });

  for (const action of ['disable', 'enable'] as const) {
    router.post(`/users/:userId/${action}`, adminOnly, async (req, res) => {
      await deps.accounts.setDisabled(String(req.params.userId), action === 'disable', actingHuman(req, res));
      res.redirect(303, `/console/users?notice=user_${action}d`);
    });
  }

  router.get('/account', async (req, res) => {
    send(res, accountPage(await frameOf(deps, res), { errors: byField([]), ...(noticeFor(req.query.notice) ? { notice: noticeFor(req.query.notice)! } : {}) }));
  });

  router.post('/account/password', async (req, res) => {
    try {
      await deps.accounts.changePassword(sessionOf(res).user, field(req.body, 'current_password'), field(req.body, 'new_password'), actingHuman(req, res));
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      return send(res, accountPage(await frameOf(deps, res), { errors: byField(err.fields), error: err.message }), 400);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/console' });
    res.redirect(303, '/console/sign-in');
  });

  return router;
}
