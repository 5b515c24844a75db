import type { Response } from 'express';
import { sql } from '../store/index.js';
import type { ConsoleDeps } from './deps.js';
import type { PageFrame } from './views/layout.js';
import { sessionOf } from './web.js';

/** How many actions wait for this human's decision (the count in every page's navigation and title). */
export async function pendingCount(deps: ConsoleDeps, userId: string): Promise<number> {
  const [row] = await sql<{ n: string }>(deps.gateway.orm.em.fork(), `select count(*) as n from pending_actions where owner_user_id = ? and status = 'pending' and expires_at > now()`, [userId]);
  return Number(row?.n ?? 0);
}

/** The parts of every signed-in page: who, their CSRF token, their pending count. */
export async function frameOf(deps: ConsoleDeps, res: Response): Promise<Pick<PageFrame, 'user' | 'csrfToken' | 'pending'>> {
  const session = sessionOf(res);
  return { user: session.user, csrfToken: session.csrfToken, pending: await pendingCount(deps, session.user.id) };
}
