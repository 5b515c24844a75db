import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../audit/index.js';
import { publicOrigin, type GatewayConfig } from '../config/index.js';
import { clientAddress } from '../http/index.js';
import type { Identity } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import { PgRateLimiter } from '../pairing/rate-limiter.js';
import { sql, type Orm } from '../store/index.js';
import { OAuthBindings } from './bindings.js';
import { withClientMetadataDocuments } from './client-adapter.js';
import { cimdOptionsFrom } from './client-metadata-document.js';
import { createProvider } from './provider.js';
import { awaitRevocations, bridgeTokens, clientContext, revokeAgentTokensWithGrants, revokeBridgedTokens } from './token-bridge.js';
import { OAUTH_PATHS, oauthUrls, type OAuthUrls } from './urls.js';

export interface OAuthServerDeps {
  config: GatewayConfig;
  orm: Orm;
  audit: AuditLog;
  identity: Identity;
  logger: Logger;
}

/** Where the provider sends the human to sign in and consent. */
export const consentPath = (uid: string) => `/console/oauth/consent/${uid}`;

/** A registered client nobody consented to within this time is deleted (RFC 7591 registration is open to anyone). */
export const UNUSED_CLIENT_SECONDS = 24 * 3600;

/**
 * The gateway's own OAuth 2.1 authorization server: oidc-provider with the PostgreSQL adapter,
 * the token bridge to agent tokens, and the gateway's limits around it. The provider is built on
 * first use because its issuer is the gateway's public origin, which a gateway listening on port 0
 * learns only once it listens.
 */
export class OAuthServer {
  readonly bindings: OAuthBindings;
  private readonly limiter = new PgRateLimiter();
  private built?: { origin: string; provider: Provider; callback: ReturnType<Provider['callback']> };

  constructor(private readonly deps: OAuthServerDeps) {
    const { orm, identity, audit, config } = deps;
    this.bindings = new OAuthBindings(orm, identity, audit, config.oauthAccessTokenTtlSeconds);
  }

  urls(): OAuthUrls {
    return oauthUrls(publicOrigin(this.deps.config));
  }

  provider(): Provider {
    const origin = publicOrigin(this.deps.config);
    if (this.built?.origin === origin) return this.built.provider;
    const provider = this.build(origin);
    // Koa composes its middleware in callback(): once per provider, not per request.
    this.built = { origin, provider, callback: provider.callback() };
    return provider;
  }

  private build(origin: string): Provider {
    const { config, orm, logger, audit } = this.deps;
    if (!config.secretKey) throw new Error('the OAuth server needs the server secret key (config.secretKey)');
    const cimd = cimdOptionsFrom(config);
    const provider = createProvider({
      orm,
      origin,
      serverKey: config.secretKey,
      trustProxy: config.trustProxy !== false,
      accessTokenTtlSeconds: config.oauthAccessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.oauthRefreshTokenTtlSeconds,
      consentPath,
      clientAdapter: (base) => withClientMetadataDocuments(base, cimd, logger),
    });
    // Outermost first: errors of everything below are hidden; revocations settle before any answer.
    provider.use(hideServerErrors(logger));
    provider.use(awaitRevocations);
    provider.use(revokeBridgedTokens(orm, this.bindings, audit));
    provider.use(this.auditRegistrations());
    provider.use(bridgeTokens(this.bindings, config.oauthAccessTokenTtlSeconds));
    revokeAgentTokensWithGrants(provider, this.bindings, logger);
    provider.on('server_error', (_ctx: unknown, err: Error) => logger.error('oauth server error', { error: err.message }));
    return provider;
  }

  /** RFC 7591 registrations are audited like the pairing paths: who registered what, from where. */
  private auditRegistrations() {
    return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
      await next();
      if (ctx.oidc?.route !== 'registration' || ctx.status !== 201) return;
      const body = ctx.body as { client_id?: string; client_name?: string; redirect_uris?: string[]; client_secret?: string; client_secret_expires_at?: number };
      // oidc-provider mints a secret when the request names no auth method, before defaults apply; public clients never use one.
      delete body.client_secret;
      delete body.client_secret_expires_at;
      const act = clientContext(ctx);
      await this.deps.audit.append(this.deps.orm.em.fork(), {
        kind: 'oauth.client_registered',
        actor: act.actor,
        subject: { type: 'oauth_client', id: String(body.client_id) },
        requestId: null,
        outcome: 'success',
        detail: { client_name: body.client_name ?? null, redirect_hosts: [...new Set((body.redirect_uris ?? []).map((u) => URL.parse(u)?.host ?? '?'))] },
      });
    };
  }

  /**
   * The express front door: everything under /oauth/ goes to the provider (which reads its own
   * bodies, so this is mounted before the gateway's JSON parser), registrations rate-limited per
   * client address first.
   */
  handler(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (!req.path.startsWith('/oauth/')) return next();
      void this.admit(req, res)
        .then((admitted) => {
          if (!admitted) return;
          // Koa sees the path the client sent (express may have rewritten req.url for a mount).
          req.url = req.originalUrl;
          this.provider();
          void this.built!.callback(req, res);
        })
        .catch(next);
    };
  }

  private async admit(req: Request, res: Response): Promise<boolean> {
    if (req.method !== 'POST' || req.path !== OAUTH_PATHS.registration) return true;
    const count = await this.limiter.hit(this.deps.orm.em.fork(), `oauth-register:${clientAddress(req)}`, 3600);
    if (count <= this.deps.config.oauthRegistrationMaxPerHour) return true;
    res.status(429).setHeader('Retry-After', '3600');
    res.json({ error: 'rate_limited', error_description: 'Too many client registrations from this address; try again later.' });
    return false;
  }

  /** Deletes registered clients that never got a consent within a day; returns how many. */
  async sweepUnusedClients(): Promise<number> {
    const rows = await sql<{ n: string }>(
      this.deps.orm.em.fork(),
      `with gone as (
         delete from oauth_payloads c
          where c.model = 'Client'
            and coalesce((c.payload->>'client_id_issued_at')::bigint, 0) < extract(epoch from now()) - ?
            and not exists (select 1 from oauth_bindings b where b.client_id = c.id and b.revoked_at is null)
          returning 1)
       select count(*)::text as n from gone`,
      [UNUSED_CLIENT_SECONDS],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

/**
 * No 500 ever reaches an OAuth client: a failure on the server's side is logged (server_error
 * event) and answered as RFC 6749's `temporarily_unavailable`, with no detail of what failed.
 */
function hideServerErrors(logger: Logger) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    try {
      await next();
    } catch (err) {
      logger.error('oauth request failed', { error: err instanceof Error ? err.message : String(err) });
      ctx.status = 503;
      ctx.body = { error: 'temporarily_unavailable', error_description: 'The authorization server could not complete this; try again.' };
      return;
    }
    if (ctx.status >= 500 && ctx.body && typeof ctx.body === 'object') {
      ctx.status = 503;
      ctx.body = { error: 'temporarily_unavailable', error_description: 'The authorization server could not complete this; try again.' };
    }
  };
}
