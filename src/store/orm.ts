import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { FOUNDATION_ENTITIES } from './entities/index.js';
import { migrationsList } from './migrations.js';

export type Orm = MikroORM<PostgreSqlDriver>;

export interface OrmOptions {
  databaseUrl: string;
  poolMax?: number;
  /** Entities of later stages, added to the foundation's. */
  entities?: EntitySchema<any>[];
}

/** Arbitrary but fixed: the session advisory lock that serialises migration runs across processes. */
const MIGRATION_LOCK_KEY = 4_100_001;

export function ormOptions(options: OrmOptions): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.databaseUrl,
    entities: [...FOUNDATION_ENTITIES, ...(options.entities ?? [])],
    extensions: [Migrator],
    migrations: { migrationsList: migrationsList(), tableName: 'schema_migrations', transactional: true, silent: true, snapshot: false },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // Requests must use a fork of the entity manager; the global one is shared state.
    allowGlobalContext: false,
    debug: false,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
  };
}

/** Connects MikroORM to PostgreSQL. Does not migrate; see `migrateToLatest`. */
export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init<PostgreSqlDriver>(ormOptions(options));
}

/**
 * Applies every pending migration from `migrations/`. Several instances may start at once, so
 * the run holds a session advisory lock on a connection of its own; the others wait, then find
 * nothing left to do.
 */
export async function migrateToLatest(orm: Orm, databaseUrl: string): Promise<string[]> {
  const lockClient = new pg.Client({ connectionString: databaseUrl });
  await lockClient.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}

export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((m) => m.name);
}
