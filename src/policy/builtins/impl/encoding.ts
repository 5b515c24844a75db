/** base64, base64url, hex and urlquery built-ins with Go's strict decoders. */
import type { HostImplementation } from '../types.js';
import { asArray, asObject, asString, compareStrings, fail } from '../value.js';

const STD_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_ALPHABET = /^[A-Za-z0-9_-]*={0,2}$/;

/** Go's base64 decoders ignore CR and LF but reject any other stray character or bad padding. */
function strictDecode(input: string, alphabet: RegExp, encoding: 'base64' | 'base64url', padded: boolean): Buffer {
  const s = input.replace(/[\r\n]/g, '');
  if (!alphabet.test(s)) fail('illegal base64 data');
  const data = s.replace(/=+$/, '');
  const padding = s.length - data.length;
  if (data.length % 4 === 1) fail('illegal base64 data');
  if (padded && s.length % 4 !== 0) fail('illegal base64 data');
  if (padding > 0 && (data.length + padding) % 4 !== 0) fail('illegal base64 data');
  const bytes = Buffer.from(data, encoding);
  // Go rejects non-zero trailing bits (non-canonical encodings) only in strict mode; it accepts them here.
  return bytes;
}

export function base64Decode(value: unknown): Buffer {
  return strictDecode(asString(value, 'operand 1'), STD_ALPHABET, 'base64', true);
}

/** OPA's base64url.decode: pads unpadded input (RFC 7515 appendix C), then decodes strictly. */
export function base64UrlDecode(value: unknown): Buffer {
  let s = asString(value, 'operand 1');
  if (!s.endsWith('=')) {
    const rest = s.length % 4;
    if (rest === 1) fail(`illegal base64url string: ${s}`);
    if (rest === 2) s += '==';
    if (rest === 3) s += '=';
  }
  return strictDecode(s, URL_ALPHABET, 'base64url', true);
}

export function base64UrlEncodeNoPad(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64url');
}

function base64UrlEncodePadded(value: unknown): string {
  const raw = Buffer.from(asString(value, 'operand 1'), 'utf8').toString('base64url');
  return raw + '='.repeat((4 - (raw.length % 4)) % 4);
}

function hexDecode(value: unknown): string {
  const s = asString(value, 'operand 1');
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) fail('invalid hex string');
  return Buffer.from(s, 'hex').toString('utf8');
}

/** Go url.QueryEscape: unreserved characters stay, space becomes '+', the rest is %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go url.QueryUnescape: '+' is a space, every % must start a valid escape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`invalid URL escape "%${hex}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function encodeObject(value: unknown): string {
  const obj = asObject(value, 'operand 1');
  const pairs: string[] = [];
  for (const key of Object.keys(obj).sort(compareStrings)) {
    const v = obj[key];
    const values = typeof v === 'string' ? [v] : asArray(v, 'operand 1 value').map((x) => asString(x, 'operand 1 value'));
    for (const item of values) pairs.push(`${queryEscape(key)}=${queryEscape(item)}`);
  }
  return pairs.join('&');
}

/** Go url.ParseQuery: '&'-separated pairs; a ';' is an error since Go 1.17. */
function decodeObject(value: unknown): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const part of asString(value, 'operand 1').split('&')) {
    if (part === '') continue;
    if (part.includes(';')) fail('invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const val = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
    (result[key] ??= []).push(val);
  }
  return result;
}

export const encodingBuiltins: Readonly<Record<string, HostImplementation>> = {
  'base64.encode': (s: unknown) => Buffer.from(asString(s, 'operand 1'), 'utf8').toString('base64'),
  'base64.decode': (s: unknown) => base64Decode(s).toString('utf8'),
  'base64.is_valid': (s: unknown) => {
    asString(s, 'operand 1');
    try {
      base64Decode(s);
      return true;
    } catch {
      return false;
    }
  },
  'base64url.encode': base64UrlEncodePadded,
  'base64url.encode_no_pad': (s: unknown) => base64UrlEncodeNoPad(asString(s, 'operand 1')),
  'base64url.decode': (s: unknown) => base64UrlDecode(s).toString('utf8'),
  'hex.encode': (s: unknown) => Buffer.from(asString(s, 'operand 1'), 'utf8').toString('hex'),
  'hex.decode': hexDecode,
  'urlquery.encode': (s: unknown) => queryEscape(asString(s, 'operand 1')),
  'urlquery.decode': (s: unknown) => queryUnescape(asString(s, 'operand 1')),
  'urlquery.encode_object': encodeObject,
  'urlquery.decode_object': decodeObject,
};
