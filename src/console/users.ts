import { asDate, sql, type EntityManager } from '../store/index.js';

export type ConsoleRole = 'owner' | 'admin';

/** A human who signs in to the console. `id` is the user id agents are owned by (Launcher's X-Acting-User). */
export interface ConsoleUser {
  id: string;
  email: string;
  displayName: string;
  role: ConsoleRole;
  source: 'local' | 'oidc';
  passwordHash: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: ConsoleRole;
  source: 'local' | 'oidc';
  password_hash: string | null;
  created_at: Date | string;
  disabled_at: Date | string | null;
  last_sign_in_at: Date | string | null;
}

export function toUser(row: UserRow): ConsoleUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    source: row.source,
    passwordHash: row.password_hash,
    createdAt: asDate(row.created_at),
    disabledAt: asDate(row.disabled_at),
    lastSignInAt: asDate(row.last_sign_in_at),
  };
}

export async function findUser(em: EntityManager, id: string, lock = false): Promise<ConsoleUser | undefined> {
  const [row] = await sql<UserRow>(em, `select * from console_users where id = ?${lock ? ' for update' : ''}`, [id]);
  return row ? toUser(row) : undefined;
}

export async function countUsers(em: EntityManager): Promise<number> {
  const [row] = await sql<{ n: string }>(em, 'select count(*) as n from console_users');
  return Number(row?.n ?? 0);
}

export async function listUsers(em: EntityManager): Promise<ConsoleUser[]> {
  return (await sql<UserRow>(em, 'select * from console_users order by created_at asc, id asc')).map(toUser);
}

export interface NewUser {
  id: string;
  email: string;
  displayName: string;
  role: ConsoleRole;
  source: 'local' | 'oidc';
  passwordHash: string | null;
}

/** Inserts a user; false when the id is taken. */
export async function insertUser(em: EntityManager, user: NewUser): Promise<boolean> {
  const rows = await sql(
    em,
    `insert into console_users (id, email, display_name, role, source, password_hash, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, now(), now()) on conflict (id) do nothing returning id`,
    [user.id, user.email, user.displayName, user.role, user.source, user.passwordHash],
  );
  return rows.length === 1;
}

/** Ends every session of the user: used whenever their password, role or status changes. */
export async function endSessionsOf(em: EntityManager, userId: string): Promise<number> {
  const rows = await sql(em, 'delete from console_sessions where user_id = ? returning id_hash', [userId]);
  return rows.length;
}
