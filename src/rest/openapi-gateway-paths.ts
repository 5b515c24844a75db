/**
 * The operations under `/api/v1` that are not tools: the caller's own identity (`/me`), the public
 * pairing endpoints a CLI uses to get its token, and the capabilities document. Their request
 * bodies are the JSON Schemas the routes validate with (`schemas/public/`); references into
 * `schemas/common/defs.json` become `common.<name>` components.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../paths.js';

type Json = Record<string, unknown>;

const COMMON_REF = '../common/defs.json#/$defs/';

function readSchema(relative: string): Json {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, relative), 'utf8')) as Json;
}

/** Rewrites references to defs.json (from a public schema, or inside defs.json) to components, adding each definition once. */
function withCommonRefs(schema: unknown, components: Json): unknown {
  const defs = (readSchema('common/defs.json').$defs ?? {}) as Record<string, unknown>;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(value as Json)) {
      if (key === '$schema' || key === '$id') continue;
      if (key === '$ref' && typeof child === 'string') out.$ref = refTo(child);
      else out[key] = rewrite(child);
    }
    return out;
  };
  const refTo = (ref: string): string => {
    const name = ref.startsWith(COMMON_REF) ? ref.slice(COMMON_REF.length) : ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
    if (name === undefined || !(name in defs)) throw new Error(`openapi: cannot place the reference ${ref}`);
    const component = `common.${name}`;
    if (!(component in components)) {
      components[component] = {};
      components[component] = rewrite(defs[name]);
    }
    return `#/components/schemas/${component}`;
  };
  return rewrite(schema);
}

function jsonContent(schema: unknown): Json {
  return { 'application/json': { schema } };
}

function error(description: string): Json {
  return { description, content: jsonContent({ $ref: '#/components/schemas/Error' }) };
}

function body(relative: string, components: Json): Json {
  return { required: true, content: jsonContent(withCommonRefs(readSchema(relative), components)) };
}

const TOKEN_RESPONSE: Json = {
  type: 'object',
  required: ['access_token', 'token_type', 'token_id', 'expires_at', 'agent'],
  properties: {
    access_token: { type: 'string', description: 'The agent token (agw_...); shown once.' },
    token_type: { const: 'Bearer' },
    token_id: { type: 'string', format: 'uuid' },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    agent: {
      type: 'object',
      required: ['id', 'display_name', 'owner_user_id'],
      properties: { id: { type: 'string', format: 'uuid' }, display_name: { type: 'string' }, owner_user_id: { type: 'string' } },
    },
  },
};

const STARTED_FLOW: Json = {
  type: 'object',
  required: ['flow_id', 'flow_secret', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval'],
  properties: {
    flow_id: { type: 'string', format: 'uuid' },
    flow_secret: { type: 'string', description: 'Only the CLI that started the flow knows it; send it with each poll.' },
    user_code: { type: 'string', description: 'The code the owner enters (or confirms) in the console.' },
    verification_uri: { type: ['string', 'null'] },
    verification_uri_complete: { type: ['string', 'null'] },
    expires_in: { type: 'integer', description: 'Seconds until the flow expires.' },
    interval: { type: 'integer', description: 'Seconds to wait between polls.' },
  },
};

const ME: Json = {
  type: 'object',
  required: ['agent', 'owner', 'token', 'grants'],
  properties: {
    agent: {
      type: 'object',
      required: ['id', 'display_name', 'status', 'created_at'],
      properties: { id: { type: 'string', format: 'uuid' }, display_name: { type: 'string' }, status: { type: 'string' }, created_at: { type: 'string', format: 'date-time' } },
    },
    owner: { type: 'object', required: ['user_id', 'email'], properties: { user_id: { type: 'string' }, email: { type: ['string', 'null'] } } },
    token: {
      type: 'object',
      required: ['id', 'prefix', 'expires_at'],
      properties: { id: { type: 'string', format: 'uuid' }, prefix: { type: 'string' }, expires_at: { type: ['string', 'null'], format: 'date-time' } },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'workspace', 'projects', 'tools', 'constraints', 'expires_at'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          workspace: { type: 'string' },
          projects: { oneOf: [{ const: '*' }, { type: 'array', items: { type: 'string' } }] },
          tools: { type: 'array', items: { type: 'string' } },
          constraints: { type: 'object' },
          expires_at: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  },
};

const PUBLIC = { security: [] as unknown[] };

/** The non-tool paths of `/api/v1`, keyed like the document's `paths`. */
export function gatewayPaths(components: Json): Record<string, Json> {
  const tooMany = error('Too many attempts from this address (Retry-After says when to try again).');
  return {
    '/me': {
      get: {
        operationId: 'me',
        summary: 'Who the token belongs to',
        description: 'The agent, its owner, the token and the grants that count right now. No policy decision is made.',
        tags: ['gateway'],
        responses: { '200': { description: 'The caller.', content: jsonContent(ME) }, '401': error('Missing, unknown, expired or revoked agent token.'), default: error('Any other error, in the uniform error body.') },
      },
    },
    '/pairing/exchange': {
      post: {
        operationId: 'exchange_pairing_code',
        summary: 'Exchange a pairing code for an agent token',
        description: 'The one-time code the owner created for an agent becomes that agent\'s token. Rate-limited per address.',
        tags: ['pairing'],
        ...PUBLIC,
        requestBody: body('public/pairing-exchange.json', components),
        responses: { '201': { description: 'The token, shown once.', content: jsonContent(TOKEN_RESPONSE) }, '400': error('Invalid body, or a wrong, expired or used code.'), '429': tooMany, default: error('Any other error, in the uniform error body.') },
      },
    },
    '/pairing/flows': {
      post: {
        operationId: 'start_device_flow',
        summary: 'Start a device pairing flow',
        description: 'The CLI starts a flow, shows the user code and the verification URI, and polls until the owner approves it in the console.',
        tags: ['pairing'],
        ...PUBLIC,
        requestBody: body('public/pairing-flow-start.json', components),
        responses: { '201': { description: 'The started flow.', content: jsonContent(STARTED_FLOW) }, '400': error('Invalid body.'), '429': tooMany, default: error('Any other error, in the uniform error body.') },
      },
    },
    '/pairing/flows/{flow_id}/poll': {
      post: {
        operationId: 'poll_device_flow',
        summary: 'Poll a device pairing flow',
        description: 'Answers the token once the owner approved the flow; until then an error whose code says why (authorization_pending, slow_down, access_denied, expired_token).',
        tags: ['pairing'],
        ...PUBLIC,
        parameters: [{ name: 'flow_id', in: 'path', required: true, description: 'The flow_id the start returned.', schema: { type: 'string', format: 'uuid' } }],
        requestBody: body('public/pairing-flow-poll.json', components),
        responses: { '200': { description: 'The token, shown once.', content: jsonContent(TOKEN_RESPONSE) }, '400': error('Not approved yet, too fast, denied, expired, or an invalid body.'), '404': error('No such flow.'), '429': tooMany, default: error('Any other error, in the uniform error body.') },
      },
    },
    '/meta/capabilities': {
      get: {
        operationId: 'capabilities',
        summary: 'What this gateway serves',
        description: 'Front doors, protocol versions, the policy revision, the Tasker mode and workspace, the audit checkpoint key. Public: it grants nothing.',
        tags: ['gateway'],
        ...PUBLIC,
        responses: { '200': { description: 'The capabilities document.', content: jsonContent({ type: 'object' }) }, '400': error('The request could not be read (a broken percent-encoding, say).'), default: error('Any other error, in the uniform error body.') },
      },
    },
  };
}
