import type { ContractRegistry, JsonSchema, RestMethod, ToolContract } from '../contracts/index.js';

/** One agent REST route, derived from a tool contract's `x-gateway.rest`. */
export interface RestRoute {
  tool: string;
  method: RestMethod;
  /** As the contract writes it, relative to `/api/v1`: `/work-items/{work_item}/comments`. */
  path: string;
  /** The same path in express syntax: `/work-items/:work_item/comments`. */
  expressPath: string;
  /** Argument names taken from the path, in order. */
  pathParams: string[];
  /** Arguments read from the query string (GET and DELETE) rather than the JSON body. */
  argumentsIn: 'query' | 'body';
  /** Whether the tool takes an `idempotency_key` argument (then the `Idempotency-Key` header fills it). */
  acceptsIdempotencyKey: boolean;
  /** The status of a successful call: 201 for tools that create something (including a replay of the create). */
  successStatus: 200 | 201;
  contract: ToolContract;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function inputProperties(contract: ToolContract): Record<string, JsonSchema> {
  return (contract.inputSchema.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function routeOf(contract: ToolContract): RestRoute {
  const { method, path, success_status: successStatus = 200 } = contract['x-gateway'].rest;
  const pathParams = [...path.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  return {
    tool: contract.name,
    method,
    path,
    expressPath: path.replace(PLACEHOLDER, ':$1'),
    pathParams,
    argumentsIn: method === 'GET' || method === 'DELETE' ? 'query' : 'body',
    acceptsIdempotencyKey: 'idempotency_key' in inputProperties(contract),
    successStatus,
    contract,
  };
}

/**
 * Literal segments sort before placeholders, so `/work-items/search` is matched before
 * `/work-items/{work_item}` swallows it; otherwise the order is alphabetical and stable.
 */
function compareSpecificity(a: RestRoute, b: RestRoute): number {
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i += 1) {
    const pa = sa[i]!.startsWith('{');
    const pb = sb[i]!.startsWith('{');
    if (pa !== pb) return pa ? 1 : -1;
    if (sa[i] !== sb[i]) return sa[i]! < sb[i]! ? -1 : 1;
  }
  return sa.length - sb.length || a.method.localeCompare(b.method);
}

/** Every tool's route, most specific first; two tools on one method and path is a contract error. */
export function restRoutes(registry: ContractRegistry): RestRoute[] {
  const routes = registry.list().map(routeOf).sort(compareSpecificity);
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.expressPath.replace(/:[A-Za-z0-9_]+/g, ':')}`;
    if (seen.has(key)) throw new Error(`two tools share the REST route ${route.method} ${route.path} (${route.tool})`);
    seen.add(key);
    for (const name of route.pathParams) {
      if (!(name in inputProperties(route.contract))) throw new Error(`REST path of ${route.tool} names ${name}, which is not an argument`);
    }
  }
  return routes;
}
