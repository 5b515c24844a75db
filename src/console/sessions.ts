import { randomBytes } from 'node:crypto';
import { sql, type Orm } from '../store/index.js';
import { newConsoleSecret, secretHash } from './secrets.js';
import { toUser, type ConsoleUser } from './users.js';

export interface ConsoleSession {
  idHash: string;
  csrfToken: string;
  user: ConsoleUser;
}

/** Refreshing a session's expiry costs a write; once a minute per session is enough. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Server-side sessions: the cookie holds a random 256-bit id, the table only its SHA-256, with the
 * session's CSRF token (synchronizer pattern). A session ends after `ttlSeconds` without use, when
 * its user signs out, changes password or is disabled.
 */
export class SessionService {
  constructor(
    private readonly orm: Orm,
    private readonly ttlSeconds: number,
  ) {}

  async create(userId: string, address: string): Promise<{ cookie: string; csrfToken: string }> {
    const secret = newConsoleSecret('agwc');
    const csrfToken = randomBytes(32).toString('base64url');
    await sql(
      this.orm.em.fork(),
      `insert into console_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address)
       values (?, ?, ?, now(), now(), now() + make_interval(secs => ?), ?)`,
      [secret.hash, userId, csrfToken, this.ttlSeconds, address],
    );
    return { cookie: secret.plaintext, csrfToken };
  }

  /** The live session of a cookie with its enabled user, or undefined. */
  async resolve(cookie: string | undefined): Promise<ConsoleSession | undefined> {
    if (!cookie || cookie.length > 128) return undefined;
    const idHash = secretHash(cookie);
    const em = this.orm.em.fork();
    const [row] = await sql<Record<string, unknown> & { csrf_token: string; last_seen_at: Date | string }>(
      em,
      `select s.csrf_token, s.last_seen_at, u.* from console_sessions s join console_users u on u.id = s.user_id
        where s.id_hash = ? and s.expires_at > now() and u.disabled_at is null`,
      [idHash],
    );
    if (!row) return undefined;
    if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
      await sql(em, 'update console_sessions set last_seen_at = now(), expires_at = now() + make_interval(secs => ?) where id_hash = ?', [this.ttlSeconds, idHash]);
    }
    return { idHash, csrfToken: row.csrf_token, user: toUser(row as never) };
  }

  async end(idHash: string): Promise<void> {
    await sql(this.orm.em.fork(), 'delete from console_sessions where id_hash = ?', [idHash]);
  }

  async sweep(): Promise<void> {
    await sql(this.orm.em.fork(), 'delete from console_sessions where expires_at < now()');
  }
}
