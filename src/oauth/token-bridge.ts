import type { KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AuditLog } from '../audit/index.js';
import { GatewayError } from '../errors/index.js';
import { hashesEqual, sha256, tokenPrefix, type ActingContext } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import { AgentTokenSchema, type Orm } from '../store/index.js';
import type { OAuthBindings } from './bindings.js';

type Next = () => Promise<void>;

/** The client's side of an audit event: who asked, from where. */
export function clientContext(ctx: KoaContextWithOIDC): ActingContext {
  return { actor: { type: 'anonymous', id: ctx.ip }, address: ctx.ip };
}

const REVOCATIONS = Symbol('oauth revocations');
type WithRevocations = KoaContextWithOIDC & { [REVOCATIONS]?: Promise<unknown>[] };

/**
 * Every way oidc-provider ends a grant (a reused refresh token at the token endpoint, a refresh
 * token revoked at RFC 7009) ends the agent tokens minted under it: the provider announces
 * `grant.revoked`, and the request waits for the agent tokens to be revoked before it answers, so
 * the client never sees "revoked" while its access token still works.
 */
export function revokeAgentTokensWithGrants(provider: Provider, bindings: OAuthBindings, logger: Logger): void {
  provider.on('grant.revoked', (ctx: WithRevocations, grantId: string) => {
    // At the token endpoint the provider revokes a grant only on a replay: of a refresh token, or of an authorization code.
    const replay = ctx.oidc?.route === 'token';
    const refreshReuse = replay && ctx.oidc?.params?.grant_type === 'refresh_token';
    const reason = refreshReuse ? 'refresh_token_reuse' : replay ? 'authorization_code_reuse' : 'revocation_endpoint';
    const done = bindings.revokeGrant(grantId, reason, clientContext(ctx), refreshReuse ? 'oauth.refresh_reuse_detected' : 'oauth.revoked').catch((err: unknown) => {
      logger.error('oauth grant revocation failed', { grant_id: grantId, error: err instanceof Error ? err.message : String(err) });
      throw err;
    });
    (ctx[REVOCATIONS] ??= []).push(done);
  });
}

/** Waits for the revocations this request started (see above); a failure fails the request closed. */
export async function awaitRevocations(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
  await next();
  const pending = (ctx as WithRevocations)[REVOCATIONS];
  if (!pending?.length) return;
  try {
    await Promise.all(pending);
  } catch {
    ctx.status = 503;
    ctx.body = { error: 'temporarily_unavailable', error_description: 'The grant could not be revoked completely; try again.' };
  }
}

/**
 * The token bridge. oidc-provider runs the token endpoint (codes, PKCE, refresh rotation, reuse
 * detection); its answer's `access_token` is then replaced by an `agw_` token of the agent bound to
 * the grant at consent, so `/mcp` and the REST routes authenticate OAuth clients exactly like every
 * other agent. The provider's own access token is destroyed at once: nothing accepts it anyway.
 */
export function bridgeTokens(bindings: OAuthBindings, accessTokenTtlSeconds: number) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.access_token !== 'string') return;
    const { AccessToken: accessToken, Grant: grant } = ctx.oidc.entities;
    const grantId = grant?.jti ?? accessToken?.grantId;
    await accessToken?.destroy().catch(() => undefined);
    const refreshed = ctx.oidc.params?.grant_type === 'refresh_token';
    try {
      if (!grantId) throw new GatewayError('access_denied', 'no grant');
      const issued = await bindings.mint(grantId, refreshed ? 'oauth.token_refreshed' : 'oauth.token_issued', clientContext(ctx));
      ctx.body = { ...body, access_token: issued.secret, token_type: 'Bearer', expires_in: accessTokenTtlSeconds };
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code === 'internal_error') throw err;
      // The grant is no longer bound (revoked in the console, agent suspended): the client must log in again.
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant', error_description: 'This authorization was revoked or its agent is no longer active; sign in again.' };
    }
  };
}

/**
 * RFC 7009 for the access tokens the bridge minted: oidc-provider does not know `agw_` tokens, so
 * after it answered (200 for any token, as the RFC wants) an `agw_` token of a grant of the calling
 * client is revoked here. A token of another client, or no OAuth token at all, is left alone.
 */
export function revokeBridgedTokens(orm: Orm, bindings: OAuthBindings, audit: AuditLog) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    if (ctx.oidc?.route !== 'revocation' || ctx.status !== 200) return;
    const token = ctx.oidc.params?.token;
    const clientId = ctx.oidc.client?.clientId;
    if (typeof token !== 'string' || !clientId) return;
    const prefix = tokenPrefix(token);
    if (!prefix) return;
    const em = orm.em.fork();
    const row = await em.findOne(AgentTokenSchema, { prefix });
    if (!row || !hashesEqual(row.secretHash, sha256(token))) return;
    const binding = await bindings.grantOfToken(em, row.id);
    if (!binding || binding.clientId !== clientId) return;
    const ctxAct = clientContext(ctx);
    await em.transactional(async (tx) => {
      const fresh = await tx.findOne(AgentTokenSchema, { id: row.id }, { refresh: true });
      if (!fresh || fresh.revokedAt) return;
      fresh.revokedAt = new Date();
      await tx.flush();
      await audit.append(tx, {
        kind: 'oauth.revoked',
        actor: ctxAct.actor,
        agentId: binding.agentId,
        subject: { type: 'token', id: row.id },
        requestId: null,
        outcome: 'success',
        detail: { client_id: clientId, grant_id: binding.grantId, reason: 'access_token_revoked' },
      });
    });
    bindings.forget(binding.agentId);
  };
}
