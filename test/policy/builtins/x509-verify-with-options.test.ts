import { expect } from 'chai';
import { parseJson, toJs } from '../../../src/policy/topdown/index.js';
import { loadInBoth, type LoadedInBoth } from '../compiler/compile-and-load.js';

/*
 * Fixtures made with openssl 3.0 on 2026-12-03 (P-256 keys): ROOT is a self-signed CA (CN=Test
 * Root, basicConstraints CA:TRUE) valid 2026-12-03T07:52:22Z..2036-11-30; LEAF (CN=leaf, no
 * extensions, no names) and LEAF_WITH_SAN (DNS:example.com) are signed by it and valid
 * 2026-12-03T07:52:2xZ..2027-12-03. Inputs list the root first and the leaf last, as OPA wants.
 */
const ROOT = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBfTCCASOgAwIBAgIUIrAmolqq52tf0ZBVxtCZBYy1mZEwCgYIKoZIzj0EAwIw',
  'FDESMBAGA1UEAwwJVGVzdCBSb290MB4XDTI2MTIwMzA3NTIyMloXDTM2MTEzMDA3',
  'NTIyMlowFDESMBAGA1UEAwwJVGVzdCBSb290MFkwEwYHKoZIzj0CAQYIKoZIzj0D',
  'AQcDQgAE0uI/dZtXhh3ketiYPL28BMzx2fICAPDwaMUuWenoYlp8AhsVHAkTZx6C',
  '1vLyIur+5uKITIQD6iAjLF/z/lUVg6NTMFEwHQYDVR0OBBYEFFqSxxGynyt6QMNR',
  'zsjeKQPEoEknMB8GA1UdIwQYMBaAFFqSxxGynyt6QMNRzsjeKQPEoEknMA8GA1Ud',
  'EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhALwX0NYBIZ3GZCESlZI7wVpU',
  'u4N5uYJqpL/JXdxmsEysAiBZAibM4zd9VWOYWkpD/491isRg1h8EJCMk/ewv7HyI',
  'Dg==',
  '-----END CERTIFICATE-----'
].join('\n');
const LEAF = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBHjCBxAIUOzp0C3HRh2mjSj9DAL96qTgR2R4wCgYIKoZIzj0EAwIwFDESMBAG',
  'A1UEAwwJVGVzdCBSb290MB4XDTI2MTIwMzA3NTIyMloXDTI3MTIwMzA3NTIyMlow',
  'DzENMAsGA1UEAwwEbGVhZjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCn40GPZ',
  '6pjGv2Hi3tqanFSaHRF81+SRJcHaxl4F+1rjIi62QPe90ibtQOJAYYyTqSSl+X/8',
  'ZJ86Z0f2w5JXILUwCgYIKoZIzj0EAwIDSQAwRgIhAMlIrb6vU32aEHwR1AZ0C2ht',
  '5j16Z8vkitEUEh7ckKM8AiEAutyKUW/9khw3jCG3151vzcbm4NuVmzUqUw7SgpiU',
  'nes=',
  '-----END CERTIFICATE-----'
].join('\n');
const LEAF_WITH_SAN = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBfjCCASWgAwIBAgIUOzp0C3HRh2mjSj9DAL96qTgR2R8wCgYIKoZIzj0EAwIw',
  'FDESMBAGA1UEAwwJVGVzdCBSb290MB4XDTI2MTIwMzA3NTIyNVoXDTI3MTIwMzA3',
  'NTIyNVowDzENMAsGA1UEAwwEbGVhZjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IA',
  'BCn40GPZ6pjGv2Hi3tqanFSaHRF81+SRJcHaxl4F+1rjIi62QPe90ibtQOJAYYyT',
  'qSSl+X/8ZJ86Z0f2w5JXILWjWjBYMBYGA1UdEQQPMA2CC2V4YW1wbGUuY29tMB0G',
  'A1UdDgQWBBQPiJNL4EFuv1bT4pJ7JfejIir4fjAfBgNVHSMEGDAWgBRakscRsp8r',
  'ekDDUc7I3ikDxKBJJzAKBggqhkjOPQQDAgNHADBEAiAcFU2/KJ9ip6GnH+WvVi6I',
  'aBBO9PbwOZXsIyen1wQqIAIgSNtl9Gd5WfKBDf3NBF8XCVuqgoorY39bSBWjdfQn',
  '02Y=',
  '-----END CERTIFICATE-----'
].join('\n');

const F = 'crypto.x509.parse_and_verify_certificates_with_options';
/** 2027-06-01T00:00:00Z in ns: inside both leaves' validity. */
const IN_VALIDITY = '1811808000000000000';

/**
 * Each expected answer follows OPA's builtinCryptoX509ParseAndVerifyCertificatesWithOptions
 * (v1/topdown/crypto.go): the certificates are parsed first (a parse failure is [false, []] before
 * any option is read), then extractVerifyOpts (any error is undefined outside strict mode), then
 * fewer than two certificates or a failing leaf.Verify are [false, []]. `undef` is undefined.
 */
const CASES: [string, string][] = [
  // Go's Verify checks the leaf's validity first: 1970 is before LEAF's NotBefore, 2100 after its NotAfter.
  [`${F}(input.chain, {"CurrentTime": 0})`, '[false,[]]'],
  [`${F}(input.chain, {"CurrentTime": 4102444800000000000})`, '[false,[]]'],
  // The same chain as base64 of its PEM text (OPA decodes it and reads the PEM inside).
  [`${F}(input.b64, {"CurrentTime": 0})`, '[false,[]]'],
  // VerifyHostname ignores the common name: LEAF names nothing, so no DNSName matches it.
  [`${F}(input.chain, {"DNSName": "leaf", "CurrentTime": ${IN_VALIDITY}})`, '[false,[]]'],
  // One certificate: "must supply at least two certificates", answered as [false, []].
  [`${F}(input.root, {})`, '[false,[]]'],
  // "" is valid base64 of no bytes: zero certificates parse, the options are read, then too few.
  [`${F}("", {})`, '[false,[]]'],
  [`${F}("", {"MaxConstraintComparisons": 10})`, '[false,[]]'],
  // DNSName is trimmed of quotes; KeyUsages may be a set and skips members that are not strings.
  [`${F}("", {"DNSName": "\\"x\\""})`, '[false,[]]'],
  [`${F}("", {"KeyUsages": ["KeyUsageServerAuth", 7]})`, '[false,[]]'],
  [`${F}("", {"KeyUsages": {"KeyUsageClientAuth", "KeyUsageAny"}})`, '[false,[]]'],
  // Not base64: the parse fails before the bad option is read.
  [`${F}("not base64!", {"foo": 1})`, '[false,[]]'],
  // Option errors (undefined): unknown key, wrong types, numbers whose text is not an int64.
  [`${F}("", {"foo": 1})`, 'undef'],
  [`${F}("", {"DNSName": 1})`, 'undef'],
  [`${F}("", {"CurrentTime": "1"})`, 'undef'],
  [`${F}("", {"CurrentTime": 1.0})`, 'undef'],
  [`${F}("", {"CurrentTime": 1e3})`, 'undef'],
  [`${F}("", {"CurrentTime": input.time_float})`, 'undef'],
  [`${F}("", {"CurrentTime": 9223372036854775808})`, 'undef'],
  [`${F}("", {"MaxConstraintComparisons": 1.5})`, 'undef'],
  [`${F}("", {"KeyUsages": ["Nope"]})`, 'undef'],
  [`${F}("", {"KeyUsages": "KeyUsageAny"})`, 'undef'],
];

/**
 * What this engine does not answer: a chain that may verify (OPA's answer holds Go's full
 * x509.Certificate JSON of the chain it picked) and bad options beside certificates Go may or may
 * not parse (it reads the options only after they parse). Both stop the evaluation.
 */
const STOPS: string[] = [
  `${F}(input.chain_san, {"DNSName": "example.com", "CurrentTime": ${IN_VALIDITY}})`,
  `${F}(input.chain, {"CurrentTime": ${IN_VALIDITY}})`,
  `${F}(input.chain, {"foo": 1})`,
  `${F}("-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n", {})`,
];

const INPUT = JSON.stringify({
  chain: `${ROOT}\n${LEAF}\n`,
  chain_san: `${ROOT}\n${LEAF_WITH_SAN}\n`,
  root: `${ROOT}\n`,
  b64: Buffer.from(`${ROOT}\n${LEAF}\n`).toString('base64'),
}).replace(/}$/, ', "time_float": 1.0}');

function policyOf(exprs: string[]): string {
  return `package t\n${exprs.map((e, i) => `r${i} := x if { x := ${e} }`).join('\n')}\n`;
}

function shown(rows: unknown): string {
  const first = (rows as { result: unknown }[])[0];
  return first === undefined ? 'undef' : JSON.stringify(first.result);
}

describe(`${F} in the compiled module and the evaluator`, function () {
  this.timeout(180_000);
  const exprs = [...CASES.map(([e]) => e), ...STOPS];
  const entrypoints = exprs.map((_, i) => `t/r${i}`);
  let module: LoadedInBoth['module'];
  let prepared: LoadedInBoth['prepared'];
  const moduleAnswer = (ep: string): string => shown(module.evaluate(new TextEncoder().encode(INPUT).slice().buffer, ep));
  const evaluatorAnswer = (ep: string): string => shown(toJs(prepared.interpreter.evaluate(ep, parseJson(INPUT), parseJson('{}'), {})));

  before(async () => {
    ({ module, prepared } = await loadInBoth(policyOf(exprs), entrypoints, {}));
  });

  it('answers [false, []] and option errors as OPA does in the compiled module', () => {
    const got = CASES.map(([e], i) => `${e} => ${moduleAnswer(entrypoints[i]!)}`);
    expect(got).to.deep.equal(CASES.map(([e, want]) => `${e} => ${want}`));
  });

  it('answers the same in the TypeScript evaluator', () => {
    const got = CASES.map(([e], i) => `${e} => ${evaluatorAnswer(entrypoints[i]!)}`);
    expect(got).to.deep.equal(CASES.map(([e, want]) => `${e} => ${want}`));
  });

  it('stops (fails closed) in both engines on a chain that may verify and on what it cannot tell', () => {
    STOPS.forEach((e, j) => {
      const ep = entrypoints[CASES.length + j]!;
      expect(() => moduleAnswer(ep), `module: ${e}`).to.throw(/not supported by this engine/);
      expect(() => evaluatorAnswer(ep), `evaluator: ${e}`).to.throw(/not supported by this engine/);
    });
  });
});
