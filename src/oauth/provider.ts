import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Orm } from '../store/index.js';
import { OAUTH_SCOPES } from './metadata.js';
import { providerKeys } from './keys.js';
import { PgOAuthAdapter } from './pg-adapter.js';
import { OAUTH_PATHS, oauthUrls } from './urls.js';
import { renderOAuthError } from './render-error.js';

/** What the provider's configuration needs from the gateway. */
export interface ProviderSettings {
  orm: Orm;
  /** The gateway's public origin: the issuer. */
  origin: string;
  serverKey: Uint8Array;
  /** Whether X-Forwarded-Proto/-For are believed (the gateway's `trust proxy` is set). */
  trustProxy: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Where the human consents (the console), given the interaction's uid. */
  consentPath: (uid: string) => string;
  /** Client lookups by id: the registered ones in PostgreSQL, client-ID metadata documents fetched. */
  clientAdapter?: (fallback: PgOAuthAdapter) => PgOAuthAdapter;
}

/** Every route oidc-provider knows, under /oauth so nothing of it lands outside its front door. */
const ROUTES = {
  authorization: OAUTH_PATHS.authorization,
  token: OAUTH_PATHS.token,
  registration: OAUTH_PATHS.registration,
  revocation: OAUTH_PATHS.revocation,
  device_authorization: OAUTH_PATHS.deviceAuthorization,
  code_verification: '/oauth/device',
  jwks: '/oauth/jwks',
  end_session: '/oauth/session/end',
  introspection: '/oauth/introspect',
  userinfo: '/oauth/userinfo',
  pushed_authorization_request: '/oauth/par',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
};

/**
 * oidc-provider configured as the MCP authorization spec and OAuth 2.1 want it: public clients
 * only (no secrets to keep), authorization code with PKCE S256, `resource` must name the gateway's
 * MCP endpoint (RFC 8707), refresh tokens rotated on every use (a reused one revokes the grant:
 * oidc-provider's own reuse detection), dynamic registration open (rate-limited in front).
 */
export function createProvider(settings: ProviderSettings): Provider {
  const urls = oauthUrls(settings.origin);
  const keys = providerKeys(settings.serverKey);
  const adapterFor = (name: string) => {
    const base = new PgOAuthAdapter(settings.orm, name);
    return name === 'Client' && settings.clientAdapter ? settings.clientAdapter(base) : base;
  };
  const configuration: Configuration = {
    adapter: adapterFor as unknown as Configuration['adapter'],
    clients: [],
    clientDefaults: {
      application_type: 'native',
      id_token_signed_response_alg: 'EdDSA',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    clientAuthMethods: ['none'],
    responseTypes: ['code'],
    scopes: [...OAUTH_SCOPES],
    claims: { openid: ['sub'] },
    routes: ROUTES,
    jwks: keys.jwks as Configuration['jwks'],
    cookies: { keys: keys.cookieKeys, long: { httpOnly: true, sameSite: 'lax' }, short: { httpOnly: true, sameSite: 'lax' } },
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      // A client revokes only what was issued to it (a public client is identified by its client_id alone).
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      deviceFlow: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource still gets a token for the one resource there is.
        defaultResource: () => urls.mcpResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== urls.mcpResource) throw new errors.InvalidTarget(`the only resource here is ${urls.mcpResource}`);
          return { scope: OAUTH_SCOPES.join(' '), audience: urls.mcpResource, accessTokenTTL: settings.accessTokenTtlSeconds, accessTokenFormat: 'opaque' };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => settings.consentPath(interaction.uid) },
    // The consent names the client; the human the grant belongs to is the console user.
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    loadExistingGrant: async (ctx) => {
      // Only the grant the human just consented to: an earlier consent never silently covers a new request.
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    clientBasedCORS: (_ctx, origin, client) => origin !== 'null' && (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 30 * 60,
      Session: 60 * 60,
      Grant: settings.refreshTokenTtlSeconds,
      RefreshToken: settings.refreshTokenTtlSeconds,
      IdToken: 60 * 60,
      DeviceCode: 10 * 60,
    },
    renderError: renderOAuthError,
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'], requestObjectSigningAlgValues: ['EdDSA'] } as Configuration['enabledJWA'],
  };
  const provider = new Provider(urls.issuer, configuration);
  // Behind a TLS-terminating proxy the provider must see https, as express does (trust proxy).
  provider.proxy = settings.trustProxy;
  return provider;
}

export type { KoaContextWithOIDC };
