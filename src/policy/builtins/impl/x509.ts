/**
 * crypto.x509.* with node:crypto's X509Certificate. Certificates are returned with the commonly
 * used fields of Go's x509.Certificate JSON (Raw, Subject, Issuer, SerialNumber, NotBefore/After,
 * DNSNames, EmailAddresses, IPAddresses, URIStrings, IsCA, Version); absent lists are null as in Go.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asObject, asString, fail, type JsonObject, type JsonValue } from '../value.js';
import { integerResult } from './units.js';
import { derChildren, readDer } from './der.js';

const CSR = 'crypto.x509.parse_certificate_request';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** PEM text, base64 of PEM text, or base64 of concatenated DER: OPA accepts all three. */
function pemOrDerBlocks(input: string, type: string): Buffer[] {
  let text = input;
  if (!text.includes('-----BEGIN')) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    const asText = decoded.toString('utf8');
    if (!asText.includes('-----BEGIN')) return splitDer(decoded);
    text = asText;
  }
  const blocks = [...text.matchAll(PEM_BLOCK)].filter((m) => m[1] === type);
  if (blocks.length === 0) fail(`no ${type} found`);
  return blocks.map((m) => Buffer.from(m[0].replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

/** Splits concatenated DER SEQUENCEs by their length headers. */
function splitDer(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0x30) fail('invalid DER data');
    let len = bytes[pos + 1]!;
    let header = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + bytes[pos + 2 + i]!;
      header = 2 + n;
    }
    out.push(bytes.subarray(pos, pos + header + len));
    pos += header + len;
  }
  if (out.length === 0) fail('no certificates found');
  return out;
}

const NAME_FIELDS: Record<string, string> = {
  C: 'Country', O: 'Organization', OU: 'OrganizationalUnit', L: 'Locality', ST: 'Province', street: 'StreetAddress', postalCode: 'PostalCode',
};

/** Go's pkix.Name from node's "KEY=value" lines. */
function pkixName(text: string): JsonObject {
  const name: JsonObject = {
    Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null,
    StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '',
  };
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') name.CommonName = value;
    else if (key === 'serialNumber') name.SerialNumber = value;
    else if (NAME_FIELDS[key] !== undefined) {
      const field = NAME_FIELDS[key]!;
      name[field] = [...((name[field] as string[] | null) ?? []), value];
    }
  }
  return name;
}

function altNames(cert: X509Certificate, prefix: string): string[] | null {
  const names = (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith(`${prefix}:`))
    .map((entry) => entry.slice(prefix.length + 1).replace(/^"|"$/g, ''));
  return names.length === 0 ? null : names;
}

function goTime(text: string): string {
  return new Date(text).toISOString().replace(/\.000Z$/, 'Z');
}

function certificateJson(cert: X509Certificate): JsonObject {
  return {
    Raw: cert.raw.toString('base64'),
    Version: 3,
    SerialNumber: integerResult(BigInt(`0x${cert.serialNumber}`)) as JsonValue,
    Issuer: pkixName(cert.issuer),
    Subject: pkixName(cert.subject),
    NotBefore: goTime(cert.validFrom),
    NotAfter: goTime(cert.validTo),
    DNSNames: altNames(cert, 'DNS'),
    EmailAddresses: altNames(cert, 'email'),
    IPAddresses: altNames(cert, 'IP Address'),
    URIStrings: altNames(cert, 'URI'),
    IsCA: cert.ca,
  };
}

function parseCertificates(input: unknown): X509Certificate[] {
  return pemOrDerBlocks(asString(input, 'operand 1'), 'CERTIFICATE').map((der) => new X509Certificate(der));
}

/** Root first, leaf last in the input; the verified chain is returned leaf first, as Go's Verify does. */
function verifyChain(certs: X509Certificate[], now = new Date()): boolean {
  if (certs.length < 2) return false;
  const inTime = (c: X509Certificate): boolean => new Date(c.validFrom) <= now && now <= new Date(c.validTo);
  const root = certs[0]!;
  if (!root.checkIssued(root) || !root.verify(root.publicKey) || !inTime(root)) return false;
  for (let i = 1; i < certs.length; i++) {
    const issuer = certs[i - 1]!;
    const cert = certs[i]!;
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey) || !inTime(cert)) return false;
    if (i < certs.length - 1 && !cert.ca) return false;
  }
  return true;
}

function parseAndVerify(input: unknown): JsonValue[] {
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(input);
  } catch {
    return [false, []];
  }
  if (!verifyChain(certs)) return [false, []];
  return [true, [...certs].reverse().map(certificateJson)];
}

function pemText(input: string): string {
  if (input.includes('-----BEGIN')) return input;
  return Buffer.from(input, 'base64').toString('utf8');
}

function parseKeypair(certInput: unknown, keyInput: unknown): JsonObject {
  const certs = parseCertificates(certInput);
  const key = createPrivateKey(pemText(asString(keyInput, 'operand 2')));
  const fromKey = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const fromCert = certs[0]!.publicKey.export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromCert)) fail('private key does not match public key');
  return { Certificate: certs.map((c) => c.raw.toString('base64')), Leaf: null };
}

function oid(content: Buffer): string {
  const parts = [Math.floor(content[0]! / 40), content[0]! % 40];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

const NAME_OIDS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.17': 'postalCode', '2.5.4.5': 'serialNumber',
};

/** The subject of a PKCS#10 request, read from its DER (node:crypto has no CSR parser). */
function parseCertificateRequest(input: unknown): JsonObject {
  const der = pemOrDerBlocks(asString(input, 'operand 1'), 'CERTIFICATE REQUEST')[0]!;
  const outer = readDer(der, 0, CSR);
  if (outer.tag !== 0x30) fail('asn1: structure error: not a sequence');
  const [info] = derChildren(outer.content, CSR);
  if (!info || info.tag !== 0x30) fail('asn1: structure error: missing request info');
  const [version, subject] = derChildren(info.content, CSR);
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30) fail('asn1: structure error: bad request info');
  const lines: string[] = [];
  for (const set of derChildren(subject.content, CSR)) {
    for (const attr of derChildren(set.content, CSR)) {
      const [type, value] = derChildren(attr.content, CSR);
      const name = type ? NAME_OIDS[oid(type.content)] : undefined;
      if (name && value) lines.push(`${name}=${value.content.toString('utf8')}`);
    }
  }
  return { Raw: der.toString('base64'), Version: version.content[0] ?? 0, Subject: pkixName(lines.join('\n')) };
}

export const x509Builtins: Readonly<Record<string, HostImplementation>> = {
  'crypto.x509.parse_certificates': (input: unknown) => parseCertificates(input).map(certificateJson),
  'crypto.x509.parse_and_verify_certificates': parseAndVerify,
  'crypto.x509.parse_keypair': parseKeypair,
  'crypto.x509.parse_certificate_request': parseCertificateRequest,
  'crypto.x509.parse_rsa_private_key': (input: unknown) => {
    const key = createPrivateKey(pemText(asString(input, 'operand 1')));
    if (key.asymmetricKeyType !== 'rsa') fail('not an RSA private key');
    return asObject(key.export({ format: 'jwk' }), 'jwk');
  },
};
