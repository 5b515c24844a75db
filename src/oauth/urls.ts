/**
 * The URLs the MCP authorization spec has clients discover, derived from the gateway's public
 * origin (PUBLIC_URL or http://HOST:PORT). One place, so the 401 header, the resource metadata and
 * the authorization server metadata can never disagree about them.
 */
export interface OAuthUrls {
  /** The authorization server's issuer identifier: the gateway's origin. */
  issuer: string;
  /** The protected MCP resource (RFC 8707 `resource`, RFC 9728 `resource`). */
  mcpResource: string;
  /** RFC 9728 metadata of the MCP resource, named in every 401's `resource_metadata`. */
  resourceMetadata: string;
  authorization: string;
  token: string;
  registration: string;
  revocation: string;
  deviceAuthorization: string;
}

/** Where the authorization server's endpoints live (under the gateway's origin). */
export const OAUTH_PATHS = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  deviceAuthorization: '/oauth/device/auth',
} as const;

export function oauthUrls(origin: string): OAuthUrls {
  const base = origin.replace(/\/+$/, '');
  return {
    issuer: base,
    mcpResource: `${base}/mcp`,
    resourceMetadata: `${base}/.well-known/oauth-protected-resource/mcp`,
    authorization: base + OAUTH_PATHS.authorization,
    token: base + OAUTH_PATHS.token,
    registration: base + OAUTH_PATHS.registration,
    revocation: base + OAUTH_PATHS.revocation,
    deviceAuthorization: base + OAUTH_PATHS.deviceAuthorization,
  };
}
