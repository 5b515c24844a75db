/**
 * crypto.x509.parse_certificate_request as OPA's builtinCryptoX509ParseCertificateRequest: the
 * operand is PEM (when it starts with the request's BEGIN line) or base64 of PEM or DER; the request
 * is read as Go's x509.ParseCertificateRequest reads it (encoding/asn1) and returned as
 * encoding/json marshals *x509.CertificateRequest.
 */
import { asString, fail, notExact, type JsonObject, type JsonValue } from '../../value.js';
import { readDer, type Der } from '../der.js';
import { pemDecode } from '../private-keys.js';
import { DerCursor, TAG, oidEquals, parseOid, readBitString, readBoolean, readDerOr, readInt, readOid, rightAligned } from './asn1.js';
import { extensionsJson, subjectAltNames, type Extension, type ExtensionFields } from './extensions.js';
import { ipString } from './go-text.js';
import { decodeBase64 } from './input.js';
import { pkixNameJson } from './pkix-name.js';
import { parsePublicKey } from './public-key.js';
import { signatureAlgorithm } from './signature.js';

const NAME = 'crypto.x509.parse_certificate_request';
const OID_EXTENSION_REQUEST = [1, 2, 840, 113549, 1, 9, 14];
const STRUCTURE = 'asn1: structure error: tags don\'t match';

const b64 = (b: Buffer): string => b.toString('base64');

/** An element's children, or Go's structure error when it is not the expected constructed type. */
function children(el: Der | undefined, tag: number): DerCursor {
  if (el === undefined || el.tag !== tag) fail(STRUCTURE);
  return new DerCursor(el.content, NAME);
}

/**
 * parseRawAttributes: attributes that unmarshal into pkix.AttributeTypeAndValueSET (a SET of
 * SEQUENCEs of {OID, value}); the others are skipped as Go skips them. Values other than the
 * OCTET STRING or BOOLEAN an extension request holds stop.
 */
function attributesJson(attributes: Der[]): JsonValue {
  const out: JsonValue[] = [];
  for (const attr of attributes) {
    if (attr.tag !== TAG.SEQUENCE) continue;
    const fields = new DerCursor(attr.content, NAME);
    const type = fields.empty() ? undefined : fields.next(STRUCTURE);
    const values = fields.empty() ? undefined : fields.next(STRUCTURE);
    const oid = type?.tag === TAG.OID ? parseOid(type.content) : undefined;
    if (!oid || values?.tag !== TAG.SET) continue;
    const sets = new DerCursor(values.content, NAME).all();
    if (!sets.every((s) => s.tag === TAG.SEQUENCE)) continue;
    const value = sets.map((s) => new DerCursor(s.content, NAME).all().map(attributeValue));
    out.push({ Type: oid, Value: value });
  }
  return out.length > 0 ? out : null;
}

function attributeValue(atv: Der): JsonValue {
  if (atv.tag !== TAG.SEQUENCE) notExact(NAME, 'a request attribute value that is not an extension');
  const [type, value] = new DerCursor(atv.content, NAME).all();
  const oid = type?.tag === TAG.OID ? parseOid(type.content) : undefined;
  if (!oid || value === undefined) notExact(NAME, 'a request attribute value that is not an extension');
  if (value.tag === TAG.OCTET_STRING) return { Type: oid, Value: b64(value.content) };
  if (value.tag === TAG.BOOLEAN) return { Type: oid, Value: readBoolean(value, STRUCTURE) };
  return notExact(NAME, 'a request attribute value that is not an extension');
}

/** parseCSRExtensions: the extensions of each extensionRequest attribute, no OID twice. */
function requestedExtensions(attributes: Der[]): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<string>();
  for (const attr of attributes) {
    if (attr.tag !== TAG.SEQUENCE) continue;
    const [type, values] = new DerCursor(attr.content, NAME).all();
    const oid = type?.tag === TAG.OID ? parseOid(type.content) : undefined;
    if (!oid || values?.tag !== TAG.SET || values.content.length === 0) continue;
    if (!oidEquals(oid, OID_EXTENSION_REQUEST)) continue;
    const list = readDer(values.content, 0, NAME);
    for (const ext of children(list, TAG.SEQUENCE).all()) {
      const f = children(ext, TAG.SEQUENCE);
      const id = readOid(f.next(STRUCTURE), STRUCTURE);
      const critical = f.peek(TAG.BOOLEAN) ? readBoolean(f.next(STRUCTURE), STRUCTURE) : false;
      const value = f.read(TAG.OCTET_STRING, STRUCTURE).content;
      const key = id.join('.');
      if (seen.has(key)) fail('x509: certificate request contains duplicate requested extensions');
      seen.add(key);
      out.push({ id, critical, value: Buffer.from(value) });
    }
  }
  return out;
}

/** OPA's input handling, then x509.ParseCertificateRequest. */
function requestDer(input: string): Buffer {
  let bytes = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----') ? Buffer.from(input, 'utf8') : decodeBase64(input);
  const block = pemDecode(bytes);
  if (block !== undefined && block.block.type !== 'CERTIFICATE REQUEST') fail('invalid PEM-encoded certificate signing request');
  if (block !== undefined) bytes = block.block.bytes;
  return bytes;
}

export function parseCertificateRequest(input: unknown): JsonObject {
  const der = requestDer(asString(input, 'operand 1'));
  // encoding/asn1 compares the tag before it looks at the length.
  if (der.length > 0 && der[0] !== TAG.SEQUENCE) fail(STRUCTURE);
  const outer = readDerOr(der, NAME, 'asn1: structure error: truncated or malformed request');
  if (outer.end !== der.length) fail('asn1: syntax error: trailing data');
  const top = children(outer, TAG.SEQUENCE);
  const tbsEl = top.next(STRUCTURE);
  const tbs = children(tbsEl, TAG.SEQUENCE);
  const version = readInt(tbs.next(STRUCTURE), STRUCTURE);
  const subjectEl = tbs.next(STRUCTURE);
  const spki = tbs.read(TAG.SEQUENCE, STRUCTURE);
  const attributes = tbs.read(0xa0, STRUCTURE);
  const sigAI = top.read(TAG.SEQUENCE, STRUCTURE);
  const signature = rightAligned(readBitString(top.next(STRUCTURE), STRUCTURE), NAME);
  const rawAttributes = new DerCursor(attributes.content, NAME).all();

  const publicKey = parsePublicKey(spki, NAME);
  if (subjectEl.tag !== TAG.SEQUENCE) fail(STRUCTURE);
  const subject = pkixNameJson(subjectEl, NAME, true);
  const extensions = requestedExtensions(rawAttributes);
  const names: Pick<ExtensionFields, 'DNSNames' | 'EmailAddresses' | 'IPAddresses' | 'URIs'> = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  for (const e of extensions) if (oidEquals(e.id, [2, 5, 29, 17])) subjectAltNames(e.value, names, NAME);

  return {
    Raw: b64(outer.raw),
    RawTBSCertificateRequest: b64(tbsEl.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subjectEl.raw),
    Version: version,
    Signature: b64(signature),
    SignatureAlgorithm: signatureAlgorithm(sigAI, NAME),
    PublicKeyAlgorithm: publicKey.algorithm,
    PublicKey: publicKey.json,
    Subject: subject,
    Attributes: attributesJson(rawAttributes),
    Extensions: extensionsJson(extensions),
    ExtraExtensions: null,
    DNSNames: names.DNSNames,
    EmailAddresses: names.EmailAddresses,
    IPAddresses: names.IPAddresses === null ? null : names.IPAddresses.map(ipString),
    URIs: names.URIs === null ? null : names.URIs.map((u) => u.json),
  };
}
