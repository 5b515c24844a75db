import type { Orm } from '../store/index.js';
import { sql } from '../store/index.js';

/** What oidc-provider stores per model instance (its adapter contract; the fields it looks up by). */
export interface OAuthPayload {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
  [key: string]: unknown;
}

interface Row {
  payload: OAuthPayload;
  consumed_at: Date | string | null;
}

/**
 * oidc-provider's storage in PostgreSQL (`oauth_payloads`, migration 0110): every instance sharing
 * the database sees the same clients, codes and refresh tokens. Expired rows are never returned, so
 * a code or token outlives its expiry nowhere, even before a sweep deletes it.
 */
export class PgOAuthAdapter {
  constructor(
    private readonly orm: Orm,
    readonly model: string,
  ) {}

  async upsert(id: string, payload: OAuthPayload, expiresIn?: number): Promise<void> {
    await sql(
      this.orm.em.fork(),
      `insert into oauth_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
       values (?, ?, ?::jsonb, ?, ?, ?, case when ?::int is null then null else now() + make_interval(secs => ?::int) end)
       on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
         uid = excluded.uid, expires_at = excluded.expires_at`,
      [this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null, expiresIn ?? null],
    );
  }

  find(id: string): Promise<OAuthPayload | undefined> {
    return this.one('id = ?', id);
  }

  findByUserCode(userCode: string): Promise<OAuthPayload | undefined> {
    return this.one('user_code = ?', userCode);
  }

  findByUid(uid: string): Promise<OAuthPayload | undefined> {
    return this.one('uid = ?', uid);
  }

  /** Marks a code or refresh token used: oidc-provider then refuses it, and a reuse revokes its grant. */
  async consume(id: string): Promise<void> {
    await sql(this.orm.em.fork(), `update oauth_payloads set consumed_at = now() where model = ? and id = ?`, [this.model, id]);
  }

  async destroy(id: string): Promise<void> {
    await sql(this.orm.em.fork(), `delete from oauth_payloads where model = ? and id = ?`, [this.model, id]);
  }

  /** Every model instance of one grant goes (oidc-provider calls this per model). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await sql(this.orm.em.fork(), `delete from oauth_payloads where model = ? and grant_id = ?`, [this.model, grantId]);
  }

  private async one(where: string, value: string): Promise<OAuthPayload | undefined> {
    const rows = await sql<Row>(
      this.orm.em.fork(),
      `select payload, consumed_at from oauth_payloads where model = ? and ${where} and (expires_at is null or expires_at > now())`,
      [this.model, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed_at ? { ...row.payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : row.payload;
  }
}

/** Deletes expired rows; run now and then (expired rows are already invisible). */
export async function sweepOAuthPayloads(orm: Orm): Promise<number> {
  const rows = await sql<{ n: string }>(orm.em.fork(), `with gone as (delete from oauth_payloads where expires_at <= now() returning 1) select count(*)::text as n from gone`);
  return Number(rows[0]?.n ?? 0);
}
