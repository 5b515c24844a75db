import type { OAuthUrls } from './urls.js';

/** Scopes a client may ask for; what an agent may do is decided by its grants, chosen at consent. */
export const OAUTH_SCOPES = ['tasker', 'offline_access'] as const;

/** RFC 9728 protected resource metadata of `/mcp`. */
export function protectedResourceMetadata(urls: OAuthUrls): Record<string, unknown> {
  return {
    resource: urls.mcpResource,
    authorization_servers: [urls.issuer],
    scopes_supported: [...OAUTH_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'NODE.DC Agent Gateway (Tasker)',
    resource_documentation: `${urls.issuer}/console`,
  };
}

/**
 * RFC 8414 authorization server metadata. Public clients with PKCE S256 only (OAuth 2.1), the
 * device grant for machines without a browser, and both ways MCP clients identify themselves:
 * dynamic registration and client-ID metadata documents.
 */
export function authorizationServerMetadata(urls: OAuthUrls): Record<string, unknown> {
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorization,
    token_endpoint: urls.token,
    registration_endpoint: urls.registration,
    revocation_endpoint: urls.revocation,
    device_authorization_endpoint: urls.deviceAuthorization,
    scopes_supported: [...OAUTH_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    resource_indicators_supported: true,
  };
}
