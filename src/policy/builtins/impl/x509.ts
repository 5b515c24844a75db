/**
 * crypto.x509.* with node:crypto's X509Certificate. Certificates are returned with the commonly
 * used fields of Go's x509.Certificate JSON (Raw, Subject, Issuer, SerialNumber, NotBefore/After,
 * DNSNames, EmailAddresses, IPAddresses, URIStrings, IsCA, Version); absent lists are null as in Go.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { HostImplementation } from '../types.js';
import { asObject, asString, fail, notExact, type JsonObject, type JsonValue } from '../value.js';
import { numberTextAt } from '../sets.js';
import { integerResult } from './units.js';

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

interface Der {
  tag: number;
  content: Buffer;
  end: number;
}

function readDer(buf: Buffer, pos: number): Der {
  if (pos + 2 > buf.length) fail('asn1: structure error: truncated');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) fail('asn1: structure error: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    header = 2 + n;
  }
  const start = pos + header;
  if (start + len > buf.length) fail('asn1: structure error: truncated');
  return { tag, content: buf.subarray(start, start + len), end: start + len };
}

function derChildren(content: Buffer): Der[] {
  const out: Der[] = [];
  for (let pos = 0; pos < content.length; ) {
    const child = readDer(content, pos);
    out.push(child);
    pos = child.end;
  }
  return out;
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
  const outer = readDer(der, 0);
  if (outer.tag !== 0x30) fail('asn1: structure error: not a sequence');
  const [info] = derChildren(outer.content);
  if (!info || info.tag !== 0x30) fail('asn1: structure error: missing request info');
  const [version, subject] = derChildren(info.content);
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30) fail('asn1: structure error: bad request info');
  const lines: string[] = [];
  for (const set of derChildren(subject.content)) {
    for (const attr of derChildren(set.content)) {
      const [type, value] = derChildren(attr.content);
      const name = type ? NAME_OIDS[oid(type.content)] : undefined;
      if (name && value) lines.push(`${name}=${value.content.toString('utf8')}`);
    }
  }
  return { Raw: der.toString('base64'), Version: version.content[0] ?? 0, Subject: pkixName(lines.join('\n')) };
}

/*
 * crypto.x509.parse_and_verify_certificates_with_options, exact or stopped. OPA answers [true,
 * chain] with chain as Go's json.Marshal of []*x509.Certificate (every field, the chain Go's
 * Verify picked), which this engine does not reproduce: a chain that may verify stops
 * (NotExactError). What it answers is what Go must answer: [false, []] when the input cannot
 * parse, when fewer than two certificates remain, when the leaf is outside its validity at
 * CurrentTime, or when DNSName is asked of a leaf that names nothing; and OPA's option errors
 * (undefined) where Go is sure to read the options (it parses the certificates first).
 */

const NAME = 'crypto.x509.parse_and_verify_certificates_with_options';
const NOT_VALID: JsonValue[] = [false, []];

/** OPA's allowedKeyUsages names (crypto.go). */
const KEY_USAGES: ReadonlySet<string> = new Set([
  'KeyUsageAny', 'KeyUsageServerAuth', 'KeyUsageClientAuth', 'KeyUsageCodeSigning', 'KeyUsageEmailProtection',
  'KeyUsageIPSECEndSystem', 'KeyUsageIPSECTunnel', 'KeyUsageIPSECUser', 'KeyUsageTimeStamping', 'KeyUsageOCSPSigning',
  'KeyUsageMicrosoftServerGatedCrypto', 'KeyUsageNetscapeServerGatedCrypto', 'KeyUsageMicrosoftCommercialCodeSigning',
  'KeyUsageMicrosoftKernelCodeSigning',
]);

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

interface VerifyOptions {
  dnsName: string;
  /** Nanoseconds since the epoch; undefined is Go's zero time (the clock). */
  currentTime: bigint | undefined;
}

/** What Go's getX509CertsFromString gives: certain failure, or the certificates if Go parses them. */
type Parsed = { kind: 'fails' } | { kind: 'certs'; certs: X509Certificate[] };

// Go's base64.StdEncoding (not Strict) skips \r and \n and needs canonical padding.
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// PEM CERTIFICATE blocks without headers, separated by whitespace only: pem.Decode reads these
// exactly as below; any other PEM text (other block types, headers, text between blocks) stops.
const PLAIN_PEM = /^(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]{4,}?\r?\n-----END CERTIFICATE-----[ \t\r\n]*)+$/;
const PEM_BODY = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END CERTIFICATE-----/g;

function stdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  return STD_BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

function parseInput(input: string): Parsed {
  if (input.startsWith('-----BEGIN')) return parsePem(input);
  const bytes = stdBase64(input);
  if (bytes === undefined) return { kind: 'fails' };
  if (bytes.subarray(0, 10).toString('latin1') === '-----BEGIN') return parsePem(bytes.toString('latin1'));
  return parseDer(bytes);
}

function parsePem(text: string): Parsed {
  if (!PLAIN_PEM.test(text)) notExact(NAME, 'PEM text other than plain CERTIFICATE blocks');
  const parts: Buffer[] = [];
  for (const m of text.matchAll(PEM_BODY)) {
    const bytes = stdBase64(m[1]!);
    if (bytes === undefined) notExact(NAME, 'a PEM block whose body is not canonical base64');
    parts.push(bytes);
  }
  return parseDer(Buffer.concat(parts));
}

/**
 * x509.ParseCertificates reads DER SEQUENCEs with cryptobyte, which rejects a wrong tag, a length
 * past the input and a length not in its shortest form: Go surely fails on those. A SEQUENCE that
 * node cannot read as a certificate might still parse in Go: stop.
 */
function parseDer(bytes: Buffer): Parsed {
  const certs: X509Certificate[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const end = sequenceEnd(bytes, pos);
    if (end === undefined) return { kind: 'fails' };
    try {
      certs.push(new X509Certificate(bytes.subarray(pos, end)));
    } catch {
      notExact(NAME, 'a certificate this engine cannot parse (Go might)');
    }
    pos = end;
  }
  return { kind: 'certs', certs };
}

function sequenceEnd(bytes: Buffer, pos: number): number | undefined {
  if (bytes[pos] !== 0x30 || pos + 2 > bytes.length) return undefined;
  const first = bytes[pos + 1]!;
  if (!(first & 0x80)) return pos + 2 + first <= bytes.length ? pos + 2 + first : undefined;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || pos + 2 + n > bytes.length || bytes[pos + 2] === 0) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[pos + 2 + i]!;
  if (len < 128) return undefined;
  const end = pos + 2 + n + len;
  return end <= bytes.length ? end : undefined;
}

/** json.Number.Int64 of the option's number: the text must be a plain integer within int64. */
function int64Option(options: object, key: string, value: unknown): bigint | undefined {
  if (numberTextAt(options, key) !== undefined) return undefined;
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
}

/** OPA's extractVerifyOpts: the error it returns, or the options Go verifies with. */
function readOptions(options: Record<string, unknown>): VerifyOptions | string {
  const out: VerifyOptions = { dnsName: '', currentTime: undefined };
  const errors: string[] = [];
  // OPA walks the keys in order and stops at the first error; every error is "undefined" here,
  // so which one comes first does not change the answer.
  for (const [key, value] of Object.entries(options)) {
    const error = readOption(out, options, key, value);
    if (error !== undefined) errors.push(error);
  }
  return errors[0] ?? out;
}

function readOption(out: VerifyOptions, options: object, key: string, value: unknown): string | undefined {
  switch (key) {
    case 'DNSName':
      if (typeof value !== 'string') return "'DNSName' should be a string";
      out.dnsName = value.replace(/^"+|"+$/g, '');
      return undefined;
    case 'CurrentTime': {
      if (typeof value !== 'number' && typeof value !== 'bigint') return "'CurrentTime' should be a number";
      const ns = int64Option(options, key, value);
      if (ns === undefined) return "'CurrentTime' should be a valid int64 number";
      out.currentTime = ns;
      return undefined;
    }
    case 'MaxConstraintComparisons':
      // Only name constraints read it, and those are past what this engine answers.
      if (typeof value !== 'number' && typeof value !== 'bigint') return "'MaxConstraintComparisons' should be a number";
      return int64Option(options, key, value) === undefined ? "'MaxConstraintComparisons' should be a valid number" : undefined;
    case 'KeyUsages': {
      // Sets reach the host as arrays; members that are not strings are skipped, as OPA does.
      if (!Array.isArray(value)) return "'KeyUsages' should be an Array or Set";
      const invalid = value.filter((u): u is string => typeof u === 'string').map((u) => u.replace(/^"+|"+$/g, '')).filter((u) => !KEY_USAGES.has(u));
      return invalid.length > 0 ? `invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]` : undefined;
    }
    default:
      return 'invalid key option';
  }
}

function unixNanos(text: string): bigint {
  const ms = new Date(text).getTime();
  if (!Number.isFinite(ms)) notExact(NAME, 'a validity date this engine cannot read');
  return BigInt(ms) * 1_000_000n;
}

/** Go's Verify checks the leaf's validity, then DNSName, before it builds any chain. */
function leafFails(leaf: X509Certificate, opts: VerifyOptions): boolean {
  const now = opts.currentTime ?? BigInt(Date.now()) * 1_000_000n;
  if (now < unixNanos(leaf.validFrom) || now > unixNanos(leaf.validTo)) return true;
  // VerifyHostname ignores the common name: a leaf without DNS or IP names matches no name.
  const names = (leaf.subjectAltName ?? '').split(/,\s*/).filter((e) => e.startsWith('DNS:') || e.startsWith('IP Address:'));
  return opts.dnsName !== '' && names.length === 0;
}

function parseAndVerifyWithOptions(input: unknown, optionsArg: unknown): JsonValue[] {
  const text = asString(input, 'operand 1');
  const options = asObject(optionsArg, 'operand 2');
  const parsed = parseInput(text);
  if (parsed.kind === 'fails') return NOT_VALID;
  const opts = readOptions(options);
  if (typeof opts === 'string') {
    // Go reads the options only once the certificates parse, which is certain only with none.
    if (parsed.certs.length > 0) notExact(NAME, 'options OPA rejects, with certificates Go may or may not parse');
    fail(opts);
  }
  if (parsed.certs.length < 2) return NOT_VALID;
  if (leafFails(parsed.certs[parsed.certs.length - 1]!, opts)) return NOT_VALID;
  return notExact(NAME, "a chain that may verify (OPA answers with Go's full certificate JSON)");
}

export const x509Builtins: Readonly<Record<string, HostImplementation>> = {
  'crypto.x509.parse_certificates': (input: unknown) => parseCertificates(input).map(certificateJson),
  'crypto.x509.parse_and_verify_certificates': parseAndVerify,
  'crypto.x509.parse_and_verify_certificates_with_options': parseAndVerifyWithOptions,
  'crypto.x509.parse_keypair': parseKeypair,
  'crypto.x509.parse_certificate_request': parseCertificateRequest,
  'crypto.x509.parse_rsa_private_key': (input: unknown) => {
    const key = createPrivateKey(pemText(asString(input, 'operand 1')));
    if (key.asymmetricKeyType !== 'rsa') fail('not an RSA private key');
    return asObject(key.export({ format: 'jwk' }), 'jwk');
  },
};
