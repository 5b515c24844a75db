/**
 * Go's x509.ParseCertificates over DER (parser.go, Go 1.25) and encoding/json's form of the
 * *x509.Certificate it returns: every exported field, in the struct's order, with Go's zero values
 * (null for nil slices, base64 for []byte, JSON numbers for ints and *big.Int, RFC 3339 for times,
 * []int for asn1.ObjectIdentifier, dotted text for x509.OID).
 */
import { fail, type JsonObject, type JsonValue } from '../../value.js';
import { integerResult } from '../units.js';
import { readDer } from '../der.js';
import { DerCursor, TAG, goTimeJson, readBigInteger, readDerOr, readBitString, readTime, rightAligned, type GoTime } from './asn1.js';
import { extensionsJson, parseExtension, processExtensions, type Extension, type ExtensionFields } from './extensions.js';
import { ipString } from './go-text.js';
import { pkixNameJson } from './pkix-name.js';
import { parsePublicKey, type PublicKey } from './public-key.js';
import { signatureAlgorithm } from './signature.js';

export interface Certificate {
  raw: Buffer;
  rawTbs: Buffer;
  rawSpki: Buffer;
  rawSubject: Buffer;
  rawIssuer: Buffer;
  signature: Buffer;
  signatureAlgorithm: number;
  publicKey: PublicKey;
  version: number;
  serial: bigint;
  issuer: JsonObject;
  subject: JsonObject;
  notBefore: GoTime;
  notAfter: GoTime;
  extensions: Extension[];
  fields: ExtensionFields;
}

/** parseCertificate: the first certificate of `der`; its `raw` tells where the next one starts. */
export function parseCertificate(der: Buffer, builtin: string): Certificate {
  const outer = readDerOr(der, builtin, 'x509: malformed certificate');
  if (outer.tag !== TAG.SEQUENCE) fail('x509: malformed certificate');
  const input = new DerCursor(outer.content, builtin);
  const tbsEl = input.read(TAG.SEQUENCE, 'x509: malformed tbs certificate');
  const tbs = new DerCursor(tbsEl.content, builtin);

  let version = 0;
  const explicitVersion = tbs.optional(0xa0);
  if (explicitVersion) {
    const inner = readDer(explicitVersion.content, 0, builtin);
    if (inner.end !== explicitVersion.content.length) fail('x509: malformed version');
    const v = readBigInteger(inner, 'x509: malformed version');
    if (v < 0n || v > 2n) fail(v > 2n && v <= 3n ? 'x509: invalid version' : 'x509: malformed version');
    version = Number(v);
  }
  version++;

  const serial = readBigInteger(tbs.next('x509: malformed serial number'), 'x509: malformed serial number');
  if (serial < 0n) fail('x509: negative serial number');

  const sigAI = tbs.read(TAG.SEQUENCE, 'x509: malformed signature algorithm identifier');
  const outerSigAI = input.read(TAG.SEQUENCE, 'x509: malformed algorithm identifier');
  if (!outerSigAI.content.equals(sigAI.content)) fail("x509: inner and outer signature algorithm identifiers don't match");
  const sigAlgo = signatureAlgorithm(sigAI, builtin);

  const issuerEl = tbs.read(TAG.SEQUENCE, 'x509: malformed issuer');
  const issuer = pkixNameJson(issuerEl, builtin);
  const validity = new DerCursor(tbs.read(TAG.SEQUENCE, 'x509: malformed validity').content, builtin);
  const notBefore = readTime(validity.next('x509: unsupported time format'), builtin);
  const notAfter = readTime(validity.next('x509: unsupported time format'), builtin);
  const subjectEl = tbs.read(TAG.SEQUENCE, 'x509: malformed issuer');
  const subject = pkixNameJson(subjectEl, builtin);
  const spki = tbs.read(TAG.SEQUENCE, 'x509: malformed spki');
  const publicKey = parsePublicKey(spki, builtin);

  const extensions: Extension[] = [];
  if (version > 1) {
    tbs.optional(0x81);
    tbs.optional(0x82);
    const present = version === 3 ? tbs.optional(0xa3) : undefined;
    if (present) {
      const list = readDer(present.content, 0, builtin);
      if (list.tag !== TAG.SEQUENCE) fail('x509: malformed extensions');
      const seen = new Set<string>();
      for (const ext of new DerCursor(list.content, builtin).all()) {
        if (ext.tag !== TAG.SEQUENCE) fail('x509: malformed extension');
        const parsed = parseExtension(ext, builtin);
        const key = parsed.id.join('.');
        if (seen.has(key)) fail(`x509: certificate contains duplicate extension with OID "${key}"`);
        seen.add(key);
        extensions.push(parsed);
      }
    }
  }
  const fields = processExtensions(extensions, builtin);
  const signature = rightAligned(readBitString(input.next('x509: malformed signature'), 'x509: malformed signature'), builtin);

  return {
    raw: outer.raw, rawTbs: tbsEl.raw, rawSpki: spki.raw, rawSubject: subjectEl.raw, rawIssuer: issuerEl.raw,
    signature, signatureAlgorithm: sigAlgo, publicKey, version, serial, issuer, subject, notBefore, notAfter, extensions, fields,
  };
}

/** x509.ParseCertificates: certificates concatenated with nothing between them. */
export function parseCertificates(der: Buffer, builtin: string): Certificate[] {
  const out: Certificate[] = [];
  for (let rest = der; rest.length > 0; ) {
    const cert = parseCertificate(rest, builtin);
    out.push(cert);
    rest = rest.subarray(cert.raw.length);
  }
  return out;
}

const b64 = (b: Buffer | null): JsonValue => (b === null ? null : b.toString('base64'));

/** encoding/json of *x509.Certificate (Go 1.25 field order). */
export function certificateJson(c: Certificate): JsonObject {
  const f = c.fields;
  return {
    Raw: b64(c.raw),
    RawTBSCertificate: b64(c.rawTbs),
    RawSubjectPublicKeyInfo: b64(c.rawSpki),
    RawSubject: b64(c.rawSubject),
    RawIssuer: b64(c.rawIssuer),
    Signature: b64(c.signature),
    SignatureAlgorithm: c.signatureAlgorithm,
    PublicKeyAlgorithm: c.publicKey.algorithm,
    PublicKey: c.publicKey.json,
    Version: c.version,
    SerialNumber: integerResult(c.serial) as JsonValue,
    Issuer: c.issuer,
    Subject: c.subject,
    NotBefore: goTimeJson(c.notBefore),
    NotAfter: goTimeJson(c.notAfter),
    KeyUsage: f.KeyUsage,
    Extensions: extensionsJson(c.extensions),
    ExtraExtensions: null,
    UnhandledCriticalExtensions: f.UnhandledCriticalExtensions,
    ExtKeyUsage: f.ExtKeyUsage,
    UnknownExtKeyUsage: f.UnknownExtKeyUsage,
    BasicConstraintsValid: f.BasicConstraintsValid,
    IsCA: f.IsCA,
    MaxPathLen: f.MaxPathLen,
    MaxPathLenZero: f.MaxPathLenZero,
    SubjectKeyId: b64(f.SubjectKeyId),
    AuthorityKeyId: b64(f.AuthorityKeyId),
    OCSPServer: f.OCSPServer,
    IssuingCertificateURL: f.IssuingCertificateURL,
    DNSNames: f.DNSNames,
    EmailAddresses: f.EmailAddresses,
    IPAddresses: f.IPAddresses === null ? null : f.IPAddresses.map(ipString),
    URIs: f.URIs === null ? null : f.URIs.map((u) => u.json),
    PermittedDNSDomainsCritical: f.PermittedDNSDomainsCritical,
    PermittedDNSDomains: f.PermittedDNSDomains,
    ExcludedDNSDomains: f.ExcludedDNSDomains,
    PermittedIPRanges: f.PermittedIPRanges,
    ExcludedIPRanges: f.ExcludedIPRanges,
    PermittedEmailAddresses: f.PermittedEmailAddresses,
    ExcludedEmailAddresses: f.ExcludedEmailAddresses,
    PermittedURIDomains: f.PermittedURIDomains,
    ExcludedURIDomains: f.ExcludedURIDomains,
    CRLDistributionPoints: f.CRLDistributionPoints,
    PolicyIdentifiers: f.PolicyIdentifiers,
    Policies: f.Policies,
    InhibitAnyPolicy: f.InhibitAnyPolicy,
    InhibitAnyPolicyZero: f.InhibitAnyPolicyZero,
    InhibitPolicyMapping: f.InhibitPolicyMapping,
    InhibitPolicyMappingZero: f.InhibitPolicyMappingZero,
    RequireExplicitPolicy: f.RequireExplicitPolicy,
    RequireExplicitPolicyZero: f.RequireExplicitPolicyZero,
    PolicyMappings: f.PolicyMappings,
  };
}

/** OPA's extendedCert: the certificate's fields, then URIStrings (each URI's String()). */
export function extendedCertificateJson(c: Certificate): JsonObject {
  const uris = c.fields.URIs;
  return { ...certificateJson(c), URIStrings: uris === null ? null : uris.map((u) => u.text) };
}
