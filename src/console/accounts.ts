import { randomUUID } from 'node:crypto';
import type { AuditEventInput, AuditLog } from '../audit/index.js';
import { GatewayError, type FieldError } from '../errors/index.js';
import type { ActingContext } from '../identity/index.js';
import { sql, type Orm } from '../store/index.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newConsoleSecret, secretHash } from './secrets.js';
import { countUsers, endSessionsOf, findUser, insertUser, type ConsoleRole, type ConsoleUser } from './users.js';

/** Local user ids are also the owner ids of their agents, so they follow Launcher's user id rules. */
const LOCAL_ID = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
const INVITATION_TTL_MS = 7 * 86400_000;

export interface LocalAccountInput {
  id: string;
  email: string;
  displayName: string;
  password: string;
}

function invalid(fields: FieldError[]): GatewayError {
  return new GatewayError('validation_failed', 'Some fields are not valid.', { fields });
}

function accountProblems(input: Partial<LocalAccountInput>, needs: Array<keyof LocalAccountInput>): FieldError[] {
  const fields: FieldError[] = [];
  if (needs.includes('id') && !LOCAL_ID.test(input.id ?? '')) fields.push({ pointer: '/id', message: '3 to 64 characters: lower-case letters, digits, . _ @ -' });
  if (needs.includes('email') && !EMAIL.test(input.email ?? '')) fields.push({ pointer: '/email', message: 'must be an email address' });
  if (needs.includes('displayName') && !/^[^\u0000-\u001f\u007f]{1,100}$/.test(input.displayName ?? '')) fields.push({ pointer: '/display_name', message: '1 to 100 characters' });
  const weak = needs.includes('password') ? passwordProblem(input.password ?? '') : undefined;
  if (weak) fields.push({ pointer: '/password', message: weak });
  return fields;
}

function userEvent(ctx: ActingContext, kind: string, userId: string, detail: Record<string, unknown> = {}): AuditEventInput {
  return { kind, actor: ctx.actor, subject: { type: 'console_user', id: userId }, requestId: ctx.requestId ?? null, outcome: 'success', detail };
}

/**
 * The console's humans: the first admin (through the one-time setup token), invitations, local
 * passwords, OpenID Connect accounts, disabling. Every change commits with its audit event, and a
 * password change or a disabled account ends that user's sessions in the same transaction.
 */
export class AccountService {
  constructor(
    private readonly orm: Orm,
    private readonly audit: AuditLog,
  ) {}

  /** On a start with no accounts: a fresh setup token (the previous one stops working). Otherwise undefined. */
  async openSetup(): Promise<string | undefined> {
    return this.orm.em.fork().transactional(async (tx) => {
      if ((await countUsers(tx)) > 0) return undefined;
      const secret = newConsoleSecret('agws');
      await sql(
        tx,
        `insert into console_setup_tokens (id, token_hash, created_at, used_at) values (1, ?, now(), null)
         on conflict (id) do update set token_hash = excluded.token_hash, created_at = excluded.created_at, used_at = null`,
        [secret.hash],
      );
      return secret.plaintext;
    });
  }

  /** Whether a setup token is still open (the setup page says so instead of showing a form). */
  async setupOpen(token: string): Promise<boolean> {
    const [row] = await sql(this.orm.em.fork(), 'select 1 from console_setup_tokens where id = 1 and token_hash = ? and used_at is null', [secretHash(token)]);
    return !!row && (await countUsers(this.orm.em.fork())) === 0;
  }

  /** Creates the first admin with the setup token; works once, and only while no account exists. */
  async completeSetup(token: string, input: LocalAccountInput, ctx: Omit<ActingContext, 'actor'>): Promise<ConsoleUser> {
    const problems = accountProblems(input, ['id', 'email', 'displayName', 'password']);
    if (problems.length) throw invalid(problems);
    const passwordHash = await hashPassword(input.password);
    return this.orm.em.fork().transactional(async (tx) => {
      const [row] = await sql<{ token_hash: string }>(tx, 'select token_hash from console_setup_tokens where id = 1 and used_at is null for update');
      if (!row || row.token_hash !== secretHash(token) || (await countUsers(tx)) > 0) {
        throw new GatewayError('forbidden', 'This setup link is not valid any more: an account exists already, or the gateway restarted with a new link.');
      }
      await sql(tx, 'update console_setup_tokens set used_at = now() where id = 1');
      await insertUser(tx, { id: input.id, email: input.email, displayName: input.displayName, role: 'admin', source: 'local', passwordHash });
      await this.audit.append(tx, userEvent({ ...ctx, actor: { type: 'user', id: input.id } }, 'console.setup_completed', input.id, { role: 'admin' }));
      return (await findUser(tx, input.id))!;
    });
  }

  /** An admin invites someone; the link (token) is shown once to the admin. */
  async invite(email: string, role: ConsoleRole, ctx: ActingContext): Promise<{ token: string; expiresAt: Date }> {
    const problems = accountProblems({ email }, ['email']);
    if (problems.length) throw invalid(problems);
    const secret = newConsoleSecret('agwv');
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    const id = randomUUID();
    await this.orm.em.fork().transactional(async (tx) => {
      await sql(
        tx,
        `insert into console_invitations (id, token_hash, role, email, created_by, created_at, expires_at) values (?, ?, ?, ?, ?, now(), ?)`,
        [id, secret.hash, role, email, ctx.actor.id, expiresAt],
      );
      await this.audit.append(tx, { ...userEvent(ctx, 'console.user_invited', email, { role, email, invitation_id: id }), subject: { type: 'console_invitation', id } });
    });
    return { token: secret.plaintext, expiresAt };
  }

  async invitation(token: string): Promise<{ email: string; role: ConsoleRole } | undefined> {
    const [row] = await sql<{ email: string; role: ConsoleRole }>(
      this.orm.em.fork(),
      'select email, role from console_invitations where token_hash = ? and used_at is null and expires_at > now()',
      [secretHash(token)],
    );
    return row;
  }

  /** The invited person picks an id and a password; the invitation works once. */
  async acceptInvitation(token: string, input: LocalAccountInput, ctx: Omit<ActingContext, 'actor'>): Promise<ConsoleUser> {
    const problems = accountProblems(input, ['id', 'email', 'displayName', 'password']);
    if (problems.length) throw invalid(problems);
    const passwordHash = await hashPassword(input.password);
    return this.orm.em.fork().transactional(async (tx) => {
      const [row] = await sql<{ id: string; role: ConsoleRole }>(
        tx,
        'select id, role from console_invitations where token_hash = ? and used_at is null and expires_at > now() for update',
        [secretHash(token)],
      );
      if (!row) throw new GatewayError('forbidden', 'This invitation is not valid: it was used, it expired, or the link is wrong.');
      if (!(await insertUser(tx, { id: input.id, email: input.email, displayName: input.displayName, role: row.role, source: 'local', passwordHash }))) {
        throw invalid([{ pointer: '/id', message: 'this user id is taken' }]);
      }
      await sql(tx, 'update console_invitations set used_at = now(), used_by = ? where id = ?', [input.id, row.id]);
      await this.audit.append(tx, userEvent({ ...ctx, actor: { type: 'user', id: input.id } }, 'console.invitation_accepted', input.id, { role: row.role, invitation_id: row.id }));
      return (await findUser(tx, input.id))!;
    });
  }

  /** The local account when the password is right and the account enabled; the same time either way. */
  async checkPassword(id: string, password: string): Promise<ConsoleUser | undefined> {
    const user = await findUser(this.orm.em.fork(), id);
    const stored = user?.source === 'local' && user.passwordHash ? user.passwordHash : await dummyHash();
    const ok = await verifyPassword(password.slice(0, 1024), stored);
    return ok && user && !user.disabledAt && user.source === 'local' ? user : undefined;
  }

  async changePassword(user: ConsoleUser, current: string, next: string, ctx: ActingContext): Promise<void> {
    const weak = passwordProblem(next);
    if (weak) throw invalid([{ pointer: '/new_password', message: weak }]);
    if (!(await this.checkPassword(user.id, current))) throw invalid([{ pointer: '/current_password', message: 'is not your current password' }]);
    const hash = await hashPassword(next);
    await this.orm.em.fork().transactional(async (tx) => {
      await sql(tx, 'update console_users set password_hash = ?, updated_at = now() where id = ?', [hash, user.id]);
      const ended = await endSessionsOf(tx, user.id);
      await this.audit.append(tx, userEvent(ctx, 'console.password_changed', user.id, { sessions_ended: ended }));
    });
  }

  /** Disabling ends every session of the user at once; nobody disables themselves (the last admin stays). */
  async setDisabled(userId: string, disabled: boolean, ctx: ActingContext): Promise<void> {
    if (userId === ctx.actor.id) throw new GatewayError('conflict', 'You cannot disable your own account.');
    await this.orm.em.fork().transactional(async (tx) => {
      const user = await findUser(tx, userId, true);
      if (!user) throw new GatewayError('not_found', 'No user with this id.');
      await sql(tx, `update console_users set disabled_at = ${disabled ? 'now()' : 'null'}, updated_at = now() where id = ?`, [userId]);
      const ended = disabled ? await endSessionsOf(tx, userId) : 0;
      await this.audit.append(tx, userEvent(ctx, disabled ? 'console.user_disabled' : 'console.user_enabled', userId, disabled ? { sessions_ended: ended } : {}));
    });
  }

  /**
   * Signs in an OpenID Connect subject: the subject is the user id. First sign-in creates the
   * account (admin when listed in OIDC_ADMIN_SUBJECTS). A local account of the same id, or a
   * disabled one, is refused.
   */
  async oidcUser(claims: { sub: string; email?: string; name?: string }, admins: readonly string[], ctx: Omit<ActingContext, 'actor'>): Promise<ConsoleUser> {
    if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(claims.sub)) throw new GatewayError('forbidden', 'This identity provider names users in a way the gateway cannot use as an owner id.');
    return this.orm.em.fork().transactional(async (tx) => {
      const role: ConsoleRole = admins.includes(claims.sub) ? 'admin' : 'owner';
      const existing = await findUser(tx, claims.sub, true);
      if (existing && existing.source !== 'oidc') throw new GatewayError('forbidden', 'A local account already uses this user id.');
      if (existing?.disabledAt) throw new GatewayError('forbidden', 'This account is disabled.');
      if (!existing) {
        const email = claims.email && EMAIL.test(claims.email) ? claims.email : `${claims.sub.replace(/[@]/g, '.')}@oidc.invalid`;
        await insertUser(tx, { id: claims.sub, email, displayName: (claims.name ?? claims.email ?? claims.sub).slice(0, 100), role, source: 'oidc', passwordHash: null });
        await this.audit.append(tx, userEvent({ ...ctx, actor: { type: 'user', id: claims.sub } }, 'console.user_created', claims.sub, { source: 'oidc', role }));
      } else if (admins.includes(claims.sub) && existing.role !== 'admin') {
        await sql(tx, `update console_users set role = 'admin', updated_at = now() where id = ?`, [claims.sub]);
      }
      return (await findUser(tx, claims.sub))!;
    });
  }

  async markSignedIn(userId: string): Promise<void> {
    await sql(this.orm.em.fork(), 'update console_users set last_sign_in_at = now() where id = ?', [userId]);
  }

  async hasAccounts(): Promise<boolean> {
    return (await countUsers(this.orm.em.fork())) > 0;
  }
}

