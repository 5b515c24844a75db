import { expect } from 'chai';
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from '../../src/config/index.js';

describe('config: environment variables', () => {
  it('defaults to 127.0.0.1:4100, the embedded database and the package data dir', () => {
    const config = loadConfig({});
    expect(config).to.include({ host: '127.0.0.1', port: 4100, embeddedPostgresPort: 54329, dataDir: DEFAULT_DATA_DIR, logLevel: 'info', trustProxy: false });
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.internalApiToken).to.equal(undefined);
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db.internal:5432/gw',
      INTERNAL_API_TOKEN: 'x'.repeat(40),
      LOG_LEVEL: 'debug',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      PAIRING_POLL_INTERVAL_SECONDS: '2.5',
      DATA_DIR: '/var/lib/agw',
    });
    expect(config).to.include({ host: '0.0.0.0', port: 8080, databaseUrl: 'postgres://u:p@db.internal:5432/gw', logLevel: 'debug', trustProxy: 'loopback, 10.0.0.0/8', pairingPollIntervalSeconds: 2.5, dataDir: '/var/lib/agw' });
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://host' }, 'DATABASE_URL'],
    [{ INTERNAL_API_TOKEN: 'short' }, 'INTERNAL_API_TOKEN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PAIRING_CODE_TTL_SECONDS: '5' }, 'PAIRING_CODE_TTL_SECONDS'],
    [{ PAIRING_POLL_INTERVAL_SECONDS: '-1' }, 'PAIRING_POLL_INTERVAL_SECONDS'],
    [{ BODY_LIMIT_BYTES: '1kb' }, 'BODY_LIMIT_BYTES'],
    [{ TRUST_PROXY: 'yes please; drop table' }, 'TRUST_PROXY'],
    [{ PAIRING_VERIFICATION_URL: 'ftp://x' }, 'PAIRING_VERIFICATION_URL'],
    [{ HOST: 'a host' }, 'HOST'],
  ];
  for (const [env, variable] of bad) {
    it(`refuses ${JSON.stringify(env)} with an error naming ${variable}`, () => {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variable).to.equal(variable);
      expect((error as ConfigError).message).to.match(new RegExp(`^${variable}: `));
    });
  }
});
