import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('config: the OAuth authorization server settings', () => {
  it('defaults to one-hour access tokens, 30-day grants and 20 registrations per address per hour', () => {
    expect(loadConfig({})).to.include({ oauthAccessTokenTtlSeconds: 3600, oauthRefreshTokenTtlSeconds: 30 * 86400, oauthRegistrationMaxPerHour: 20 });
  });

  it('reads OAUTH_ACCESS_TOKEN_TTL_SECONDS, OAUTH_REFRESH_TOKEN_TTL_SECONDS and OAUTH_REGISTRATION_MAX_PER_HOUR', () => {
    const config = loadConfig({ OAUTH_ACCESS_TOKEN_TTL_SECONDS: '900', OAUTH_REFRESH_TOKEN_TTL_SECONDS: '86400', OAUTH_REGISTRATION_MAX_PER_HOUR: '5' });
    expect(config).to.include({ oauthAccessTokenTtlSeconds: 900, oauthRefreshTokenTtlSeconds: 86400, oauthRegistrationMaxPerHour: 5 });
  });

  for (const [variable, value] of [
    ['OAUTH_ACCESS_TOKEN_TTL_SECONDS', '10'],
    ['OAUTH_ACCESS_TOKEN_TTL_SECONDS', 'an hour'],
    ['OAUTH_REFRESH_TOKEN_TTL_SECONDS', '60'],
    ['OAUTH_REGISTRATION_MAX_PER_HOUR', '0'],
  ] as const) {
    it(`refuses ${variable}=${value}, naming the variable`, () => {
      expect(() => loadConfig({ [variable]: value })).to.throw(ConfigError, new RegExp(`^${variable}: `));
    });
  }
});
