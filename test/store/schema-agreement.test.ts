import { expect } from 'chai';
import pg from 'pg';
import { FOUNDATION_ENTITIES, createOrm, migrationsList, pendingMigrations, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

describe('store: migrations and entities', () => {
  let orm: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    await orm.close(true);
  });

  it('reads every SQL file of migrations/ in name order', () => {
    const names = migrationsList().map((m) => m.name);
    expect(names).to.include('0001_foundation');
    expect([...names].sort()).to.deep.equal(names);
  });

  it('leaves no migration pending after the run database was migrated', async () => {
    expect(await pendingMigrations(orm)).to.deep.equal([]);
  });

  it('has entities that agree with the migrated schema (the schema diff is empty)', async () => {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    // Tables of later stages have their entities elsewhere (registered through gateway
    // extensions); their absence here shows up only as a drop of a table this ORM does not know.
    const foundationTables = new Set(FOUNDATION_ENTITIES.map((e) => e.meta.tableName));
    const relevant = diff
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '')
      .filter((statement) => {
        // A constraint between two tables this ORM does not know is dropped with them, as in a drop.
        const dropped = /^(?:drop table if exists|alter table) "([^"]+)"/.exec(statement)?.[1];
        return dropped === undefined || foundationTables.has(dropped);
      });
    expect(relevant, diff).to.deep.equal([]);
  });

  it('refuses to update or delete audit events at the database level', async () => {
    // Inside a transaction that is rolled back, so the run's chain is left untouched.
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into audit_events (seq, occurred_at, kind, actor_type, actor_id, outcome, detail, prev_hash, hash)
         values (9000000000, now(), 'test.probe', 'system', 'test', 'success', '{}', 'x', 'y')`,
      );
      for (const statement of [`update audit_events set kind = 'changed' where seq = 9000000000`, 'delete from audit_events where seq = 9000000000']) {
        await client.query('savepoint probe');
        const error = await client.query(statement).then(() => undefined, (err: Error) => err);
        expect(String(error)).to.match(/append-only/);
        await client.query('rollback to savepoint probe');
      }
    } finally {
      await client.query('rollback');
      await client.end();
    }
  });
});
