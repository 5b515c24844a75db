/**
 * Test support for the x509 built-ins: a small DER writer and a certificate / request builder over
 * node:crypto keys, so each test states the exact certificate it feeds Go's parser model.
 */
import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'));
export const ia5 = (tag: number, s: string): Buffer => tlv(tag, Buffer.from(s, 'latin1'));
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);
export const nullDer = Buffer.from([0x05, 0x00]);

export function integer(v: bigint | number): Buffer {
  let n = BigInt(v);
  if (n === 0n) return tlv(0x02, Buffer.from([0]));
  const bytes: number[] = [];
  const negative = n < 0n;
  if (negative) n = -n - 1n;
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn) ^ (negative ? 0xff : 0));
    n >>= 8n;
  }
  if (!negative && bytes[0]! & 0x80) bytes.unshift(0);
  if (negative && (bytes.length === 0 || !(bytes[0]! & 0x80))) bytes.unshift(0xff);
  return tlv(0x02, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(BigInt);
  const values = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  const out: number[] = [];
  for (const v of values) {
    const group: number[] = [Number(v & 0x7fn)];
    for (let rest = v >> 7n; rest > 0n; rest >>= 7n) group.unshift(Number(rest & 0x7fn) | 0x80);
    out.push(...group);
  }
  return tlv(0x06, Buffer.from(out));
}

export function bitString(b: Buffer, unused = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
}

export function utcTime(d: Date): Buffer {
  const iso = d.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'latin1'));
}

export function generalizedTime(d: Date): Buffer {
  const iso = d.toISOString();
  const text = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x18, Buffer.from(text, 'latin1'));
}

export type KeyKind = 'ec' | 'rsa' | 'ed25519' | 'rsa512';

export interface KeyPair {
  kind: KeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  spki: Buffer;
}

export function keyPair(kind: KeyKind): KeyPair {
  const pair =
    kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'ed25519' ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa512' ? 512 : 2048 });
  return { kind, ...pair, spki: pair.publicKey.export({ format: 'der', type: 'spki' }) };
}

/** A Name of (attribute OID, value) pairs, one per RDN. */
export function name(...attrs: [string, Buffer][]): Buffer {
  return seq(...attrs.map(([type, value]) => set(seq(oid(type), value))));
}

export const cn = (value: string): Buffer => name(['2.5.4.3', utf8(value)]);

export function extension(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

export const basicConstraints = (ca: boolean, pathLen?: number, critical = true): Buffer =>
  extension('2.5.29.19', seq(...(ca ? [bool(true)] : []), ...(pathLen === undefined ? [] : [integer(pathLen)])), critical);
/** keyUsage bits as Go numbers them (bit 0 = digitalSignature ... bit 5 = keyCertSign). */
export function keyUsage(bits: number[]): Buffer {
  let value = 0;
  for (const b of bits) value |= 1 << (15 - b);
  const bytes = Buffer.from([value >> 8, value & 0xff]);
  const used = bytes[1] === 0 ? bytes.subarray(0, 1) : bytes;
  let unused = 0;
  while (unused < 7 && !((used[used.length - 1]! >> unused) & 1)) unused++;
  return extension('2.5.29.15', bitString(used, unused), true);
}
export const extKeyUsage = (...oids: string[]): Buffer => extension('2.5.29.37', seq(...oids.map(oid)));
export const skid = (id: Buffer): Buffer => extension('2.5.29.14', octets(id));
export const akid = (id: Buffer): Buffer => extension('2.5.29.35', seq(tlv(0x80, id)));
export const san = (...names: Buffer[]): Buffer => extension('2.5.29.17', seq(...names));

export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function signatureAlgorithm(kind: KeyKind, sha1: boolean): Buffer {
  if (kind === 'ec') return seq(oid(sha1 ? '1.2.840.10045.4.1' : '1.2.840.10045.4.3.2'));
  if (kind === 'ed25519') return seq(oid('1.3.101.112'));
  return seq(oid(sha1 ? '1.2.840.113549.1.1.5' : '1.2.840.113549.1.1.11'), nullDer);
}

function signWith(key: KeyPair, data: Buffer, sha1: boolean): Buffer {
  if (key.kind === 'ed25519') return sign(null, data, key.privateKey);
  return sign(sha1 ? 'sha1' : 'sha256', data, key.privateKey);
}

export interface CertSpec {
  subject: Buffer;
  issuer?: Buffer;
  key: KeyPair;
  /** The signing key (the issuer's); the certificate's own key when self-signed. */
  signer?: KeyPair;
  serial?: bigint;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: Buffer[];
  /** Version 1 certificates carry no version field and no extensions. */
  v1?: boolean;
  sha1?: boolean;
  /** RSASSA-PSS with SHA-256 and this salt length; hash parameters absent, as OpenSSL writes them. */
  pssSalt?: number;
}

/** RSASSA-PSS-params for SHA-256, MGF1-SHA-256 and `salt`, the hash AlgorithmIdentifiers without NULL. */
export function pssAlgorithm(salt: number): Buffer {
  const sha256 = seq(oid('2.16.840.1.101.3.4.2.1'));
  return seq(oid('1.2.840.113549.1.1.10'), seq(explicit(0, sha256), explicit(1, seq(oid('1.2.840.113549.1.1.8'), sha256)), explicit(2, integer(salt))));
}

export const DAY = 86_400_000;

export function certificate(spec: CertSpec): Buffer {
  const signer = spec.signer ?? spec.key;
  const algo = spec.pssSalt === undefined ? signatureAlgorithm(signer.kind, spec.sha1 ?? false) : pssAlgorithm(spec.pssSalt);
  const tbs = seq(
    ...(spec.v1 ? [] : [explicit(0, integer(2))]),
    integer(spec.serial ?? 1n),
    algo,
    spec.issuer ?? spec.subject,
    seq(utcTime(spec.notBefore ?? new Date(Date.now() - DAY)), utcTime(spec.notAfter ?? new Date(Date.now() + 365 * DAY))),
    spec.subject,
    spec.key.spki,
    ...(spec.extensions && spec.extensions.length > 0 ? [explicit(3, seq(...spec.extensions))] : []),
  );
  const signature = spec.pssSalt === undefined
    ? signWith(signer, tbs, spec.sha1 ?? false)
    : sign('sha256', tbs, { key: signer.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.pssSalt });
  return seq(tbs, algo, bitString(signature));
}

export function pem(der: Buffer, type = 'CERTIFICATE'): string {
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}

export function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: 'der', type: 'spki' });
}

/** A PKCS#10 request over `key` with the given subject and requested extensions. */
export function certificateRequest(subject: Buffer, key: KeyPair, extensions: Buffer[] = []): Buffer {
  const attributes = extensions.length > 0 ? seq(oid('1.2.840.113549.1.9.14'), set(seq(...extensions))) : Buffer.alloc(0);
  const info = seq(integer(0), subject, key.spki, tlv(0xa0, attributes));
  const algo = signatureAlgorithm(key.kind, false);
  return seq(info, algo, bitString(signWith(key, info, false)));
}
