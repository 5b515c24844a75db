/**
 * crypto.x509.parse_keypair as OPA's builtinCryptoX509ParseKeyPair: each operand is PEM, or base64
 * of PEM or of DER (DER is wrapped as a CERTIFICATE / PRIVATE KEY block), then Go's
 * tls.X509KeyPair; the *tls.Certificate is returned as encoding/json marshals it, Leaf included
 * (Go 1.23+ fills it). Private keys are marshalled as crypto.parse_private_keys marshals them, and
 * key types that one does not answer (EC keys) stop.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { asString, fail, notExact, type JsonObject, type JsonValue } from '../../value.js';
import { readDer } from '../der.js';
import { pemDecode, pkcs8KeyJson, rsaKeyJson, type PemBlock } from '../private-keys.js';
import { DerCursor, TAG } from './asn1.js';
import { certificateJson, parseCertificate } from './certificate.js';
import { decodeBase64 } from './input.js';
import { PUBLIC_KEY_ALGORITHM } from './public-key.js';

const NAME = 'crypto.x509.parse_keypair';
const BEGIN = '-----BEGIN ';

/** OPA's getTLSx509KeyPairFromString preparation of one operand. */
function pemBytes(input: string, type: string): Buffer {
  let bytes: Buffer = Buffer.from(input, 'utf8');
  if (!input.startsWith(BEGIN)) bytes = decodeBase64(input);
  if (bytes.subarray(0, BEGIN.length).toString('latin1') !== BEGIN) {
    const body = bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
    bytes = Buffer.from(`-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`, 'latin1');
  }
  return bytes;
}

function blocks(data: Buffer): PemBlock[] {
  const out: PemBlock[] = [];
  for (let rest = data; ; ) {
    const found = pemDecode(rest);
    if (found === undefined) return out;
    out.push(found.block);
    rest = found.rest;
  }
}

/** tls's parsePrivateKey: PKCS#1, then PKCS#8 (RSA and Ed25519 answered), then SEC 1 (stops). */
function privateKeyJson(der: Buffer): { json: JsonValue; type: 'pkcs1' | 'pkcs8' } {
  let fields;
  try {
    const outer = readDer(der, 0, NAME);
    fields = outer.tag === TAG.SEQUENCE ? new DerCursor(outer.content, NAME).all() : [];
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    fail('tls: failed to parse private key');
  }
  const tags = fields.map((f) => f.tag);
  if (tags.length === 9 && tags.every((t) => t === TAG.INTEGER)) return { json: rsaKeyJson(der), type: 'pkcs1' };
  if (tags.length >= 3 && tags[0] === TAG.INTEGER && tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) return { json: pkcs8KeyJson(der), type: 'pkcs8' };
  if (tags.length >= 2 && tags[0] === TAG.INTEGER && tags[1] === TAG.OCTET_STRING) notExact(NAME, 'an EC private key');
  return fail('tls: failed to parse private key');
}

/** Whether the private key's public half is the certificate's (Go compares N, X/Y, or the key bytes). */
function keysMatch(keyDer: Buffer, type: 'pkcs1' | 'pkcs8', spki: Buffer, algorithm: number): boolean {
  const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const priv = createPublicKey(createPrivateKey({ key: keyDer, format: 'der', type }));
  if (pub.asymmetricKeyType !== priv.asymmetricKeyType) fail('tls: private key type does not match public key type');
  if (algorithm === PUBLIC_KEY_ALGORITHM.RSA) return pub.export({ format: 'jwk' }).n === priv.export({ format: 'jwk' }).n;
  return pub.export({ format: 'der', type: 'spki' }).equals(priv.export({ format: 'der', type: 'spki' }));
}

export function parseKeyPair(certInput: unknown, keyInput: unknown): JsonObject {
  const certPem = pemBytes(asString(certInput, 'operand 1'), 'CERTIFICATE');
  const keyPem = pemBytes(asString(keyInput, 'operand 1'), 'PRIVATE KEY');
  const certificates = blocks(certPem).filter((b) => b.type === 'CERTIFICATE').map((b) => b.bytes);
  if (certificates.length === 0) fail('tls: failed to find any PEM data in certificate input');
  const keyBlock = blocks(keyPem).find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (keyBlock === undefined) fail('tls: failed to find any PEM data in key input');
  const leaf = parseCertificate(certificates[0]!, NAME);
  if (leaf.raw.length !== certificates[0]!.length) fail('x509: trailing data');
  const privateKey = privateKeyJson(keyBlock.bytes);
  if (leaf.publicKey.algorithm !== PUBLIC_KEY_ALGORITHM.RSA && leaf.publicKey.algorithm !== PUBLIC_KEY_ALGORITHM.Ed25519) {
    notExact(NAME, 'a key pair that is neither RSA nor Ed25519');
  }
  if (!keysMatch(keyBlock.bytes, privateKey.type, leaf.rawSpki, leaf.publicKey.algorithm)) fail('tls: private key does not match public key');
  return {
    Certificate: certificates.map((c) => c.toString('base64')),
    PrivateKey: privateKey.json,
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateJson(leaf),
  };
}
