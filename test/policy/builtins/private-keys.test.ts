import { expect } from 'chai';
import { createPrivateKey } from 'node:crypto';
import { callHostBuiltin, callHostBuiltinJson } from '../../../src/policy/builtins/index.js';
import { parseJson, toJs } from '../../../src/policy/topdown/index.js';
import { loadInBoth } from '../compiler/compile-and-load.js';

/**
 * crypto.parse_private_keys as OPA's builtinCryptoParsePrivateKeys: "" gives null, input with no
 * key block gives [], each RSA key is Go's JSON of *rsa.PrivateKey ({N, E, D, Primes, Precomputed:
 * {Dp, Dq, Qinv, CRTValues: []}}, big integers as exact JSON numbers), each EC key Go's JSON of
 * *ecdsa.PrivateKey ({Curve: {}, X, Y, D}), and key types whose Go JSON
 * this engine does not reproduce stop the evaluation. Keys made once with openssl (genrsa
 * -traditional 1024, 2048 and 512, pkcs8 -topk8 of the same 1024-bit key, ecparam prime256v1, genpkey
 * ed25519).
 */
const RSA_PKCS1 = "-----BEGIN RSA PRIVATE KEY-----\nMIICXAIBAAKBgQDtbnfr/NJtofZ+B+DrmYajG8c0gz6/oEGWNCgfkFKXbOp3ykAL\nVFKb60GX2M9+AQZ0kFR3zENYHpRtnbf9of+zHJ08UUrWKM1+ugGV52iXZjT72HoJ\nUXP4+ksLNyHuywPQcFoosZJ5ZLMijvVTJ+HUERZSD0twHYjvWvNR4NoZnwIDAQAB\nAoGAQEFNIwhgylqyopjvPdNmpG24E3YRXTq5hTTIRwJ/14saSSDrBCXl1Vxte/Ko\n9KjCXnlQ4rrc3tQnxyKP0Iwu7ny1rr8fApn3dq+3XY8E7k4EjhFtymJV9j/AdJ1O\nIWQpaNfyT2NfJgtX6Lz1S8aMUXqN/HMNLjQqHTNe3jUGwUECQQD4W0j6TeR8LxMJ\n9V/PXakNf50JWGMhO4aiAXXH7znmgkjOxmBAuVGET3CUYHD0xZw7C8OXNZWpgkWw\ncaCjAm11AkEA9L0bzQg8QTNeiSl3AxtASeMJvF6QIaqGH5wVLZIa0hsI0vQYfvT2\nw+XFxQf/eVDB1zQj/VDXUOsLnz9GByckQwJAbtdG1bdnzuivhZVGYmT5qvWWX3Jc\nI5vOdYVTTJz+6VqiJe6xTJGoyPUvWHlGUGfVVyDj9RtMJS/n7Fx6BeZydQJBAMwc\n1Azh627tatC2Vl2u4qU8xyflLgwF7ip6wGbrTZchmPBnR+7KWuvyvEihbP4+zguv\nnrxsKceA4IaF/N+GU4UCQBDdymyyJ8KI5AlXF2jR9gMaQw35OtS0HEDsQ7KROxO1\nAD65thzdDZhwOaW8wtUMj1bw3YHD59dVLilkP9AsN6c=\n-----END RSA PRIVATE KEY-----\n";
const RSA_PKCS8 = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAO1ud+v80m2h9n4H\n4OuZhqMbxzSDPr+gQZY0KB+QUpds6nfKQAtUUpvrQZfYz34BBnSQVHfMQ1gelG2d\nt/2h/7McnTxRStYozX66AZXnaJdmNPvYeglRc/j6Sws3Ie7LA9BwWiixknlksyKO\n9VMn4dQRFlIPS3AdiO9a81Hg2hmfAgMBAAECgYBAQU0jCGDKWrKimO8902akbbgT\ndhFdOrmFNMhHAn/XixpJIOsEJeXVXG178qj0qMJeeVDiutze1CfHIo/QjC7ufLWu\nvx8Cmfd2r7ddjwTuTgSOEW3KYlX2P8B0nU4hZClo1/JPY18mC1fovPVLxoxReo38\ncw0uNCodM17eNQbBQQJBAPhbSPpN5HwvEwn1X89dqQ1/nQlYYyE7hqIBdcfvOeaC\nSM7GYEC5UYRPcJRgcPTFnDsLw5c1lamCRbBxoKMCbXUCQQD0vRvNCDxBM16JKXcD\nG0BJ4wm8XpAhqoYfnBUtkhrSGwjS9Bh+9PbD5cXFB/95UMHXNCP9UNdQ6wufP0YH\nJyRDAkBu10bVt2fO6K+FlUZiZPmq9ZZfclwjm851hVNMnP7pWqIl7rFMkajI9S9Y\neUZQZ9VXIOP1G0wlL+fsXHoF5nJ1AkEAzBzUDOHrbu1q0LZWXa7ipTzHJ+UuDAXu\nKnrAZutNlyGY8GdH7spa6/K8SKFs/j7OC6+evGwpx4DghoX834ZThQJAEN3KbLIn\nwojkCVcXaNH2AxpDDfk61LQcQOxDspE7E7UAPrm2HN0NmHA5pbzC1QyPVvDdgcPn\n11UuKWQ/0Cw3pw==\n-----END PRIVATE KEY-----\n";
const RSA_2048 = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEApbMpNvxoIia0yrAMXG/aMyEBdf4igwbPoocVUAS/cbBWs+Br\neZalDddMhOXE6ynQ1BPnGSFNqGjzrbycMIxNxlALa2w29avRfs3LEJ/Oeec/mEZ/\n/CBetH8ePAQqLVIcpcuYvLdzl9VPRw1lLz+ATLgRARiH62ntFN6KHQVAvzhWz77l\n2VwqQboToIyDzlCIPdoXkQIGVK46BDqX77x9pcvBnUsZ5Y+ZDCLbou+TblZt5PSY\nuyweh6rTCC1sfJYl6tlGkrfh8hiFiGvVPH/l7zVcQ2IhL1efVVtPnV0SzkNTnwz9\nZAg/BdtA9q2OK34RtiLUvGwHqhTkQH5zgbqWfQIDAQABAoIBABk3j6NqXNerr9Jz\n4eG0dQ7YbE4+b5aks/c+Wxg7LL560WsdEYYmzrYxSJgmFqaaTclkwQQSTSz+0ezk\nGhoKVDDE0EQYKzIOpLqJS6jbRTNIpeVA/2vJqlgKS3njQV710t3JgxRfT+Rwxlig\nGYDMB3TFg3L4/oBtdbL6HidF/CFNjRDfqrMbFYGcil3vnAkjy+CLM1vbAZtC+kN/\npXqe4fGVzQeVjAXjB0aCeFYM7G4YtWTHG4HoBOpH+XBzjGJheODuYBXQN58yjRnf\nIDNNeeAL1aAi3aoDYsoErl5uHvLxsRh73msmZHeyV+xoZa7Fek2ZFvh28lgvNkpY\n+uTKynkCgYEA3Uyov1KedA3+m7kC4kqbQqoi3W4fH4o5wjgQzPilaIArW7qSJeaS\ni0vM5UeTWPuUbB4a3bWQG0F00bN0UEAtkMJGXl9NsDhH7rlbOuwGsnzEt7/N08iE\nzOHOztVTpg0H857XePLxvMYbEiJ7mjixC2ac6pGchYx6jjWra+v++OkCgYEAv66j\nWey3eL/WIyhkrVJNfeHsF3BfiXApUC/bjyqLQgb3jhcRsgAhHl61xQ/pJ9HVKVZC\nskaAldpaYg90HTt+niuTq5N5P/REjzni+80Gue/lkoc//Xn+6tMy9x4z1JcsHV7G\nZjy37y99JkTPFhaQcp5c+tslx/3gZVaod4hXtHUCgYAqvur9gcTvn+BlTfhbo5OX\n7essIGBMpFOBy3ibTxAMPm2hm0ktnvsBgxPB2fCBSJ8jvzDrUG3UhfE9rE80TSFA\nC/axtfD4r/ZdC1qu5/ZnNah94cOtO9dDB/79fsFYmr3FdhIi37KIBzAlcZm0cWzp\nSdnXiWbVeQwXOhCxmPU4OQKBgQCQqQf28cN1ibHeTrnMZHS/MCWxeslfPBqxvayB\n26XFauShg5+DKr3T4b5kvqFDwASTcdpcGQEqFuRnZSpIdYIVdOW5c07qiTrErPc0\n+YK+COLFNvWAIvXT2xh3j3+mTYCpmcE5n1FhXgGhRATVsqnJFuMtHv7gdCVJ1aDG\ntUsbkQKBgQC19PjP/ojy1nTNKYXHIyHL3t3jH7A0HHqq3E82Gbd40FQee9+8au8W\nAZmscJykxjH6vz+RVVgXUu6sQih1XVp8zzuY12GxuOmEmxdo0Ezr3/HPNMXJdgR7\noZWtaW1cY4Slh88d0Mzv9NccWRb2Zd47o8q53Bc7+K6HcLgiYGFuhg==\n-----END RSA PRIVATE KEY-----\n";
const RSA_512 = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKe8VYaXgzvnXVOWRtzo3tf5mDccRk7zUEX0QCd2f+Acas3KnSl3\nqS7qAMLWK8SJ/aLNIdvCztZoEkQAp1dw1H8CAwEAAQJBAIartVcsipcr+UhFHXv8\nE/7/THDi6Kg2vjqMEn4crCq4GLxtsc7Hz9KZYFtsVFfAy1UnTiQk8TJvJdpWpAX1\nfDECIQDcfELwnqeWTnOvcTBlf5Tc0A+/wF5A9AeQOxDs10evewIhAMLA7rgNFjLW\n66I+YzWOiznNOq09K/51qAQdaDNA2z3NAiAj/APQ0ZP4bAVldMu5RQE+qJZpbTP0\n1d8GIx24CcqhUQIgPjh5jB/SOcfkXF9mPtQdswfYeUST66YXWckzYzyTTvkCIFb+\nCktwpEQ8B6g9sdz0Ogztkkxc0W5838Fj2/ezOVx0\n-----END RSA PRIVATE KEY-----\n";
const EC_SEC1 = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEILpGeyHzgDiYO7QrgGO8D7rwhWhQvpghpqomMLzjsh1RoAoGCCqGSM49\nAwEHoUQDQgAEfNShK/J3QzZbSNB43hmj4IKRxUxuR2HqZ2lkKEvXTTo1214D2RWC\n+EOOWakGInfnl7c6dxXKmtwZyR98ERStrg==\n-----END EC PRIVATE KEY-----\n";
/** Made with node's generateKeyPairSync('x25519'): Go returns *ecdh.PrivateKey for it, not reproduced here. */
const X25519_PKCS8 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIBB+2nU31fy7T5iLoD+WqKBQf3VRnmakq18xLlKkBa90\n-----END PRIVATE KEY-----\n";
const ED25519_PKCS8 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIEj4kCtH2PK/+Bxq/+FD6mvdelcZCYAczPQL9VG4Lm+9\n-----END PRIVATE KEY-----\n";

/**
 * Expected values read by another parser (node's JWK export), as the exact decimal text Go prints, in
 * the order the host builds the object (Rego objects have no order; the text comparison needs one).
 */
function expectedRsaJson(pem: string): string {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const dec = (b64url: string | undefined): string => BigInt(`0x${Buffer.from(b64url!, 'base64url').toString('hex')}`).toString();
  return `{"N":${dec(jwk.n)},"E":${dec(jwk.e)},"D":${dec(jwk.d)},"Primes":[${dec(jwk.p)},${dec(jwk.q)}],"Precomputed":{"Dp":${dec(jwk.dp)},"Dq":${dec(jwk.dq)},"Qinv":${dec(jwk.qi)},"CRTValues":[]}}`;
}

/** The same values with keys sorted, as json.marshal prints a Rego object. */
function sortedRsaJson(pem: string): string {
  const o = JSON.parse(expectedRsaJson(pem).replace(/(\d{16,})/g, '"$1"')) as Record<string, unknown>;
  const p = o.Precomputed as Record<string, unknown>;
  const [pp, qq] = o.Primes as string[];
  return `{"D":${o.D},"E":${o.E},"N":${o.N},"Precomputed":{"CRTValues":[],"Dp":${p.Dp},"Dq":${p.Dq},"Qinv":${p.Qinv}},"Primes":[${pp},${qq}]}`;
}

const call = (input: string): string | undefined => callHostBuiltinJson('crypto.parse_private_keys', input);

describe('crypto.parse_private_keys', () => {
  it('gives null for the empty string, as OPA does before reading anything', () => {
    expect(call('')).to.equal('null');
  });

  it('gives an empty array for text with no PEM block (not base64 either: 5 characters)', () => {
    expect(call('hello')).to.equal('[]');
  });

  it('returns a PKCS#1 RSA key as Go marshals *rsa.PrivateKey, big integers exact', () => {
    const got = callHostBuiltin('crypto.parse_private_keys', RSA_PKCS1) as Record<string, unknown>[];
    expect(got).to.have.length(1);
    expect(Object.keys(got[0]!).sort()).to.deep.equal(['D', 'E', 'N', 'Precomputed', 'Primes']);
    expect(call(RSA_PKCS1)).to.equal(`[${expectedRsaJson(RSA_PKCS1)}]`);
  });

  it('returns the same JSON for the same key in a PKCS#8 "PRIVATE KEY" block', () => {
    expect(call(RSA_PKCS8)).to.equal(`[${expectedRsaJson(RSA_PKCS1)}]`);
  });

  it('reads the whole input as base64 of PEM text when it decodes as standard base64', () => {
    expect(call(Buffer.from(RSA_PKCS1).toString('base64'))).to.equal(`[${expectedRsaJson(RSA_PKCS1)}]`);
  });

  it('returns every key block in order and skips blocks of other types and text between them', () => {
    const other = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n';
    const one = expectedRsaJson(RSA_PKCS1);
    expect(call(`${RSA_PKCS1}${other}some text\n${RSA_PKCS8}`)).to.equal(`[${one},${one}]`);
  });

  it('reads blocks where Go\'s pem.Decode finds them: after text ending a line, headers ignored', () => {
    const one = `[${expectedRsaJson(RSA_PKCS1)}]`;
    // pem.Decode looks for "\n-----BEGIN " (or the very start), so a preceding line is skipped.
    expect(call(`junk line\n${RSA_PKCS1}trailing junk`)).to.equal(one);
    // Header lines ("key: value") before the body are read as headers, not as base64.
    const withHeader = RSA_PKCS1.replace('-----\n', '-----\nComment: made by openssl\n\n');
    expect(call(withHeader)).to.equal(one);
    // A BEGIN line that does not start a line is no block; an END line of another type neither.
    expect(call(`junk${RSA_PKCS1}`)).to.equal('[]');
    expect(call(RSA_PKCS1.replace('-----END RSA', '-----END EC'))).to.equal('[]');
  });

  it('is undefined (a Go parse error) for a key block whose DER is not a key', () => {
    expect(call('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n')).to.equal(undefined);
  });

  it('returns an Ed25519 key as Go marshals ed25519.PrivateKey: base64 of the seed then the public key', () => {
    // Seed and public key as `openssl pkey -text` prints them for this key.
    const seed = '48f8902b47d8f2bff81c6affe143ea6bdd7a571909801cccf40bf551b82e6fbd';
    const pub = '8f004b7494b81f2edd3f83d4772fd3a7c6db15bbff7386f9324b8929658f788d';
    expect(call(ED25519_PKCS8)).to.equal(JSON.stringify([Buffer.from(seed + pub, 'hex').toString('base64')]));
  });

  it('returns an EC key as Go 1.25 marshals *ecdsa.PrivateKey: {Curve: {}, X, Y, D}, from SEC 1 or PKCS#8', () => {
    // X, Y and D as another parser (node's JWK export) reads them; Curve is Go's nistCurve, whose fields are unexported.
    const jwk = createPrivateKey(EC_SEC1).export({ format: 'jwk' });
    const dec = (b64url: string | undefined): string => BigInt(`0x${Buffer.from(b64url!, 'base64url').toString('hex')}`).toString();
    const want = `[{"Curve":{},"X":${dec(jwk.x)},"Y":${dec(jwk.y)},"D":${dec(jwk.d)}}]`;
    expect(call(EC_SEC1)).to.equal(want);
    const pkcs8 = createPrivateKey(EC_SEC1).export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(call(pkcs8)).to.equal(want);
  });

  it('stops on an X25519 key and a 512-bit RSA key instead of answering differently', () => {
    for (const pem of [X25519_PKCS8, RSA_512]) {
      expect(() => call(pem), pem.slice(0, 30)).to.throw(/not supported by this engine/);
    }
  });

  it('answers the same in the compiled module and the TypeScript evaluator, numbers exact', async function () {
    this.timeout(180_000);
    // json.marshal prints the result with sorted keys and every digit, in either engine.
    const text = 'package t\nkeys := json.marshal(crypto.parse_private_keys(input.pem))\nempty := crypto.parse_private_keys("")\n';
    const { module, prepared } = await loadInBoth(text, ['t/keys', 't/empty'], {});
    const input = { pem: RSA_PKCS1 };
    const want = `[${sortedRsaJson(RSA_PKCS1)}]`;
    const fromModule = (module.evaluate(input, 't/keys') as { result: unknown }[])[0]?.result;
    const fromTs = toJs(prepared.interpreter.evaluate('t/keys', parseJson(JSON.stringify(input)), parseJson('{}'), {})) as { result: unknown }[];
    expect(fromModule).to.equal(want);
    expect(fromTs[0]?.result).to.equal(want);
    // A 2048-bit modulus has 617 digits, past float64: both engines keep every digit.
    const big = { pem: RSA_2048 };
    const wantBig = `[${sortedRsaJson(RSA_2048)}]`;
    expect((module.evaluate(big, 't/keys') as { result: unknown }[])[0]?.result).to.equal(wantBig);
    const bigTs = toJs(prepared.interpreter.evaluate('t/keys', parseJson(JSON.stringify(big)), parseJson('{}'), {})) as { result: unknown }[];
    expect(bigTs[0]?.result).to.equal(wantBig);
    expect((module.evaluate({}, 't/empty') as { result: unknown }[])[0]?.result).to.equal(null);
    const emptyTs = toJs(prepared.interpreter.evaluate('t/empty', parseJson('{}'), parseJson('{}'), {})) as { result: unknown }[];
    expect(emptyTs[0]?.result).to.equal(null);
    // An X25519 key fails closed in both engines rather than passing for undefined.
    expect(() => module.evaluate({ pem: X25519_PKCS8 }, 't/keys')).to.throw(/not supported by this engine/);
    expect(() => prepared.interpreter.evaluate('t/keys', parseJson(JSON.stringify({ pem: X25519_PKCS8 })), parseJson('{}'), {})).to.throw(/not supported by this engine/);
  });
});
