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

export function discoveryRouter(urls: () => OAuthUrls): Router {
  const router = express.Router();
  const answer = (doc: (u: OAuthUrls) => Record<string, unknown>) => (_req: express.Request, res: express.Response) => {
    // Public documents: browser-based clients fetch them cross-origin.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(doc(urls()));
  };
  for (const path of RESOURCE_PATHS) router.get(path, answer(protectedResourceMetadata));
  for (const path of SERVER_PATHS) router.get(path, answer(authorizationServerMetadata));
  return router;
}
