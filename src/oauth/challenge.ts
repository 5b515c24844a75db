/**
 * The `WWW-Authenticate` value of an agent-facing 401 (RFC 6750 §3, MCP authorization spec): it
 * names the resource metadata so a client can discover where to get a token, and says
 * `invalid_token` when a token was sent, so a client can tell "log in" from "log in again".
 */
export function bearerChallenge(resourceMetadataUrl: string, tokenSent: boolean): string {
  const params = [`realm="agent-gateway"`, `resource_metadata="${resourceMetadataUrl}"`];
  if (tokenSent) params.push('error="invalid_token"', 'error_description="The access token is missing its agent, expired or revoked; sign in again"');
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 §3.1 `insufficient_scope`, for a 403 where the token is good but its grants are not enough. */
export function insufficientScopeChallenge(resourceMetadataUrl: string, scope: string): string {
  return `Bearer realm="agent-gateway", resource_metadata="${resourceMetadataUrl}", error="insufficient_scope", scope="${scope}"`;
}

/** Whether the request carried a token at all: an empty `Authorization` or a bare scheme is no token. */
export function tokenWasSent(authorization: string | undefined): boolean {
  if (!authorization) return false;
  const [, value] = authorization.trim().split(/\s+/, 2);
  return Boolean(value);
}
