import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A statement of the request path, prepared once per pooled connection under its name. `text` uses
 * PostgreSQL's own `$1` placeholders; nothing is ever interpolated into it.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

interface PgQueryResult<T> {
  rows: T[];
}

interface PgConnection {
  query<T>(config: { name: string; text: string; values: unknown[] }): Promise<PgQueryResult<T>>;
}

interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/**
 * Runs a prepared statement on a connection of the entity manager's pool, as one round trip in
 * its own implicit transaction, whatever transaction the caller may be in. The hot path of every tool call (token, grants, usage, audit
 * batch) goes through here rather than through the ORM's query builder, whose per-query work cost
 * more than the query itself; both share the same pool, so the same database and limits apply.
 * Work that must commit with a transaction belongs on the transaction's own connection (`sql`).
 * Only the driver of `em` is used, so the ORM's global entity manager will do: forking one per
 * call would cost more than the statement.
 */
export async function runPrepared<T = Record<string, unknown>>(em: EntityManager, statement: PreparedStatement, values: unknown[]): Promise<T[]> {
  const client = em.getConnection().getKnex().client as unknown as KnexClient;
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query<T>({ name: statement.name, text: statement.text, values });
    return result.rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
