import type { GatewayConfig } from '../config/index.js';
import type { Orm } from '../store/index.js';
import { cimdFailureOf, cimdOptionsFrom, fetchClientMetadataDocument, isClientMetadataUrl } from './client-metadata-document.js';
import { PgOAuthAdapter } from './pg-adapter.js';

/** The client asking for a device code, as the owner will see it on the pairing page. */
export interface DeviceClient {
  clientId: string;
  /** Self-asserted name, with the metadata host when it came from a document: plain text, escaped by the page. */
  label: string;
}

const MAX_LABEL = 100;

/** Control characters out, length bounded: the label becomes the pairing flow's device name. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_LABEL);
}

/**
 * A client the gateway knows: one registered dynamically (oidc-provider's `Client` rows), or one
 * that names itself with a client-ID metadata document (fetched under its limits). Anything else is
 * unknown: the device grant is for public clients, but not for anonymous ones.
 */
export async function resolveDeviceClient(clientId: string, deps: { orm: Orm; config: GatewayConfig }): Promise<DeviceClient | undefined> {
  if (isClientMetadataUrl(clientId)) {
    try {
      const doc = await fetchClientMetadataDocument(clientId, cimdOptionsFrom(deps.config));
      return { clientId, label: clean(doc.client_name ? `${doc.client_name} (${doc.client_host})` : doc.client_host) };
    } catch (err) {
      if (cimdFailureOf(err)) return undefined;
      throw err;
    }
  }
  if (clientId.length > 200) return undefined;
  const registered = await new PgOAuthAdapter(deps.orm, 'Client').find(clientId);
  if (!registered || registered.token_endpoint_auth_method !== 'none') return undefined;
  const name = typeof registered.client_name === 'string' && registered.client_name.trim() ? registered.client_name : clientId;
  return { clientId, label: clean(name) };
}
