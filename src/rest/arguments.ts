import type { Request } from 'express';
import type { JsonSchema } from '../contracts/index.js';
import { GatewayError } from '../errors/index.js';
import { inputProperties, type RestRoute } from './route-table.js';

const IDEMPOTENCY_ARGUMENT = 'idempotency_key';

function typesOf(schema: JsonSchema | undefined): string[] {
  const type = schema?.type;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? (type as string[]) : [];
}

/**
 * A query string carries only text; the contract says what each argument really is. Values that
 * do not convert stay text, so ajv reports them against the schema with a proper pointer.
 */
function coerceScalar(raw: string, schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** Arrays come as repeated parameters (`?priority=high&priority=urgent`) or comma-separated (`?priority=high,urgent`). */
function coerceQueryValue(name: string, raw: unknown, schema: JsonSchema | undefined): unknown {
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (typesOf(schema).includes('array')) {
    const items = schema?.items as JsonSchema | undefined;
    return values.flatMap((v) => v.split(',')).filter((v) => v !== '').map((v) => coerceScalar(v, items));
  }
  if (values.length > 1) throw new GatewayError('validation_failed', `The query parameter ${name} was given more than once.`, { fields: [{ pointer: `/${name}`, message: 'must be given once' }] });
  return coerceScalar(values[0]!, schema);
}

function queryArguments(req: Request, route: RestRoute): Record<string, unknown> {
  const properties = inputProperties(route.contract);
  const args: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(req.query as Record<string, unknown>)) {
    if (raw === undefined) continue;
    if (typeof raw === 'object' && !Array.isArray(raw)) throw new GatewayError('invalid_request', `The query parameter ${name} is not a plain value.`);
    args[name] = coerceQueryValue(name, raw, properties[name]);
  }
  return args;
}

function bodyArguments(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  return { ...(body as Record<string, unknown>) };
}

/** Puts `value` under `name`, refusing a second, different value for the same argument. */
function place(args: Record<string, unknown>, name: string, value: unknown, source: string): void {
  if (name in args && args[name] !== value) throw new GatewayError('invalid_request', `The argument ${name} is given twice with different values (${source} and request).`);
  args[name] = value;
}

export interface RestCall {
  args: Record<string, unknown>;
  idempotencyKey: string | null;
}

/**
 * Builds a tool's arguments from a REST request: the path parameters, then the query string (GET,
 * DELETE) or the JSON body (POST, PATCH; a DELETE body is read too), then the `Idempotency-Key`
 * header for tools that take a key. Validation against the contract happens in the pipeline.
 */
export function restCallOf(req: Request, route: RestRoute): RestCall {
  const args = route.argumentsIn === 'query' ? { ...queryArguments(req, route), ...(route.method === 'DELETE' ? bodyArguments(req) : {}) } : bodyArguments(req);
  for (const name of route.pathParams) place(args, name, req.params[name], 'path');
  const header = req.get('idempotency-key');
  if (header !== undefined && route.acceptsIdempotencyKey) place(args, IDEMPOTENCY_ARGUMENT, header, 'Idempotency-Key header');
  const key = args[IDEMPOTENCY_ARGUMENT];
  return { args, idempotencyKey: typeof key === 'string' ? key : null };
}
