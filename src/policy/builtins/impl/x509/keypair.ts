/**
 * crypto.x509.parse_keypair as OPA's builtinCryptoX509ParseKeyPair: each operand is PEM, or base64
 * of PEM or of DER (DER is wrapped as a CERTIFICATE / PRIVATE KEY block), then Go's
 * tls.X509KeyPair; the *tls.Certificate is returned as encoding/json marshals it, Leaf included
 * (Go 1.23+ fills it). RSA and Ed25519 private keys are marshalled as crypto.parse_private_keys
 * marshals them, ECDSA keys as *ecdsa.PrivateKey (x509/ec-private-key.ts); the key must match the
 * first certificate's as tls.X509KeyPair compares them (N; X and Y; the Ed25519 bytes).
 */
import { asString, fail, type JsonObject, type JsonValue } from '../../value.js';
import { readDer, type Der } from '../der.js';
import { pemDecode, pkcs8KeyJson, rsaKeyJson, type PemBlock } from '../private-keys.js';
import { DerCursor, TAG, oidEquals, parseOid } from './asn1.js';
import { certificateJson, parseCertificate, type Certificate } from './certificate.js';
import { OID_EC_PUBLIC_KEY, ecPrivateKeyJson, pkcs8CurveOid } from './ec-private-key.js';
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

type KeyKind = 'rsa' | 'ed25519' | 'ec';

interface PrivateKey {
  json: JsonValue;
  kind: KeyKind;
  /** The public half as Go compares it: N for RSA, X and Y for ECDSA, the key bytes for Ed25519. */
  publicPart: bigint[] | Buffer;
}

const OID_RSA = [1, 2, 840, 113549, 1, 1, 1];

/** tls's parsePrivateKey: PKCS#1, then PKCS#8 (RSA, ECDSA, Ed25519), then SEC 1 (ECDSA). */
function privateKey(der: Buffer): PrivateKey {
  let fields: Der[];
  try {
    const outer = readDer(der, 0, NAME);
    fields = outer.tag === TAG.SEQUENCE ? new DerCursor(outer.content, NAME).all() : [];
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    fail('tls: failed to parse private key');
  }
  const tags = fields.map((f) => f.tag);
  if (tags.length === 9 && tags.every((t) => t === TAG.INTEGER)) return rsaKey(rsaKeyJson(der));
  if (tags.length >= 3 && tags[0] === TAG.INTEGER && tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) {
    const algorithm = new DerCursor(fields[1]!.content, NAME).all();
    const oid = algorithm[0]?.tag === TAG.OID ? parseOid(algorithm[0].content) : undefined;
    if (oid && oidEquals(oid, OID_EC_PUBLIC_KEY)) return ecKey(fields[2]!.content, pkcs8CurveOid(algorithm[1]));
    const json = pkcs8KeyJson(der);
    if (oid && oidEquals(oid, OID_RSA)) return rsaKey(json as JsonObject);
    return { json, kind: 'ed25519', publicPart: Buffer.from(json as string, 'base64').subarray(32) };
  }
  if (tags.length >= 2 && tags[0] === TAG.INTEGER && tags[1] === TAG.OCTET_STRING) return ecKey(der, undefined);
  return fail('tls: failed to parse private key');
}

function rsaKey(json: JsonObject): PrivateKey {
  return { json, kind: 'rsa', publicPart: [BigInt(json.N as number | bigint)] };
}

function ecKey(der: Buffer, curve: number[] | undefined): PrivateKey {
  const key = ecPrivateKeyJson(der, curve, NAME);
  return { json: key.json, kind: 'ec', publicPart: [key.x, key.y] };
}

/** The certificate key's public part in the form privateKey gives, and its kind (tls.X509KeyPair's switch). */
function certificatePublicPart(leaf: Certificate): { kind: KeyKind; part: bigint[] | Buffer } {
  const key = leaf.publicKey;
  const json = key.json as JsonObject;
  if (key.algorithm === PUBLIC_KEY_ALGORITHM.RSA) return { kind: 'rsa', part: [BigInt(json.N as number | bigint)] };
  if (key.algorithm === PUBLIC_KEY_ALGORITHM.ECDSA) return { kind: 'ec', part: [BigInt(json.X as number | bigint), BigInt(json.Y as number | bigint)] };
  if (key.algorithm === PUBLIC_KEY_ALGORITHM.Ed25519) return { kind: 'ed25519', part: Buffer.from(key.json as string, 'base64') };
  return fail('tls: unknown public key algorithm');
}

function samePart(a: bigint[] | Buffer, b: bigint[] | Buffer): boolean {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  return a.length === b.length && a.every((v, i) => v === b[i]);
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
  const key = privateKey(keyBlock.bytes);
  const pub = certificatePublicPart(leaf);
  if (pub.kind !== key.kind) fail('tls: private key type does not match public key type');
  if (!samePart(pub.part, key.publicPart)) fail('tls: private key does not match public key');
  return {
    Certificate: certificates.map((c) => c.toString('base64')),
    PrivateKey: key.json,
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateJson(leaf),
  };
}
