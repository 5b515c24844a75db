import { expect } from 'chai';
import { MEDIATOR_ENTITIES } from '../../src/mediator/index.js';
import { createOrm, type Orm } from '../../src/store/index.js';
import { testDatabaseUrl } from '../support/index.js';

describe('mediator: the idempotency_records table', () => {
  let orm: Orm;
  before(async () => {
    orm = await createOrm({ databaseUrl: testDatabaseUrl(), poolMax: 1, entities: MEDIATOR_ENTITIES });
  });
  after(() => orm.close(true));

  it('agrees with its entity (migration 0010 and the EntitySchema give the same schema)', async () => {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    const ours = diff.split(';').filter((statement) => statement.includes('idempotency_records'));
    expect(ours, diff).to.deep.equal([]);
    const tables = await orm.em.fork().getConnection().execute(`select 1 from information_schema.tables where table_name = 'idempotency_records'`);
    expect(tables).to.have.length(1);
  });
});
