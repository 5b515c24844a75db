import express, { type Router } from 'express';
import { authorizationServerMetadata, protectedResourceMetadata } from './metadata.js';
import type { OAuthUrls } from './urls.js';

/**
 * Every well-known path MCP clients probe. Codex and the MCP SDK try the path-suffixed forms
 * (`.../mcp`) and the OpenID Connect names before the plain RFC 8414 one; all answer the same
 * document, so whichever a client tries first works.
 */
const RESOURCE_PATHS = ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'];
const SERVER_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-authorization-server/mcp',
  '/.well-known/openid-configuration',
  '/.well-known/openid-configuration/mcp',
  '/mcp/.well-known/openid-configuration',
  '/mcp/.well-known/oauth-authorization-server',
];

/**
 * `authorizationServer`: whether the gateway's own authorization server (`/oauth/...`) is mounted.
 * Until it is, only the resource metadata is served, without `authorization_servers`: advertising
 * endpoints that answer 404 makes Codex 0.169 start a browser login from a bare `codex mcp add` and
 * wait for a callback that never comes.
 */
export function discoveryRouter(urls: () => OAuthUrls, authorizationServer = false): Router {
  const router = express.Router();
  const answer = (doc: (u: OAuthUrls) => Record<string, unknown>) => (_req: express.Request, res: express.Response) => {
    // Public documents: browser-based clients fetch them cross-origin.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(doc(urls()));
  };
  const resource = (u: OAuthUrls) => {
    const doc = protectedResourceMetadata(u);
    if (!authorizationServer) delete doc.authorization_servers;
    return doc;
  };
  for (const path of RESOURCE_PATHS) router.get(path, answer(resource));
  if (!authorizationServer) return router;
  for (const path of SERVER_PATHS) router.get(path, answer(authorizationServerMetadata));
  return router;
}
