import type { GatewayExtension } from '../gateway/extension.js';
import { deviceGrantRouter } from './device-grant.js';
import { discoveryRouter } from './discovery-router.js';
import { sweepOAuthPayloads } from './pg-adapter.js';
import { OAuthServer } from './server.js';

/**
 * The authorization server as a gateway extension: its own front door under /oauth/ (mounted with
 * the page routers, before the JSON body parser, because oidc-provider reads its own bodies), and
 * sweepers for expired payloads and registered clients nobody used. `onReady` hands the server to
 * the console, whose consent page finishes the provider's interactions.
 */
export function oauthExtension(onReady: (server: OAuthServer) => void): GatewayExtension {
  return {
    name: 'oauth',
    setup(deps) {
      const server = new OAuthServer(deps);
      onReady(server);
      const sweep = () => {
        void sweepOAuthPayloads(deps.orm).catch(() => undefined);
        void server.sweepUnusedClients().catch(() => undefined);
      };
      const sweeper = setInterval(sweep, 10 * 60_000);
      sweeper.unref();
      return {
        pageRouters: [
          { path: '/', router: discoveryRouter(() => server.urls(), true) },
          // RFC 8628 over the pairing flow (src/oauth/device-grant.ts): answers its two requests before the provider sees them.
          { path: '/', router: deviceGrantRouter(deps) },
          { path: '/', router: server.handler() },
        ],
        capabilities: { oauth: { authorization_server: true, consent: '/console/oauth/consent/' } },
        close: async () => clearInterval(sweeper),
      };
    },
  };
}
