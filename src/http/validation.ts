import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { argumentProblem } from '../contracts/index.js';
import { GatewayError, type FieldError } from '../errors/index.js';
import { SCHEMAS_DIR } from '../paths.js';

/** The folders of `schemas/` this layer owns; tools/ and decision/ belong to other stages. */
const SCHEMA_FOLDERS = ['common', 'internal', 'public'];
export const SCHEMA_BASE = 'https://schemas.nodedc.dev/agent-gateway/';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

function loadInto(ajv: Ajv2020): Ajv2020 {
  for (const folder of SCHEMA_FOLDERS) {
    for (const file of readdirSync(join(SCHEMAS_DIR, folder)).filter((f) => f.endsWith('.json')).sort()) {
      ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, folder, file), 'utf8')) as object);
    }
  }
  return ajv;
}

function pointerOf(error: ErrorObject): string {
  const base = error.instancePath;
  if (error.keyword === 'additionalProperties') return `${base}/${(error.params as { additionalProperty: string }).additionalProperty}`;
  if (error.keyword === 'required') return `${base}/${(error.params as { missingProperty: string }).missingProperty}`;
  return base === '' ? '' : base;
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'unknown field';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is invalid';
}

/** Turns ajv errors into one field error per pointer, most specific first. */
export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Map<string, string>();
  for (const error of errors ?? []) {
    const pointer = pointerOf(error);
    if (!seen.has(pointer)) seen.set(pointer, messageOf(error));
  }
  return [...seen.entries()].map(([pointer, message]) => ({ pointer, message }));
}

function refuseUnstorable(value: unknown, message: string): void {
  const problem = argumentProblem(value);
  if (problem) throw new GatewayError('validation_failed', message, { fields: [problem] });
}

/** Compiled validators for the request bodies and query strings under `schemas/`. */
export class RequestValidator {
  private readonly bodies = loadInto(addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false })));
  private readonly queries = loadInto(addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false, coerceTypes: true })));
  private readonly cache = new Map<string, ValidateFunction>();

  /** Compiles every schema up front, so a broken schema stops the start instead of failing a request. */
  constructor() {
    for (const id of this.schemaIds()) {
      const relative = id.slice(SCHEMA_BASE.length);
      this.compiled(this.bodies, relative, `body:${relative}`);
      this.compiled(this.queries, relative, `query:${relative}`);
    }
  }

  private compiled(ajv: Ajv2020, id: string, key: string): ValidateFunction {
    const found = this.cache.get(key);
    if (found) return found;
    const validate = ajv.getSchema(SCHEMA_BASE + id);
    if (!validate) throw new Error(`no schema ${id} under ${SCHEMAS_DIR}`);
    this.cache.set(key, validate);
    return validate;
  }

  /**
   * Validates a JSON body; an absent body counts as `{}` so optional-only bodies may be omitted.
   * Bodies and query strings obey the tool arguments' limits too (depth, size, no U+0000, lone
   * surrogate or non-finite number): what passes here may be stored in text and jsonb columns.
   */
  body<T>(id: string, body: unknown): T {
    const value = body === undefined ? {} : body;
    refuseUnstorable(value, 'The request body is not valid.');
    const validate = this.compiled(this.bodies, id, `body:${id}`);
    if (!validate(value)) throw new GatewayError('validation_failed', 'The request body is not valid.', { fields: fieldErrors(validate.errors) });
    return value as T;
  }

  /** Validates (and coerces) the query string into a fresh object. */
  query<T>(id: string, query: unknown): T {
    const value = { ...(query as Record<string, unknown>) };
    refuseUnstorable(value, 'The query parameters are not valid.');
    const validate = this.compiled(this.queries, id, `query:${id}`);
    if (!validate(value)) throw new GatewayError('validation_failed', 'The query parameters are not valid.', { fields: fieldErrors(validate.errors) });
    return value as T;
  }

  /** Every schema id loaded, for tests and the capabilities document. */
  schemaIds(): string[] {
    return Object.keys(this.bodies.schemas).filter((id) => id.startsWith(SCHEMA_BASE));
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path parameters that name ids must be UUIDs; anything else is a 400, not a lookup. */
export function requireUuid(name: string, value: string): string {
  if (!UUID_RE.test(value)) throw new GatewayError('invalid_request', `The ${name} in the path must be a UUID.`, { fields: [{ pointer: `/${name}`, message: 'must be a UUID' }] });
  return value.toLowerCase();
}
