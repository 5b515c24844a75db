/**
 * The common GET parameters (TASKER_API.md section 6): `fields` keeps only the named keys,
 * `expand` replaces ids by objects, `order_by` sorts (an unknown field is Plane's 500).
 */
import { serverError } from './http-io.js';
import type { Priority, StateGroup, User } from './model.js';
import type { SandboxStore } from './store.js';

export type Json = Record<string, unknown>;

export function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Applies `fields=a,b`: unknown names are ignored; no `fields` keeps everything. */
export function pickFields(record: Json, query: URLSearchParams): Json {
  const fields = listParam(query, 'fields');
  if (fields.length === 0) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => fields.includes(key)));
}

export function userLite(user: User | undefined): Json | null {
  if (!user) return null;
  const { id, first_name, last_name, email, avatar, avatar_url, display_name } = user;
  return { id, first_name, last_name, email, avatar, avatar_url, display_name };
}

/** One `expand` name: the key it replaces and how to turn its id (or ids) into objects. */
export type Expander = (value: unknown, store: SandboxStore) => unknown;

export function expandRecord(record: Json, query: URLSearchParams, expanders: Record<string, Expander>, store: SandboxStore): Json {
  const names = listParam(query, 'expand').filter((n) => n in expanders && n in record);
  if (names.length === 0) return record;
  const out = { ...record };
  for (const name of names) out[name] = expanders[name]!(record[name], store);
  return out;
}

export const userExpander: Expander = (value, store) => userLite(store.user(value as string | null));

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 };
const GROUP_RANK: Record<StateGroup, number> = { backlog: 0, unstarted: 1, started: 2, completed: 3, cancelled: 4, triage: 5 };

export function priorityRank(p: unknown): number {
  return PRIORITY_RANK[p as Priority] ?? 5;
}

export function groupRank(g: unknown): number {
  return GROUP_RANK[g as StateGroup] ?? 6;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** A sort key for a record: either a plain scalar field or a special ordering (priority, groups). */
export type SortKey = (record: Json) => unknown;

/**
 * Sorts by `order_by` (default `fallback`). `special` holds named orderings; other names must be
 * scalar fields of the records, else the 500 Plane answers for an unknown field.
 */
export function orderRecords<T extends Json>(records: T[], query: URLSearchParams, fallback: string, special: Record<string, SortKey> = {}): T[] {
  const spec = query.get('order_by') || fallback;
  const descending = spec.startsWith('-');
  const name = descending ? spec.slice(1) : spec;
  const key: SortKey | undefined = special[name] ?? (records.length === 0 || isScalarField(records[0]!, name) ? (r) => r[name] : undefined);
  if (!key) throw serverError();
  const sorted = [...records].sort((a, b) => compare(key(a), key(b)));
  return descending ? sorted.reverse() : sorted;
}

function isScalarField(record: Json, name: string): boolean {
  if (!(name in record)) return false;
  const value = record[name];
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
