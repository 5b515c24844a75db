import { expect } from 'chai';
import { programEnv } from '../../src/store/embedded-pg-process.js';

describe('store: what the embedded PostgreSQL programs see of the gateway', () => {
  const secrets = { INTERNAL_API_TOKEN: 'agwi_sentinel-internal', TASKER_API_KEY: 'plane_api_sentinel', GATEWAY_SECRET_KEY: 'sentinel-key', DATABASE_URL: 'postgres://u:sentinel@h/db' };
  const saved: Record<string, string | undefined> = {};

  before(() => {
    for (const [name, value] of Object.entries(secrets)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  after(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('gives initdb and postgres (another user, whose /proc/<pid>/environ it can read) no gateway secret, only PATH and a C locale', () => {
    const env = programEnv();
    expect(Object.keys(env).filter((name) => name !== 'TZ').sort()).to.deep.equal(['LANG', 'LC_MESSAGES', 'PATH']);
    expect(JSON.stringify(env)).not.to.contain('sentinel');
  });
});
