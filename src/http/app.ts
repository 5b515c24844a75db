import express, { type Express, type RequestHandler, type Router } from 'express';
import { publicOrigin } from '../config/index.js';
import { discoveryRouter } from '../oauth/discovery-router.js';
import { oauthUrls } from '../oauth/urls.js';
import { agentAuth } from './agent-auth.js';
import type { HttpDeps } from './deps.js';
import { errorHandler, notFoundHandler, requireJsonBodies } from './error-handling.js';
import { internalAuth } from './internal-auth.js';
import { requestContext } from './request-context.js';
import { internalAgentsRouter } from './routes/internal-agents.js';
import { internalAuditRouter } from './routes/internal-audit.js';
import { internalGrantsRouter } from './routes/internal-grants.js';
import { internalPairingRouter } from './routes/internal-pairing.js';
import { internalTokensRouter } from './routes/internal-tokens.js';
import { meRouter } from './routes/me.js';
import { opsRouter, type OpsOptions } from './routes/ops.js';
import { publicPairingRouter } from './routes/public-pairing.js';

/** A router contributed by a later stage, mounted at `path` before the 404 handler. */
export interface MountedRouter {
  path: string;
  router: Router | RequestHandler;
  /** For agent routers: it reads its own body (MCP answers a parse error in JSON-RPC), so the shared JSON guard and parser are not put before it. */
  ownBody?: boolean;
}

export interface HttpAppOptions extends OpsOptions {
  internalApiToken: string;
  /** Mounted in order after the foundation's routes, e.g. `/mcp`, `/api/v1` tool routes. */
  routers?: MountedRouter[];
  /** Mounted before the JSON-only body guard: front doors that read bodies of their own (the console's HTML forms). */
  pageRouters?: MountedRouter[];
  /**
   * The agent front doors (`/mcp`, the REST tool routes), mounted first, right after the request
   * context: every tool call takes this path, and no page or foundation router serves a path they
   * claim, so a call skips the walk through the console's and OAuth's routers (their matching cost
   * more than the rest of Express per call). Each gets the shared JSON guard and parser unless it
   * reads its own body.
   */
  agentRouters?: MountedRouter[];
}

/** The bearer-token middleware, shared with later stages through the gateway deps. */
export function agentAuthMiddleware(deps: HttpDeps): RequestHandler {
  // Read per request: a gateway listening on port 0 learns its origin only once it listens.
  return agentAuth(deps.identity.authenticator, () => oauthUrls(publicOrigin(deps.config)).resourceMetadata);
}

export function createHttpApp(deps: HttpDeps, options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('json spaces', 0);
  // No ETag on res.send/res.json: every answer here is an API answer or a page made for its caller
  // (no-store where it matters), never revalidated, and hashing each body cost ~1% of a tool call.
  // Static assets (express.static) keep their own validators.
  app.set('etag', false);

  const parseJson = express.json({ limit: deps.config.bodyLimitBytes, type: ['application/json', 'application/*+json'], strict: true });
  app.use(requestContext(deps.logger));
  for (const { path, router, ownBody } of options.agentRouters ?? []) {
    if (ownBody) app.use(path, router);
    else app.use(path, requireJsonBodies, parseJson, router);
  }
  // The service token is checked before the body is even parsed: anonymous callers of the
  // internal API learn nothing, not even whether their JSON was well-formed.
  app.use('/internal/v1', internalAuth(options.internalApiToken));
  for (const { path, router } of options.pageRouters ?? []) app.use(path, router);
  app.use(requireJsonBodies);
  app.use(parseJson);

  app.use(opsRouter(options));
  // Resource metadata only. The OAuth extension (src/oauth/extension.ts), when mounted, serves both
  // documents from its page router, ahead of this one: no gateway advertises an authorization server it lacks.
  app.use(discoveryRouter(() => oauthUrls(publicOrigin(deps.config)), false));

  const internal = express.Router();
  internal.use(internalAgentsRouter(deps));
  internal.use(internalTokensRouter(deps));
  internal.use(internalGrantsRouter(deps));
  internal.use(internalPairingRouter(deps));
  internal.use(internalAuditRouter(deps));
  app.use('/internal/v1', internal);

  app.use('/api/v1', publicPairingRouter(deps));
  app.use('/api/v1', meRouter(deps, agentAuthMiddleware(deps)));

  for (const { path, router } of options.routers ?? []) app.use(path, router);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
