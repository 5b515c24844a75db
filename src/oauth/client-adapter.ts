import { errors } from 'oidc-provider';
import type { Logger } from '../log/index.js';
import { cimdFailureOf, fetchClientMetadataDocument, isClientMetadataUrl, type CimdOptions } from './client-metadata-document.js';
import type { OAuthPayload, PgOAuthAdapter } from './pg-adapter.js';

/**
 * oidc-provider's `Client` storage with client-ID metadata documents bridged in: oidc-provider
 * looks clients up by id, so an id that is an https URL is answered by fetching the client's
 * document (src/oauth/client-metadata-document.ts, with its limits) instead of the registration
 * table. The document decides nothing the registration path could not: public client, code flow.
 */
export function withClientMetadataDocuments(base: PgOAuthAdapter, options: CimdOptions, logger: Logger): PgOAuthAdapter {
  const find = base.find.bind(base);
  base.find = async (id: string): Promise<OAuthPayload | undefined> => {
    if (!isClientMetadataUrl(id)) return find(id);
    try {
      const doc = await fetchClientMetadataDocument(id, options);
      return {
        client_id: doc.client_id,
        ...(doc.client_name ? { client_name: doc.client_name } : {}),
        ...(doc.client_uri ? { client_uri: doc.client_uri } : {}),
        ...(doc.logo_uri ? { logo_uri: doc.logo_uri } : {}),
        redirect_uris: doc.redirect_uris,
        token_endpoint_auth_method: 'none',
        grant_types: doc.grant_types.filter((g) => g === 'authorization_code' || g === 'refresh_token'),
        response_types: ['code'],
        application_type: 'native',
      };
    } catch (err) {
      const reason = cimdFailureOf(err);
      if (!reason) throw err;
      logger.info('oauth client metadata document refused', { client_id: id.slice(0, 200), reason });
      throw new errors.InvalidClient(`the client metadata document at this client_id was refused (${reason})`);
    }
  };
  return base;
}
