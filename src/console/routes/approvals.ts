import { Router, type Request, type Response } from 'express';
import { actionView, type PendingAction } from '../../approvals/index.js';
import { DEFAULT_MASKED_POINTERS, maskArguments } from '../../decision/index.js';
import { GatewayError } from '../../errors/index.js';
import { AgentSchema } from '../../store/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf, pendingCount } from '../frame.js';
import { noticeFor } from '../notices.js';
import { actionPage, inboxList, inboxPage, type InboxItem } from '../views/approvals.js';
import { SESSION_COOKIE, actingHuman, field, pathId, readCookie, send, sessionOf } from '../web.js';

/** Open event streams, ended when the gateway closes (they would hold the server open). */
export type StreamSet = Set<Response>;

/** The approvals inbox: pending actions of the signed-in owner, live over server-sent events. */
export function approvalsRouter(deps: ConsoleDeps, streams: StreamSet): Router {
  const router = Router();
  const approvals = () => deps.decision().approvals;

  const items = async (actions: PendingAction[], reveal = false): Promise<InboxItem[]> => {
    const ids = [...new Set(actions.map((a) => a.agentId))];
    const agents = ids.length ? await deps.gateway.orm.em.fork().find(AgentSchema, { id: { $in: ids } }) : [];
    const names = new Map(agents.map((a) => [a.id, a.displayName]));
    return actions.map((a) => {
      const shown = reveal ? a.args : maskArguments(a.args, DEFAULT_MASKED_POINTERS);
      return { action: actionView(a), agentName: names.get(a.agentId) ?? a.agentId, shownArguments: shown, masked: JSON.stringify(shown) !== JSON.stringify(a.args) };
    });
  };

  const lists = async (res: Response) => {
    const { user } = sessionOf(res);
    const [pending, recent] = await Promise.all([approvals().list({ ownerUserId: user.id, status: 'pending' }, 100), approvals().list({ ownerUserId: user.id }, 20)]);
    const live = pending.items.filter((a) => a.expiresAt.getTime() > Date.now());
    return { pending: await items(live), recent: await items(recent.items.filter((a) => a.status !== 'pending')) };
  };

  /** The action, if this human may see it (its owner, or an admin); else not found. */
  const visibleAction = async (res: Response, id: string): Promise<PendingAction> => {
    const { user } = sessionOf(res);
    const action = await approvals().get(id);
    if (user.role !== 'admin' && action.ownerUserId !== user.id) throw new GatewayError('not_found', 'No pending action with this id.');
    return action;
  };

  router.get('/approvals', async (req, res) => {
    const { pending, recent } = await lists(res);
    send(res, inboxPage(await frameOf(deps, res), pending, recent, noticeFor(req.query.notice)));
  });

  router.get('/approvals/list', async (_req, res) => {
    const { pending, recent } = await lists(res);
    const session = sessionOf(res);
    send(res, inboxList(pending, recent, session.csrfToken, session.user.id));
  });

  router.get('/approvals/events', async (req, res) => {
    const session = sessionOf(res);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const sendCount = async () => {
      // The session is checked again at every event: a signed-out or disabled human stops hearing.
      if (!(await deps.sessions.resolve(sessionCookie(req)))) return res.end();
      res.write(`event: pending\ndata: ${JSON.stringify({ pending: await pendingCount(deps, session.user.id) })}\n\n`);
    };
    const onChange = (change: { owner_user_id: string }) => {
      if (change.owner_user_id === session.user.id) void sendCount().catch(() => res.end());
    };
    const onResync = () => void sendCount().catch(() => res.end());
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    heartbeat.unref();
    streams.add(res);
    deps.feed.on('change', onChange);
    deps.feed.on('resync', onResync);
    res.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
      deps.feed.off('change', onChange);
      deps.feed.off('resync', onResync);
    });
    res.write('retry: 3000\n\n');
    await sendCount();
  });

  router.get('/approvals/:id', async (req, res) => {
    const action = await visibleAction(res, pathId(req.params.id));
    const [item] = await items([action], req.query.reveal === '1');
    send(res, actionPage(await frameOf(deps, res), item!, action.ownerUserId === sessionOf(res).user.id));
  });

  router.post('/approvals/:id/approve', async (req, res) => {
    const action = await visibleAction(res, pathId(req.params.id));
    const note = field(req.body, 'note').trim().slice(0, 500);
    await approvals().approve(action.id, actingHuman(req, res), note || undefined);
    res.redirect(303, `/console/approvals/${action.id}`);
  });

  router.post('/approvals/:id/deny', async (req, res) => {
    const action = await visibleAction(res, pathId(req.params.id));
    const note = field(req.body, 'note').trim().slice(0, 500);
    await approvals().deny(action.id, actingHuman(req, res), note || undefined);
    res.redirect(303, '/console/approvals?notice=denied');
  });

  return router;
}

function sessionCookie(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}
