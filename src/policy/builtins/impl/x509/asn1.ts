/**
 * The ASN.1 readings Go's crypto/x509 parser makes with cryptobyte, over the shared DER reader:
 * OBJECT IDENTIFIERs, INTEGERs, BOOLEANs, BIT STRINGs, the string types of names and the two time
 * types, each as strict as cryptobyte is (a reading cryptobyte refuses is an error here too).
 */
import { fail, notExact } from '../../value.js';
import { readDer, type Der } from '../der.js';

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  UTF8String: 0x0c, SEQUENCE: 0x30, SET: 0x31, PrintableString: 0x13, T61String: 0x14,
  IA5String: 0x16, UTCTime: 0x17, GeneralizedTime: 0x18, NumericString: 0x12, BMPString: 0x1e,
} as const;

/**
 * A cursor over the elements of one constructed element's content, read as a cryptobyte.String is:
 * lazily, one element at a time, so bytes after the last element Go reads are never looked at
 * (Go ignores them); peeking looks at the next tag byte only.
 */
export class DerCursor {
  private pos = 0;

  constructor(private readonly content: Buffer, readonly builtin: string) {}

  empty(): boolean {
    return this.pos >= this.content.length;
  }

  peek(tag: number): boolean {
    return !this.empty() && this.content[this.pos] === tag;
  }

  /** The next element if it has `tag`; otherwise the error `message` (Go's message for that field). */
  read(tag: number, message: string): Der {
    if (!this.peek(tag)) fail(message);
    return this.take();
  }

  optional(tag: number): Der | undefined {
    return this.peek(tag) ? this.take() : undefined;
  }

  /** Every element not yet read. */
  all(): Der[] {
    const rest: Der[] = [];
    while (!this.empty()) rest.push(this.take());
    return rest;
  }

  next(message: string): Der {
    if (this.empty()) fail(message);
    return this.take();
  }

  private take(): Der {
    const el = readDer(this.content, this.pos, this.builtin);
    this.pos = el.end;
    return el;
  }
}

/**
 * The DER element at the start of `buf`, or Go's `message` for the structure being read where the
 * element is malformed: Go names the structure in its error, not the DER fault. An element this
 * reader cannot read exactly (NotExactError) still stops the built-in rather than fail.
 */
export function readDerOr(buf: Buffer, builtin: string, message: string): Der {
  try {
    return readDer(buf, 0, builtin);
  } catch (err) {
    if ((err as Error).name === 'NotExactError') throw err;
    fail(message);
  }
}

/** cryptobyte's readBase128Int: at most 5 bytes, minimal, below 2^31. */
function base128(bytes: Buffer, pos: number): [number, number] | undefined {
  let ret = 0;
  for (let i = 0; pos < bytes.length; i++) {
    if (i === 5 || ret >= 1 << 24) return undefined;
    const b = bytes[pos++]!;
    if (i === 0 && b === 0x80) return undefined;
    ret = ret * 128 + (b & 0x7f);
    if (!(b & 0x80)) return [ret, pos];
  }
  return undefined;
}

/** cryptobyte's ReadASN1ObjectIdentifier (asn1.ObjectIdentifier, a []int); undefined where it fails. */
export function parseOid(content: Buffer): number[] | undefined {
  if (content.length === 0) return undefined;
  const first = base128(content, 0);
  if (!first) return undefined;
  const out = first[0] < 80 ? [Math.floor(first[0] / 40), first[0] % 40] : [2, first[0] - 80];
  for (let pos = first[1]; pos < content.length; ) {
    const next = base128(content, pos);
    if (!next) return undefined;
    out.push(next[0]);
    pos = next[1];
  }
  return out;
}

export function readOid(el: Der, message: string): number[] {
  if (el.tag !== TAG.OID) fail(message);
  return parseOid(el.content) ?? fail(message);
}

export function oidEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** x509's newOIDFromDER: the DER of an x509.OID, which has no size limit on its arcs. */
export function validOidDer(der: Buffer): boolean {
  if (der.length === 0 || der[der.length - 1]! & 0x80) return false;
  let start = 0;
  for (let i = 0; i < der.length; i++) {
    if (i === start && der[i] === 0x80) return false;
    if (!(der[i]! & 0x80)) start = i + 1;
  }
  return true;
}

/** x509.OID.String(), as its MarshalText writes it: dotted decimal, arcs of any size. */
export function oidDerString(der: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const b of der) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs[0]!;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].map(String).join('.');
}

/** OID.toASN1OID: the []int form, or undefined when an arc passes its 31-bit limit. */
export function oidDerToInts(der: Buffer): number[] | undefined {
  const out: number[] = [];
  let val = 0;
  for (const v of der) {
    if (val > (1 << 24) - 1) return undefined;
    val = val * 128 + (v & 0x7f);
    if (!(v & 0x80)) {
      if (out.length === 0) out.push(...(val < 80 ? [Math.floor(val / 40), val % 40] : [2, val - 80]));
      else out.push(val);
      val = 0;
    }
  }
  return out;
}

/** cryptobyte's INTEGER checks: non-empty and minimal (two's complement). */
function checkInteger(content: Buffer, message: string): void {
  if (content.length === 0) fail(message);
  if (content.length > 1 && ((content[0] === 0 && !(content[1]! & 0x80)) || (content[0] === 0xff && content[1]! & 0x80))) fail(message);
}

export function readBigInteger(el: Der, message: string): bigint {
  if (el.tag !== TAG.INTEGER) fail(message);
  checkInteger(el.content, message);
  const magnitude = BigInt(`0x${el.content.toString('hex')}`);
  return el.content[0]! & 0x80 ? magnitude - (1n << BigInt(el.content.length * 8)) : magnitude;
}

/** An INTEGER read into a Go int (int64): out of range fails as cryptobyte does. */
export function readInt(el: Der, message: string, tag: number = TAG.INTEGER): number {
  if (el.tag !== tag) fail(message);
  checkInteger(el.content, message);
  const v = BigInt.asIntN(el.content.length * 8, BigInt(`0x${el.content.toString('hex')}`));
  if (el.content.length > 8) fail(message);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) notExact('crypto.x509', 'an integer field beyond 2^53');
  return Number(v);
}

export function readBoolean(el: Der, message: string): boolean {
  if (el.tag !== TAG.BOOLEAN || el.content.length !== 1 || (el.content[0] !== 0 && el.content[0] !== 0xff)) fail(message);
  return el.content[0] === 0xff;
}

export interface BitString {
  bytes: Buffer;
  bitLength: number;
}

/** cryptobyte's ReadASN1BitString: padding below 8, unused bits zero. */
export function readBitString(el: Der, message: string): BitString {
  const c = el.content;
  if (el.tag !== TAG.BIT_STRING || c.length === 0) fail(message);
  const padding = c[0]!;
  const bytes = c.subarray(1);
  if (padding > 7 || (bytes.length === 0 && padding !== 0) || (bytes.length > 0 && bytes[bytes.length - 1]! & ((1 << padding) - 1))) fail(message);
  return { bytes, bitLength: bytes.length * 8 - padding };
}

/** BitString.RightAlign for the whole-byte strings certificates carry; others are not answered. */
export function rightAligned(bits: BitString, builtin: string): Buffer {
  if (bits.bitLength % 8 !== 0) notExact(builtin, 'a signature or key BIT STRING that is not whole bytes');
  return bits.bytes;
}

const PRINTABLE = /^[a-zA-Z0-9'()+,\-./ :=?*&]*$/;

/** x509's parseASN1String for the six string tags; undefined for any other tag. */
export function parseAsn1String(tag: number, value: Buffer): string | undefined {
  switch (tag) {
    case TAG.T61String:
      return [...value].map((b) => String.fromCharCode(b)).join('');
    case TAG.PrintableString:
      if (!PRINTABLE.test(value.toString('latin1'))) fail('invalid PrintableString');
      return value.toString('latin1');
    case TAG.UTF8String:
      return utf8String(value);
    case TAG.BMPString:
      return bmpString(value);
    case TAG.IA5String:
      if (value.some((b) => b >= 0x80)) fail('invalid IA5String');
      return value.toString('latin1');
    case TAG.NumericString:
      if (!/^[0-9 ]*$/.test(value.toString('latin1'))) fail('invalid NumericString');
      return value.toString('latin1');
    default:
      return undefined;
  }
}

/** utf8.Valid then string(value): invalid UTF-8 (surrogates included) is an error. */
function utf8String(value: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(value);
  } catch {
    return fail('invalid UTF-8 string');
  }
}

function bmpString(raw: Buffer): string {
  if (raw.length % 2 !== 0) fail('invalid BMPString');
  let value = raw;
  if (value.length >= 2 && value[value.length - 1] === 0 && value[value.length - 2] === 0) value = value.subarray(0, value.length - 2);
  const units: number[] = [];
  for (let i = 0; i < value.length; i += 2) {
    const point = value[i]! * 256 + value[i + 1]!;
    if (point === 0xfffe || point === 0xffff || (point >= 0xfdd0 && point <= 0xfdef) || (point >= 0xd800 && point <= 0xdfff)) fail('invalid BMPString');
    units.push(point);
  }
  return String.fromCharCode(...units);
}

/** Go's isIA5String: every byte ASCII. */
export function isIA5(bytes: Buffer): boolean {
  return bytes.every((b) => b < 0x80);
}

/** A time as Go holds it for JSON: UTC, to the second (fractions and zone offsets are not answered). */
export interface GoTime {
  ms: number;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && !leap ? 28 : DAYS[mo - 1]!);
}

/** cryptobyte's ReadASN1UTCTime and ReadASN1GeneralizedTime, for the "Z" forms. */
export function readTime(el: Der, builtin: string): GoTime {
  const text = el.content.toString('latin1');
  if (el.tag === TAG.UTCTime) {
    const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text);
    if (!m) {
      if (/^\d{10}(\d\d)?[+-]\d{4}$/.test(text)) notExact(builtin, 'a UTCTime with a zone offset');
      fail('x509: malformed UTCTime');
    }
    const [yy, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? '0')) as [number, number, number, number, number, number];
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    if (!validDate(year, mo, d, h, mi, s)) fail('x509: malformed UTCTime');
    return { ms: Date.UTC(year, mo - 1, d, h, mi, s) };
  }
  if (el.tag === TAG.GeneralizedTime) {
    const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!m) {
      if (/^\d{14}(\.\d+)?([+-]\d{4}|Z)$/.test(text)) notExact(builtin, 'a GeneralizedTime with a fraction or a zone offset');
      fail('x509: malformed GeneralizedTime');
    }
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (!validDate(y, mo, d, h, mi, s)) fail('x509: malformed GeneralizedTime');
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, 0);
    return { ms: date.getTime() };
  }
  fail('x509: unsupported time format');
}

/** time.Time's MarshalJSON (RFC 3339, no fraction for whole seconds) of a UTC time. */
export function goTimeJson(t: GoTime): string {
  const d = new Date(t.ms);
  const year = d.getUTCFullYear();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}
