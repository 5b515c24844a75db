/**
 * DRF-style field validation: errors are collected into a `{field: [message]}` map and thrown as
 * one 400, with the messages DRF and Django use.
 */
import { badRequest } from './http-io.js';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class FieldErrors {
  readonly map: Record<string, string[]> = {};

  add(field: string, message: string): void {
    (this.map[field] ??= []).push(message);
  }

  get empty(): boolean {
    return Object.keys(this.map).length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw badRequest(this.map);
  }
}

export function nonFieldError(message: string): never {
  throw badRequest({ non_field_errors: [message] });
}

type Body = Record<string, unknown>;

export function stringField(body: Body, key: string, errors: FieldErrors, opts: { required?: boolean; max?: number; nullable?: boolean } = {}): string | null | undefined {
  const value = body[key];
  if (value === undefined) {
    if (opts.required) errors.add(key, 'This field is required.');
    return undefined;
  }
  if (value === null) {
    if (opts.nullable) return null;
    errors.add(key, 'This field may not be null.');
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    errors.add(key, 'Not a valid string.');
    return undefined;
  }
  const text = String(value);
  if (opts.required && text.trim() === '') {
    errors.add(key, 'This field may not be blank.');
    return undefined;
  }
  if (opts.max !== undefined && text.length > opts.max) {
    errors.add(key, `Ensure this field has no more than ${opts.max} characters.`);
    return undefined;
  }
  return text;
}

export function choiceField<T extends string>(body: Body, key: string, choices: readonly T[], errors: FieldErrors): T | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  errors.add(key, `"${String(value)}" is not a valid choice.`);
  return undefined;
}

/** A nullable foreign key: a UUID naming an existing row (`exists`), else DRF's messages. */
export function pkField(body: Body, key: string, exists: (id: string) => boolean, errors: FieldErrors): string | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !UUID_RE.test(value)) {
    errors.add(key, `“${String(value)}” is not a valid UUID.`);
    return undefined;
  }
  if (!exists(value.toLowerCase())) {
    errors.add(key, `Invalid pk "${value}" - object does not exist.`);
    return undefined;
  }
  return value.toLowerCase();
}

export function pkListField(body: Body, key: string, exists: (id: string) => boolean, errors: FieldErrors): string[] | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    errors.add(key, `Expected a list of items but got type "${typeof value === 'string' ? 'str' : typeof value}".`);
    return undefined;
  }
  const ids: string[] = [];
  for (const item of value) {
    const one = pkField({ [key]: item }, key, exists, errors);
    if (one) ids.push(one);
  }
  return [...new Set(ids)];
}

export function dateField(body: Body, key: string, errors: FieldErrors): string | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value === 'string' && DATE_RE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return value;
  errors.add(key, 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
  return undefined;
}

export function dateTimeField(body: Body, key: string, errors: FieldErrors): string | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return DATE_RE.test(value) ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
  }
  errors.add(key, 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
  return undefined;
}
