/**
 * The JSON Schema every tool contract file must satisfy. It checks the contract's shape; the
 * semantic checks that need more than one field at a time live in contract-checks.ts.
 */
const JSON_POINTER = { type: 'string', pattern: '^(/[^/]+)+$' } as const;
const POINTER_LIST = { type: 'array', minItems: 1, uniqueItems: true, items: JSON_POINTER } as const;
const TOP_LEVEL_OBJECT_SCHEMA = {
  type: 'object',
  required: ['$schema', 'type', 'properties', 'additionalProperties'],
  properties: {
    $schema: { const: 'https://json-schema.org/draft/2020-12/schema' },
    type: { const: 'object' },
    additionalProperties: { const: false },
    properties: { type: 'object' },
  },
} as const;

export const TOOL_CONTRACT_META_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'title', 'description', 'annotations', 'inputSchema', 'outputSchema', 'examples', 'x-gateway'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,63}$' },
    title: { type: 'string', minLength: 3, maxLength: 80 },
    description: { type: 'string', minLength: 40, maxLength: 2000 },
    annotations: {
      type: 'object',
      additionalProperties: false,
      required: ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'],
      properties: {
        readOnlyHint: { type: 'boolean' },
        destructiveHint: { type: 'boolean' },
        idempotentHint: { type: 'boolean' },
        openWorldHint: { const: false },
      },
    },
    inputSchema: TOP_LEVEL_OBJECT_SCHEMA,
    outputSchema: TOP_LEVEL_OBJECT_SCHEMA,
    examples: { type: 'array', minItems: 1, items: { type: 'object' } },
    'x-gateway': {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'handler', 'rest', 'resource', 'operation'],
      properties: {
        kind: { enum: ['read', 'write', 'destructive'] },
        handler: { enum: ['tasker', 'gateway'] },
        rest: {
          type: 'object',
          additionalProperties: false,
          required: ['method', 'path'],
          properties: {
            method: { enum: ['GET', 'POST', 'PATCH', 'DELETE'] },
            path: { type: 'string', pattern: '^(/([a-z][a-z0-9-]*|\\{[a-z][a-z0-9_]*\\}))+$' },
            // 201 for tools that create something; 200 when absent.
            success_status: { enum: [200, 201] },
          },
        },
        resource: {
          type: 'object',
          additionalProperties: false,
          properties: { workspace: POINTER_LIST, project: POINTER_LIST, work_item: POINTER_LIST },
        },
        operation: { type: 'string', pattern: '^[a-z][A-Za-z0-9]{2,63}$' },
      },
    },
  },
} as const;
