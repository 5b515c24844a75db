import type { EntityManager } from '@mikro-orm/postgresql';

export type { EntityManager };

/** Runs raw SQL on the entity manager's connection, inside its transaction when it has one. */
export async function sql<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return (await em.execute(query, params as any[], 'all')) as T[];
}

/** The PostgreSQL error code of a failed query, if any (e.g. '23505' for a unique violation). */
export function pgErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return undefined;
}

/** Raw queries through MikroORM return timestamps as PostgreSQL text; entities get Dates. */
export function asDate(value: Date | string): Date;
export function asDate(value: Date | string | null | undefined): Date | null;
export function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}
