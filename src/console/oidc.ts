import * as client from 'openid-client';
import type { OidcConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/** What the browser keeps (in a short-lived HttpOnly cookie) between the redirect and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

export interface OidcClaims {
  sub: string;
  email?: string;
  name?: string;
}

/**
 * Sign-in with OpenID Connect through `openid-client` (a certified relying party): authorization
 * code flow with PKCE (S256), state and nonce, against the issuer's discovery document. Discovery
 * happens at the first sign-in and is retried after a failure, so the gateway starts even while
 * the issuer is unreachable. A plain-http issuer is accepted (development only) with a warning.
 */
export class OidcSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    readonly settings: OidcConfig,
    private readonly logger: Logger,
  ) {
    if (new URL(settings.issuer).protocol === 'http:') logger.warn('OIDC_ISSUER is plain http: fine for development, never for production', { issuer: settings.issuer });
  }

  private discover(): Promise<client.Configuration> {
    const insecure = new URL(this.settings.issuer).protocol === 'http:';
    this.configuration ??= client
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => {
        this.configuration = undefined;
        this.logger.error('OpenID Connect discovery failed', { issuer: this.settings.issuer, error: err instanceof Error ? err.message : String(err) });
        throw new GatewayError('service_unavailable', 'The identity provider cannot be reached; try again shortly.');
      });
    return this.configuration;
  }

  /** The URL to send the browser to, and what must come back with it. */
  async start(redirectUri: string, next: string): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.discover();
    const pending: OidcPending = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Checks the callback (state, PKCE, ID token signature, issuer, audience, nonce) and returns the subject's claims. */
  async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcClaims> {
    const config = await this.discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
    } catch (err) {
      this.logger.warn('OpenID Connect sign-in refused', { error: err instanceof Error ? err.message : String(err) });
      throw new GatewayError('unauthenticated', 'The sign-in with your identity provider did not complete; please try again.');
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw new GatewayError('unauthenticated', 'The identity provider did not name the user.');
    // Code-flow ID tokens often leave email and name to the userinfo endpoint; the subject must match.
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => undefined);
    const email = info?.email ?? claims.email;
    const name = info?.name ?? claims.name;
    return { sub: claims.sub, ...(typeof email === 'string' ? { email } : {}), ...(typeof name === 'string' ? { name } : {}) };
  }
}
