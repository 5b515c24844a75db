/**
 * uri.parse and uri.is_valid following Go's net/url.Parse: strict percent-escapes (ASCII escapes
 * are rejected in hosts), validated userinfo, ASCII-digit ports, and raw_path holding the original
 * escaping only when it differs from Go's default path escaping. Empty fields are omitted.
 */
import type { HostImplementation } from '../types.js';
import { asString, fail } from '../value.js';

function unescape(s: string, host: boolean): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') {
      bytes.push(...Buffer.from(s[i]!, 'utf8'));
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`invalid URL escape "%${hex}"`);
    const byte = parseInt(hex, 16);
    if (host && byte < 0x80 && hex.toLowerCase() !== '25') fail(`invalid URL escape "%${hex}"`);
    bytes.push(byte);
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's escape(s, encodePath). */
function escapePath(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const USERINFO = /^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/;

function parseUri(input: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = input;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    out.fragment = unescape(rest.slice(hash + 1), false);
    rest = rest.slice(0, hash);
  }
  if (/[\x00-\x1f\x7f]/.test(rest)) fail('net/url: invalid control character in URL');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (scheme) {
    out.scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  } else if (/^[^/?]*:/.test(rest)) fail('missing protocol scheme');
  const q = rest.indexOf('?');
  if (q >= 0) {
    out.raw_query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme && !rest.startsWith('/')) {
    out.opaque = rest;
    return prune(out);
  }
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    parseAuthority(authority, out);
  }
  const path = unescape(rest, false);
  out.path = path;
  out.raw_path = escapePath(path) === rest ? path : rest;
  return prune(out);
}

function parseAuthority(authority: string, out: Record<string, string>): void {
  const at = authority.lastIndexOf('@');
  let host = authority;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO.test(userinfo)) fail('net/url: invalid userinfo');
    const colon = userinfo.indexOf(':');
    out.username = unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), false);
    if (colon >= 0) out.password = unescape(userinfo.slice(colon + 1), false);
    host = authority.slice(at + 1);
  }
  let port = '';
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) fail('missing \']\' in host');
    const after = host.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(`invalid port "${after}" after host`);
    port = after.slice(1);
    host = host.slice(1, close);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      port = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  if (!/^[0-9]*$/.test(port)) fail(`invalid port ":${port}" after host`);
  out.hostname = unescape(host, true);
  out.port = port;
}

function prune(out: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== ''));
}

export const uriBuiltins: Readonly<Record<string, HostImplementation>> = {
  'uri.parse': (s: unknown) => parseUri(asString(s, 'operand 1')),
  'uri.is_valid': (s: unknown) => {
    const text = asString(s, 'operand 1');
    if (text === '') return false;
    try {
      parseUri(text);
      return true;
    } catch {
      return false;
    }
  },
};
