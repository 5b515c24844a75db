import { setUpRunDatabase, tearDownRunDatabase } from './database.js';

/**
 * Mocha root hooks: one fresh database per test run, created from DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/test), migrated once, dropped at the end.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await setUpRunDatabase();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await tearDownRunDatabase();
  },
};
