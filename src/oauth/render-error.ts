import type { errors, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { errorPage } from '../console/views/layout.js';

/**
 * The page oidc-provider shows when it cannot send an error back to the client (an unknown client,
 * a redirect URI that does not match): the console's error page with the OAuth error code and
 * description, never a stack. A server-side failure becomes a 503 that says to try again.
 */
export async function renderOAuthError(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error | errors.OIDCProviderError): Promise<void> {
  const status = 'status' in error && typeof error.status === 'number' ? error.status : 500;
  const failed = status >= 500;
  const code = failed ? 'temporarily_unavailable' : String(out.error ?? 'invalid_request');
  const description = failed ? 'The gateway could not complete this sign-in; nothing was changed. Try again.' : String(out.error_description ?? 'The request could not be accepted.');
  ctx.status = failed ? 503 : status;
  ctx.type = 'html';
  ctx.body = errorPage(ctx.status, `${description} (${code})`).text;
}
