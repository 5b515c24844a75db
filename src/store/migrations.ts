import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { MIGRATIONS_DIR } from '../paths.js';

/**
 * Migrations are plain SQL files in `migrations/`, named `NNNN_description.sql` and applied in
 * name order. SQL rather than TypeScript so the same files serve the tests (tsx, `src/`) and the
 * compiled service (`dist/`) without a build step, and so reviewers read exactly what runs.
 * MikroORM's migrator runs them, each in its own transaction, and records them in `schema_migrations`.
 */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

function sqlMigration(sql: string): MigrationObject['class'] {
  return class SqlFileMigration extends Migration {
    override up(): void {
      this.addSql(sql);
    }
  };
}

export function migrationsList(dir: string = MIGRATIONS_DIR): MigrationObject[] {
  return readdirSync(dir)
    .filter((name) => MIGRATION_FILE.test(name))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sql$/, ''),
      class: sqlMigration(readFileSync(join(dir, file), 'utf8')),
    }));
}
