/**
 * The name readings Go's x509 uses for email and domain constraints (verify.go): RFC 2821 mailboxes
 * (parseRFC2821Mailbox) and domains as reversed labels (domainToReverseLabels).
 */

export interface Mailbox {
  local: string;
  domain: string;
}

/** domainToReverseLabels: labels last first; undefined for an absolute, empty-label or non-printable name. */
export function domainToReverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  let rest = domain;
  while (rest.length > 0) {
    const i = rest.lastIndexOf('.');
    if (i === -1) {
      labels.push(rest);
      rest = '';
    } else {
      labels.push(rest.slice(i + 1));
      rest = rest.slice(0, i);
    }
  }
  if (labels.length > 0 && labels[0]!.length === 0) return undefined;
  for (const label of labels) {
    if (label.length === 0) return undefined;
    for (const ch of label) if (ch.charCodeAt(0) < 33 || ch.charCodeAt(0) > 126 || ch.length > 1) return undefined;
  }
  return labels;
}

const ATEXT = /[0-9a-zA-Z!#$%&'*+\-/=?^_`{|}~.]/;

/** parseRFC2821Mailbox. */
export function parseMailbox(input: string): Mailbox | undefined {
  if (input.length === 0) return undefined;
  let s = input;
  let local = '';
  if (s[0] === '"') {
    s = s.slice(1);
    for (;;) {
      if (s.length === 0) return undefined;
      const c = s.charCodeAt(0);
      s = s.slice(1);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (s.length === 0) return undefined;
        const n = s.charCodeAt(0);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += s[0];
          s = s.slice(1);
        } else return undefined;
      } else if (c === 11 || c === 12 || c === 32 || c === 33 || c === 127 || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) || (c >= 35 && c <= 91) || (c >= 93 && c <= 126)) {
        local += String.fromCharCode(c);
      } else return undefined;
    }
  } else {
    while (s.length > 0) {
      let ch = s[0]!;
      if (ch === '\\') {
        s = s.slice(1);
        if (s.length === 0) return undefined;
        ch = s[0]!;
        local += ch;
        s = s.slice(1);
        continue;
      }
      if (!ATEXT.test(ch)) break;
      local += ch;
      s = s.slice(1);
    }
    if (local.length === 0 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  }
  if (s.length === 0 || s[0] !== '@') return undefined;
  const domain = s.slice(1);
  if (domainToReverseLabels(domain) === undefined) return undefined;
  return { local, domain };
}

