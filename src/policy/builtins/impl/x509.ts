/**
 * crypto.x509.* as OPA 1.x (built with Go 1.25) answers: certificates, requests and key pairs are
 * parsed from DER as Go's crypto/x509 parses them and returned as encoding/json marshals Go's
 * structs (see x509/certificate.ts); chains are verified as Go's Certificate.Verify does for OPA's
 * arrangement (see x509/verify.ts). What cannot be answered exactly stops (NotExactError).
 */
import { createPrivateKey } from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asObject, asString, fail, type JsonValue } from '../value.js';
import { extendedCertificateJson, certificateJson, type Certificate } from './x509/certificate.js';
import { certificatesFromString } from './x509/input.js';
import { verifyOptions } from './x509/options.js';
import { verifyChain, type VerifyOptions } from './x509/verify.js';
import { parseCertificateRequest } from './x509/csr.js';
import { parseKeyPair } from './x509/keypair.js';

const PARSE = 'crypto.x509.parse_certificates';
const VERIFY = 'crypto.x509.parse_and_verify_certificates';
const VERIFY_WITH_OPTIONS = 'crypto.x509.parse_and_verify_certificates_with_options';

const NOT_VERIFIED: JsonValue[] = [false, []];

/** Parse errors answer [false, []] in both verify built-ins; NotExactError still stops. */
function parsedOrUndefined(input: string, builtin: string): Certificate[] | undefined {
  try {
    return certificatesFromString(input, builtin);
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    return undefined;
  }
}

function parseAndVerify(input: unknown): JsonValue[] {
  const certs = parsedOrUndefined(asString(input, 'operand 1'), VERIFY);
  if (certs === undefined) return NOT_VERIFIED;
  const chain = verifyChain(certs, { dnsName: '', keyUsages: [] }, VERIFY);
  return chain === undefined ? NOT_VERIFIED : [true, chain.map(extendedCertificateJson)];
}

/** OPA parses first (a parse error answers [false, []] before the options are read), then reads the options. */
function parseAndVerifyWithOptions(input: unknown, options: unknown): JsonValue[] {
  const text = asString(input, 'operand 1');
  asObject(options, 'operand 2');
  const certs = parsedOrUndefined(text, VERIFY_WITH_OPTIONS);
  if (certs === undefined) return NOT_VERIFIED;
  const opts: VerifyOptions = verifyOptions(options);
  const chain = verifyChain(certs, opts, VERIFY_WITH_OPTIONS);
  // OPA marshals the []*x509.Certificate itself here: no URIStrings field.
  return chain === undefined ? NOT_VERIFIED : [true, chain.map(certificateJson)];
}

function pemText(input: string): string {
  if (input.includes('-----BEGIN')) return input;
  return Buffer.from(input, 'base64').toString('utf8');
}

export const x509Builtins: Readonly<Record<string, HostImplementation>> = {
  [PARSE]: (input: unknown) => certificatesFromString(asString(input, 'operand 1'), PARSE).map(extendedCertificateJson),
  [VERIFY]: parseAndVerify,
  [VERIFY_WITH_OPTIONS]: parseAndVerifyWithOptions,
  'crypto.x509.parse_keypair': parseKeyPair,
  'crypto.x509.parse_certificate_request': parseCertificateRequest,
  'crypto.x509.parse_rsa_private_key': (input: unknown) => {
    const key = createPrivateKey(pemText(asString(input, 'operand 1')));
    if (key.asymmetricKeyType !== 'rsa') fail('not an RSA private key');
    return asObject(key.export({ format: 'jwk' }), 'jwk');
  },
};
