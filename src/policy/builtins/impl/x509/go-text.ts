/**
 * Text forms Go's encoding/json gives the x509 field types that marshal through methods: net.IP
 * (its String), and the url.URL struct of a parsed URI SAN with its String() that OPA adds as
 * URIStrings. URIs are answered only in the plain shapes where Go's url.Parse keeps every part as
 * written (no escapes, no user info); other URIs stop the evaluation rather than guess Go's parse.
 */
import { fail, notExact, type JsonObject } from '../../value.js';

/** net.IP.String for 4- and 16-byte addresses (the parser refuses every other length). */
export function ipString(ip: Buffer): string {
  if (ip.length === 4) return [...ip].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(ip[i]! * 256 + ip[i + 1]!);
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Go's IPMask / IP net.IPNet JSON: the IP as text, the mask ([]byte) as base64. */
export function ipNetJson(ip: Buffer, mask: Buffer): JsonObject {
  return { IP: ipString(ip), Mask: mask.toString('base64') };
}

export interface GoUrl {
  json: JsonObject;
  text: string;
  host: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;
// Characters Go's url escaping leaves as they are in a path and in a fragment, so Path equals the
// written path, RawPath stays "" and String() writes the URI back unchanged.
const PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/;
const FRAGMENT = /^[A-Za-z0-9\-_.~$&+,/:;=@?]*$/;
const QUERY = /^[A-Za-z0-9\-_.~$&+,/:;=@!'()*%]*$/;
const HOST = /^[A-Za-z0-9\-_.~]+(:[0-9]*)?$/;

function urlJson(parts: { scheme: string; opaque: string; host: string; path: string; query: string; forceQuery: boolean; fragment: string }): JsonObject {
  return {
    Scheme: parts.scheme, Opaque: parts.opaque, User: null, Host: parts.host, Path: parts.path, RawPath: '',
    OmitHost: false, ForceQuery: parts.forceQuery, RawQuery: parts.query, Fragment: parts.fragment, RawFragment: '',
  };
}

/** url.Parse of a URI SAN, in the shapes answered exactly; the x509 host check included. */
export function parseUri(raw: string, builtin: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) fail(`x509: cannot parse URI ${JSON.stringify(raw)}: net/url: invalid control character in URL`);
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  const colon = beforeFragment.indexOf(':');
  const unsupported = (): never => notExact(builtin, 'a URI SAN in a shape whose Go url.Parse form is not reproduced');
  if (colon <= 0 || !SCHEME.test(beforeFragment.slice(0, colon))) unsupported();
  if (!FRAGMENT.test(fragment)) unsupported();
  const scheme = beforeFragment.slice(0, colon).toLowerCase();
  let rest = beforeFragment.slice(colon + 1);
  let query = '';
  let forceQuery = false;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
    if (query.includes('?') || !QUERY.test(query)) unsupported();
    forceQuery = query === '';
  }
  const tail = `${q >= 0 ? `?${query}` : ''}${hash >= 0 ? `#${fragment}` : ''}`;
  if (!rest.startsWith('/')) {
    if (rest === '' || !PATH.test(rest) || rest.includes('/')) unsupported();
    return { json: urlJson({ scheme, opaque: rest, host: '', path: '', query, forceQuery, fragment }), text: `${scheme}:${rest}${tail}`, host: '' };
  }
  if (!rest.startsWith('//') || rest.startsWith('///')) unsupported();
  const slash = rest.indexOf('/', 2);
  const host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!HOST.test(host) || !PATH.test(path)) unsupported();
  if (!domainNameValid(host, false)) fail(`x509: cannot parse URI ${JSON.stringify(raw)}: invalid domain`);
  return { json: urlJson({ scheme, opaque: '', host, path, query, forceQuery, fragment }), text: `${scheme}://${host}${path}${tail}`, host };
}

/** x509's domainNameValid (Go 1.25 as patched: printable ASCII, no empty label, no trailing dot). */
export function domainNameValid(s: string, constraint: boolean): boolean {
  if (s.length === 0) return true;
  if (s.endsWith('.')) return false;
  const name = constraint && s.startsWith('.') ? s.slice(1) : s;
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (c < 33 || c > 126 || ch.length > 1) return false;
  }
  return name.split('.').every((label) => label.length > 0);
}
