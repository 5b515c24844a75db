import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { providerKeys } from '../../src/oauth/keys.js';

describe('oauth: the authorization server keys come from the server secret key', () => {
  it('two instances with the same server key derive the same cookie and signing keys; another key derives others', () => {
    const key = randomBytes(32);
    const a = providerKeys(key);
    const b = providerKeys(Buffer.from(key));
    expect(a).to.deep.equal(b);
    const c = providerKeys(randomBytes(32));
    expect(c.cookieKeys[0]).to.not.equal(a.cookieKeys[0]);
    expect(c.jwks.keys[0]!.d).to.not.equal(a.jwks.keys[0]!.d);
    // The server key itself never appears in what is derived from it.
    expect(JSON.stringify(a)).to.not.include(key.toString('base64url'));
  });
});
