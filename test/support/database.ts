import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrm, migrateToLatest } from '../../src/store/index.js';

/** The server tests run against; each run gets a fresh database of its own on it. */
export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let current: string | undefined;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named, migrated database; returns its URL. */
export async function createTestDatabase(prefix = 'agw_test'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  const url = withDatabase(SERVER_URL, name);
  const orm = await createOrm({ databaseUrl: url, poolMax: 2 });
  try {
    await migrateToLatest(orm, url);
  } finally {
    await orm.close(true);
  }
  return url;
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** Called by the root hooks. */
export async function setUpRunDatabase(): Promise<void> {
  current = await createTestDatabase();
  process.env.TEST_DATABASE_URL = current;
}

export async function tearDownRunDatabase(): Promise<void> {
  if (current) await dropTestDatabase(current);
  current = undefined;
}

/** The migrated database of this test run (created by the mocha root hooks). */
export function testDatabaseUrl(): string {
  const url = current ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('no test database: is test/support/root-hooks.ts in .mocharc.json "require"?');
  return url;
}
