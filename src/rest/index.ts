/** Agent REST under `/api/v1`: resource-style routes generated from the tool contracts, and their OpenAPI 3.1 document. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { ContractRegistry } from '../contracts/index.js';
import type { GatewayExtension } from '../gateway/extension.js';
import { PACKAGE_ROOT } from '../paths.js';
import { policyCatalogue } from '../decision/index.js';
import { openApiDocument, parkableTools } from './openapi.js';
import { httpMetricsMiddleware } from '../metrics/index.js';
import type { FrontDoorStage } from './pipeline-port.js';
import { restRoutes } from './route-table.js';
import { restRouter } from './router.js';

export { restRoutes, type RestRoute } from './route-table.js';
export { openApiDocument, parkableTools, type OpenApiInfo } from './openapi.js';
export { restCallOf, type RestCall } from './arguments.js';
export type { ToolPipeline, ToolCallRequest, ToolCallOutcome, FrontDoorStage } from './pipeline-port.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

export interface RestExtensionOptions {
  registry: ContractRegistry;
  /** Resolved at setup, after the decision stage is set up. */
  decision: () => FrontDoorStage;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
}

export function restExtension(options: RestExtensionOptions): GatewayExtension {
  return {
    name: 'rest',
    setup(deps) {
      const { pipeline, metrics } = options.decision();
      const routes = restRoutes(options.registry);
      const document = openApiDocument(routes, { version: packageVersion(), parkable: parkableTools(policyCatalogue(options.registry)) });
      const docs = express.Router();
      // Public: the document describes the API, it grants nothing.
      docs.get('/openapi.json', (_req, res) => void res.json(document));
      return {
        agentRouters: [
          { path: '/api/v1', router: docs },
          { path: '/api/v1', router: restRouter(routes, pipeline, [httpMetricsMiddleware(metrics, 'rest'), deps.authenticateAgent]) },
        ],
        capabilities: { rest: { base: '/api/v1', openapi: OPENAPI_PATH, tools: routes.length } },
      };
    },
  };
}
