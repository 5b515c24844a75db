import type { JsonSchema, ToolContract } from '../contracts/index.js';
import { ERROR_CODES } from '../errors/index.js';
import { gatewayPaths } from './openapi-gateway-paths.js';
import { inputProperties, type RestRoute } from './route-table.js';

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  version: string;
  /** The server URL the document advertises; relative (`/api/v1`) by default. */
  serverUrl?: string;
  /**
   * Tools a decision can park for approval (see `parkableTools`): only their operations document
   * 202, so generated clients do not type every answer as a union.
   */
  parkable: ReadonlySet<string>;
}

/**
 * What the policy can park: any tool it decides with grants, since a grant's constraints may ask
 * approval for any tool, kind or project (and destructive tools always need it). The self-service
 * tools of the policy catalogue (whoami, explain, get_action_status) need no grant and are never parked.
 */
export function parkableTools(catalogue: Readonly<Record<string, { self_service?: boolean }>>): Set<string> {
  return new Set(Object.entries(catalogue).filter(([, entry]) => entry.self_service !== true).map(([name]) => name));
}

/** `{if: {required: [a path argument]}, then, else}` can never apply to a body without that argument. */
function conditionOnPath(schema: JsonSchema, pathParams: string[]): boolean {
  const condition = schema.if as JsonSchema | undefined;
  const required = (condition?.required as string[] | undefined) ?? [];
  return required.some((name) => pathParams.includes(name));
}

/**
 * The contracts' schemas are self-contained JSON Schema resources with `$defs` and `#/$defs/...`
 * references. Inside an OpenAPI document `#` means the document, so each `$defs` entry is moved
 * to `components/schemas` under a tool-scoped name and the references are rewritten to match.
 */
function hoistDefinitions(schema: JsonSchema, prefix: string, components: Json): JsonSchema {
  const defs = (schema.$defs as Record<string, JsonSchema> | undefined) ?? {};
  const rename = (name: string) => `${prefix}.${name}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(value as Json)) {
      if (key === '$schema' || key === '$defs') continue;
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) out.$ref = `#/components/schemas/${rename(child.slice('#/$defs/'.length))}`;
      else out[key] = rewrite(child);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[rename(name)] = rewrite(def);
  return rewrite(schema) as JsonSchema;
}

/** The input schema without the arguments the path carries (they are parameters instead). */
function withoutPathArguments(schema: JsonSchema, pathParams: string[]): JsonSchema {
  const properties = { ...((schema.properties as Json | undefined) ?? {}) };
  for (const name of pathParams) delete properties[name];
  const required = ((schema.required as string[] | undefined) ?? []).filter((n) => !pathParams.includes(n));
  const copy: JsonSchema = { ...schema, properties };
  if (required.length) copy.required = required;
  else delete copy.required;
  if (conditionOnPath(schema, pathParams)) {
    delete copy.if;
    delete copy.then;
    delete copy.else;
  }
  return copy;
}

/** Says in words what a dropped path condition asked (the tool validates it on every call). */
function pathConditionNote(schema: JsonSchema, pathParams: string[]): string | undefined {
  if (!conditionOnPath(schema, pathParams)) return undefined;
  const then = (schema.then as JsonSchema | undefined)?.required as string[] | undefined;
  const on = ((schema.if as JsonSchema).required as string[]).filter((n) => pathParams.includes(n));
  return then?.length ? `When {${on.join('}, {')}} is a UUID rather than a human id, the body must also name ${then.join(', ')}.` : undefined;
}

function isRequired(contract: ToolContract, name: string): boolean {
  return ((contract.inputSchema.required as string[] | undefined) ?? []).includes(name);
}

function parameters(route: RestRoute, components: Json): Json[] {
  const properties = inputProperties(route.contract);
  const prefix = `${route.tool}.input`;
  const path = route.pathParams.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: (properties[name]?.description as string | undefined) ?? name,
    schema: hoistDefinitions(properties[name] ?? {}, prefix, components),
  }));
  const query =
    route.argumentsIn === 'query'
      ? Object.entries(properties)
          .filter(([name]) => !route.pathParams.includes(name) && !(route.acceptsIdempotencyKey && name === 'idempotency_key'))
          .map(([name, schema]) => ({
            name,
            in: 'query',
            required: isRequired(route.contract, name),
            ...(schema.description ? { description: schema.description } : {}),
            schema: hoistDefinitions(schema, prefix, components),
            ...((schema.type as string | undefined) === 'array' ? { style: 'form', explode: true } : {}),
          }))
      : [];
  const idempotency = route.acceptsIdempotencyKey
    ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Send the same key when retrying the same write: it is performed at most once.', schema: properties.idempotency_key ?? { type: 'string' } }]
    : [];
  return [...path, ...query, ...idempotency];
}

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

function operation(route: RestRoute, components: Json, parkable: boolean): Json {
  const { contract } = route;
  const op: Json = {
    operationId: contract.name,
    summary: contract.title,
    description: contract.description,
    tags: [contract['x-gateway'].kind === 'read' ? 'read' : contract['x-gateway'].kind],
    'x-mcp-tool': contract.name,
    'x-gateway-kind': contract['x-gateway'].kind,
    parameters: parameters(route, components),
    responses: {
      [String(route.successStatus)]: { description: route.successStatus === 201 ? 'Created: the tool result.' : 'The tool result.', content: { 'application/json': { schema: hoistDefinitions(contract.outputSchema, `${contract.name}.output`, components) } } },
      ...(parkable ? { '202': { description: 'A human must approve the action first.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApprovalPending' } } } } } : {}),
      '400': errorResponse('Invalid arguments (fields name JSON pointers).'),
      '401': errorResponse('Missing, unknown, expired or revoked agent token.'),
      '403': errorResponse('Denied by policy (reasons carry the codes).'),
      '429': errorResponse('Rate limited or throttled.'),
      '502': errorResponse('Tasker failed or is unreachable.'),
      '503': errorResponse('The policy or the database is not available.'),
      default: errorResponse('Any other error, in the uniform error body.'),
    },
  };
  if (route.argumentsIn === 'body') {
    const note = pathConditionNote(contract.inputSchema, route.pathParams);
    op.requestBody = {
      ...(note ? { description: note } : {}),
      required: ((contract.inputSchema.required as string[] | undefined) ?? []).some((n) => !route.pathParams.includes(n)),
      content: { 'application/json': { schema: hoistDefinitions(withoutPathArguments(contract.inputSchema, route.pathParams), `${contract.name}.input`, components) } },
    };
  }
  return op;
}

const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        reasons: { type: 'array', items: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        fields: { type: 'array', items: { type: 'object', required: ['pointer', 'message'], properties: { pointer: { type: 'string' }, message: { type: 'string' } } } },
        context: { type: 'object' },
        request_id: { type: 'string' },
      },
    },
  },
};

const APPROVAL_PENDING_SCHEMA: Json = {
  type: 'object',
  required: ['status', 'action_id', 'decision_id', 'expires_at', 'status_url'],
  properties: {
    status: { const: 'approval_pending' },
    action_id: { type: 'string' },
    decision_id: { type: 'string' },
    expires_at: { type: 'string', format: 'date-time' },
    message: { type: 'string' },
    status_url: { type: 'string' },
  },
};

/** The OpenAPI 3.1 document of the agent REST API, generated from the same contracts as MCP `tools/list`. */
export function openApiDocument(routes: RestRoute[], info: OpenApiInfo): Json {
  const components: Json = { Error: ERROR_SCHEMA, ApprovalPending: APPROVAL_PENDING_SCHEMA };
  const paths: Record<string, Json> = gatewayPaths(components);
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route, components, info.parkable.has(route.tool));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NODE.DC Agent Gateway: agent REST API',
      version: info.version,
      description: 'Resource-style routes for the same tools the gateway serves over MCP at /mcp. Every call is decided by policy and recorded in the audit log. Also the caller\'s identity (/me), the public pairing endpoints and the capabilities document.',
      // package.json says UNLICENSED: proprietary, so an SPDX LicenseRef rather than a listed licence.
      license: { name: 'Proprietary (UNLICENSED): NODE.DC internal use only', identifier: 'LicenseRef-NODEDC-Proprietary' },
    },
    servers: [{ url: info.serverUrl ?? '/api/v1' }],
    security: [{ agentToken: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { agentToken: { type: 'http', scheme: 'bearer', description: 'An agent token (agw_...).' } },
    },
  };
}
