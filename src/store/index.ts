/** Store: MikroORM entities, the ORM, migrations, cursors and the embedded PostgreSQL. */
export * from './entities/index.js';
export { createOrm, migrateToLatest, pendingMigrations, ormOptions, type Orm, type OrmOptions } from './orm.js';
export { migrationsList } from './migrations.js';
export { sql, pgErrorCode, asDate, type EntityManager } from './database.js';
export { runPrepared, type PreparedStatement } from './prepared.js';
export { NotificationListener, type ListenerEvents, type ListenerOptions } from './notification-listener.js';
export { encodeCursor, decodeCursor, isCreatedPosition, type Page, type CreatedPosition } from './cursor.js';
export { startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedPostgresOptions } from './embedded-postgres.js';
