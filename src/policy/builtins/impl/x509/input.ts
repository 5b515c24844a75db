/**
 * How OPA's x509 built-ins read their string operand (getX509CertsFromString and friends): PEM
 * text when it starts with "-----BEGIN", else standard base64 (Go's decoder: padding required,
 * CR/LF ignored) of either PEM text or concatenated DER.
 */
import { fail } from '../../value.js';
import { goBase64, pemDecode } from '../private-keys.js';
import { parseCertificates, type Certificate } from './certificate.js';

const BEGIN = '-----BEGIN';

/** Go's base64.StdEncoding.DecodeString, with its error for input it refuses. */
export function decodeBase64(text: string): Buffer {
  const decoded = goBase64(Buffer.from(text, 'utf8'));
  if (decoded === undefined) fail(`illegal base64 data at input byte ${illegalAt(text)}`);
  return decoded;
}

/** The byte offset Go's decoder reports (a best effort: only the message's prefix is relied on). */
function illegalAt(text: string): number {
  const clean = text.replace(/[\r\n]/g, '');
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  return bad >= 0 ? bad : Math.max(0, clean.length - (clean.length % 4));
}

/** getX509CertsFromPem: every block must be CERTIFICATE; parsing stops at the first non-block. */
function certificatesFromPem(data: Buffer, builtin: string): Certificate[] {
  const ders: Buffer[] = [];
  for (let rest = data; rest.length > 0; ) {
    const found = pemDecode(rest);
    if (found === undefined) break;
    if (found.block.type !== 'CERTIFICATE') fail(`PEM block type is '${found.block.type}', expected CERTIFICATE`);
    ders.push(found.block.bytes);
    rest = found.rest;
  }
  return parseCertificates(Buffer.concat(ders), builtin);
}

/** getX509CertsFromString. */
export function certificatesFromString(input: string, builtin: string): Certificate[] {
  if (input.startsWith(BEGIN)) return certificatesFromPem(Buffer.from(input, 'utf8'), builtin);
  const bytes = decodeBase64(input);
  if (bytes.subarray(0, BEGIN.length).toString('latin1') === BEGIN) return certificatesFromPem(bytes, builtin);
  return parseCertificates(bytes, builtin);
}
