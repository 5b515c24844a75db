import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { agentChangeEvent, type ActingContext, type Identity, type IssuedToken } from '../identity/index.js';
import { sql, type EntityManager, type Orm } from '../store/index.js';

/** One consented OAuth grant bound to an agent (migration 0120). */
export interface OAuthBinding {
  grantId: string;
  clientId: string;
  clientName: string;
  clientHost: string;
  agentId: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface BindingRow {
  grant_id: string;
  client_id: string;
  client_name: string;
  client_host: string;
  agent_id: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const fromRow = (r: BindingRow): OAuthBinding => ({
  grantId: r.grant_id,
  clientId: r.client_id,
  clientName: r.client_name,
  clientHost: r.client_host,
  agentId: r.agent_id,
  userId: r.user_id,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
});

export type NewBinding = Omit<OAuthBinding, 'createdAt' | 'lastUsedAt' | 'revokedAt'>;

/**
 * The token bridge's state: which agent an oidc-provider grant was bound to at consent, and which
 * `agw_` agent tokens were minted under it. oidc-provider owns the protocol (codes, refresh
 * tokens, their rotation and reuse detection); this owns what the gateway hands out as access
 * tokens, so every way a grant ends also ends its agent tokens.
 */
export class OAuthBindings {
  constructor(
    private readonly orm: Orm,
    private readonly identity: Identity,
    private readonly audit: AuditLog,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  /** Recorded inside the consent transaction, before the client can redeem its code. */
  async create(em: EntityManager, binding: NewBinding): Promise<void> {
    await sql(
      em,
      `insert into oauth_bindings (grant_id, client_id, client_name, client_host, agent_id, user_id, created_at) values (?, ?, ?, ?, ?, ?, now())`,
      [binding.grantId, binding.clientId, binding.clientName, binding.clientHost, binding.agentId, binding.userId],
    );
  }

  async find(em: EntityManager, grantId: string): Promise<OAuthBinding | undefined> {
    const rows = await sql<BindingRow>(em, `select * from oauth_bindings where grant_id = ?`, [grantId]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** The live bindings of one agent, newest first (the console's list). */
  async listForAgent(em: EntityManager, agentId: string): Promise<OAuthBinding[]> {
    const rows = await sql<BindingRow>(em, `select * from oauth_bindings where agent_id = ? and revoked_at is null order by created_at desc`, [agentId]);
    return rows.map(fromRow);
  }

  /**
   * Mints the access token of one token-endpoint answer: an `agw_` token of the bound agent,
   * short-lived, recorded under the grant. Fails closed when the grant has no live binding.
   */
  async mint(grantId: string, kind: 'oauth.token_issued' | 'oauth.token_refreshed', ctx: ActingContext): Promise<IssuedToken> {
    return this.orm.em.fork().transactional(async (tx) => {
      const binding = await this.lockBinding(tx, grantId);
      if (!binding || binding.revokedAt) throw new GatewayError('access_denied', 'This grant is no longer bound to an agent.');
      const agent = await this.identity.agents.lock(tx, binding.agentId);
      const issued = await this.identity.tokens.issueFor(
        tx,
        agent,
        { label: `OAuth: ${binding.clientName}`.slice(0, 200), origin: 'oauth', expiresAt: new Date(Date.now() + this.accessTokenTtlSeconds * 1000) },
        ctx,
        kind,
      );
      await sql(tx, `insert into oauth_binding_tokens (token_id, grant_id, created_at) values (?, ?, now())`, [issued.token.id, grantId]);
      await sql(tx, `update oauth_bindings set last_used_at = now() where grant_id = ?`, [grantId]);
      return issued;
    });
  }

  /**
   * Ends a binding and revokes every agent token minted under it, in one transaction. Idempotent:
   * a grant already revoked (or never bound) changes nothing.
   */
  async revokeGrant(grantId: string, reason: string, ctx: ActingContext, kind: 'oauth.revoked' | 'oauth.refresh_reuse_detected' = 'oauth.revoked'): Promise<boolean> {
    return this.orm.em.fork().transactional(async (tx): Promise<string | undefined> => {
      const binding = await this.lockBinding(tx, grantId);
      if (!binding || binding.revokedAt) return undefined;
      await sql(tx, `update oauth_bindings set revoked_at = now() where grant_id = ?`, [grantId]);
      // The provider's side of the grant too (its refresh tokens, codes, the grant itself), so nothing of it can be redeemed later.
      await sql(tx, `delete from oauth_payloads where grant_id = ? or (model = 'Grant' and id = ?)`, [grantId, grantId]);
      const tokens = await sql<{ token_id: string }>(
        tx,
        `update agent_tokens set revoked_at = now() where revoked_at is null and id in (select token_id from oauth_binding_tokens where grant_id = ?) returning id as token_id`,
        [grantId],
      );
      const agent = await this.identity.agents.get(tx, binding.agentId);
      await this.audit.append(
        tx,
        agentChangeEvent(ctx, agent, kind, { type: 'oauth_grant', id: grantId }, { client_id: binding.clientId, client_name: binding.clientName, reason, tokens_revoked: tokens.length }),
      );
      return binding.agentId;
    }).then((agentId) => {
      if (!agentId) return false;
      this.forget(agentId);
      return true;
    });
  }

  /** The triggers of migration 0090 tell every instance; this drops this process's cache at once too. */
  forget(agentId: string): void {
    this.identity.authenticator.cache.invalidate(agentId);
  }

  /** The grant an `agw_` token was minted under, if any (RFC 7009 revocation of an access token). */
  async grantOfToken(em: EntityManager, tokenId: string): Promise<OAuthBinding | undefined> {
    const rows = await sql<BindingRow>(em, `select b.* from oauth_bindings b join oauth_binding_tokens t on t.grant_id = b.grant_id where t.token_id = ?`, [tokenId]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  private async lockBinding(tx: EntityManager, grantId: string): Promise<OAuthBinding | undefined> {
    const rows = await sql<BindingRow>(tx, `select * from oauth_bindings where grant_id = ? for update`, [grantId]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }
}
