/** MCP at `/mcp`: Streamable HTTP (stateless, JSON responses) over the low-level SDK server, serving the tool contracts as they are. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { ContractRegistry } from '../contracts/index.js';
import type { GatewayExtension } from '../gateway/extension.js';
import { PACKAGE_ROOT } from '../paths.js';
import { httpMetricsMiddleware } from '../metrics/index.js';
import type { FrontDoorStage } from './pipeline-port.js';
import { mcpRouter } from './router.js';

export { originGuard, parseAllowedOrigins } from './origin.js';
export { mcpRouter, serveStateless, type McpRouterOptions } from './router.js';
export { requestServer, sharedValidator, toolDefinitions, type McpServerDeps, type McpCallContext } from './server.js';
export { successResult, errorResult, approvalPendingResult, AUDIT_OUTCOME_META } from './results.js';

export const MCP_PATH = '/mcp';

export interface McpExtensionOptions {
  registry: ContractRegistry;
  /** Resolved at setup, after the decision stage is set up. */
  decision: () => FrontDoorStage;
  /** Browser origins allowed to call `/mcp` besides the gateway's own; requests without an Origin header are always allowed. */
  allowedOrigins?: readonly string[];
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
}

export function mcpExtension(options: McpExtensionOptions): GatewayExtension {
  return {
    name: 'mcp',
    setup(deps) {
      const { pipeline, metrics } = options.decision();
      const { config } = deps;
      const router = mcpRouter(
        { registry: options.registry, pipeline, logger: deps.logger, version: packageVersion() },
        {
          allowedOrigins: options.allowedOrigins ?? [],
          ownOrigins: { host: config.host, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) },
          authenticateAgent: deps.authenticateAgent,
          bodyLimitBytes: config.bodyLimitBytes,
          metrics: httpMetricsMiddleware(metrics, 'mcp'),
        },
      );
      return {
        // /mcp parses its own body, so a parse error is a JSON-RPC error.
        agentRouters: [{ path: MCP_PATH, router, ownBody: true }],
        capabilities: {
          mcp: { endpoint: MCP_PATH, transport: 'streamable-http', mode: 'stateless-json', protocol_versions: SUPPORTED_PROTOCOL_VERSIONS, latest_protocol_version: LATEST_PROTOCOL_VERSION },
        },
      };
    },
  };
}
