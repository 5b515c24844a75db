/**
 * Go's Certificate.Verify as OPA's verifyX509CertificateChain calls it (verify.go, Go 1.25): the
 * first certificate is the only root, the middle ones the intermediates pool, the last the leaf.
 * Chains are built depth-first in Go's candidate order (roots before intermediates, then by key-id
 * match), with Go's checks on each candidate (signature with CheckSignatureFrom's rules, validity
 * at the current time, CA and path-length constraints, unhandled critical extensions), the
 * 100-signature-check budget, name constraints (x509/name-constraints.ts), then Go's policy
 * (x509/policies.ts) and extended-key-usage filters.
 */
import { isIP } from 'node:net';
import type { Certificate } from './certificate.js';
import { nameConstraintsAllow } from './name-constraints.js';
import { policiesValid } from './policies.js';
import { signatureValid } from './signature.js';

export interface VerifyOptions {
  dnsName: string;
  /** Nanoseconds since the Unix epoch; undefined means now. */
  currentTime?: bigint;
  keyUsages: number[];
  /** MaxConstraintComparisions; 0 (or absent) means Go's default, 250000. */
  maxConstraintComparisons?: number;
}

const EKU_ANY = 0;
const EKU_SERVER_AUTH = 1;
const KEY_USAGE_CERT_SIGN = 1 << 5;
const MAX_SIGNATURE_CHECKS = 100;

type CertType = 'leaf' | 'intermediate' | 'root';

const nanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/** CertPool.AddCert: a certificate already in the pool (same DER) is not added twice. */
function pool(certs: Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  for (const c of certs) if (!out.some((o) => o.raw.equals(c.raw))) out.push(c);
  return out;
}

const bytesEqual = (a: Buffer | null, b: Buffer | null): boolean => (a ?? Buffer.alloc(0)).equals(b ?? Buffer.alloc(0));
const empty = (b: Buffer | null): boolean => b === null || b.length === 0;

/** findPotentialParents: same subject as the issuer, ordered AKID/SKID match, one missing, mismatch. */
function potentialParents(poolCerts: Certificate[], cert: Certificate): Certificate[] {
  const matching: Certificate[] = [];
  const one: Certificate[] = [];
  const mismatch: Certificate[] = [];
  for (const candidate of poolCerts) {
    if (!candidate.rawSubject.equals(cert.rawIssuer)) continue;
    const skid = candidate.fields.SubjectKeyId;
    const akid = cert.fields.AuthorityKeyId;
    if (bytesEqual(skid, akid)) matching.push(candidate);
    else if ((empty(skid) && !empty(akid)) || (!empty(skid) && empty(akid))) one.push(candidate);
    else mismatch.push(candidate);
  }
  return [...matching, ...one, ...mismatch];
}

/** alreadyInChain: same subject, same SPKI, and the same SAN extension (or both without one). */
function alreadyInChain(candidate: Certificate, chain: Certificate[]): boolean {
  return chain.some(
    (c) => c.rawSubject.equals(candidate.rawSubject) && c.rawSpki.equals(candidate.rawSpki) &&
      (candidate.fields.san === null && c.fields.san === null ||
        (candidate.fields.san !== null && c.fields.san !== null && candidate.fields.san.equals(c.fields.san))),
  );
}

class ChainBuilder {
  private sigChecks = 0;

  constructor(
    private readonly roots: Certificate[],
    private readonly intermediates: Certificate[],
    private readonly now: bigint,
    private readonly maxComparisons: number,
    private readonly builtin: string,
  ) {}

  /** isValid: whether `c` may be appended to `chain` as a certificate of `type`. */
  isValid(c: Certificate, type: CertType, chain: Certificate[]): boolean {
    if (c.fields.UnhandledCriticalExtensions !== null) return false;
    if (chain.length > 0 && !chain[chain.length - 1]!.rawIssuer.equals(c.rawSubject)) return false;
    if (this.now < nanos(c.notBefore.ms) || this.now > nanos(c.notAfter.ms)) return false;
    if (type !== 'leaf' && c.fields.nameConstraints && !nameConstraintsAllow(c, chain, this.maxComparisons, this.builtin)) return false;
    if (type === 'intermediate' && (!c.fields.BasicConstraintsValid || !c.fields.IsCA)) return false;
    if (c.fields.BasicConstraintsValid && c.fields.MaxPathLen >= 0 && chain.length - 1 > c.fields.MaxPathLen) return false;
    return true;
  }

  /** CheckSignatureFrom(parent). */
  private signedBy(child: Certificate, parent: Certificate): boolean {
    const f = parent.fields;
    if ((parent.version === 3 && !f.BasicConstraintsValid) || (f.BasicConstraintsValid && !f.IsCA)) return false;
    if (f.KeyUsage !== 0 && (f.KeyUsage & KEY_USAGE_CERT_SIGN) === 0) return false;
    return signatureValid(child.signatureAlgorithm, child.rawTbs, child.signature, parent.publicKey, this.builtin);
  }

  /** buildChains, depth-first, in Go's order; chains run leaf first. */
  build(chain: Certificate[]): Certificate[][] {
    const c = chain[chain.length - 1]!;
    const chains: Certificate[][] = [];
    const consider = (type: CertType, candidate: Certificate): void => {
      if (candidate.publicKey.json === null || alreadyInChain(candidate, chain)) return;
      this.sigChecks++;
      if (this.sigChecks > MAX_SIGNATURE_CHECKS) return;
      if (!this.signedBy(c, candidate)) return;
      if (!this.isValid(candidate, type, chain)) return;
      if (type === 'root') chains.push([...chain, candidate]);
      else chains.push(...this.build([...chain, candidate]));
    };
    for (const root of potentialParents(this.roots, c)) consider('root', root);
    for (const intermediate of potentialParents(this.intermediates, c)) consider('intermediate', intermediate);
    return chains;
  }
}

/** checkChainForKeyUsage. */
function keyUsageAllowed(chain: Certificate[], keyUsages: number[]): boolean {
  const usages = [...keyUsages];
  let remaining = usages.length;
  for (let i = chain.length - 1; i >= 0; i--) {
    const f = chain[i]!.fields;
    if (f.ExtKeyUsage === null && f.UnknownExtKeyUsage === null) continue;
    if ((f.ExtKeyUsage ?? []).includes(EKU_ANY)) continue;
    for (let j = 0; j < usages.length; j++) {
      if (usages[j] === -1) continue;
      if ((f.ExtKeyUsage ?? []).includes(usages[j]!)) continue;
      usages[j] = -1;
      remaining--;
      if (remaining === 0) return false;
    }
  }
  return true;
}

/** The first chain Go's Verify returns for OPA's arrangement, or undefined when it returns an error. */
export function verifyChain(certs: Certificate[], opts: VerifyOptions, builtin: string): Certificate[] | undefined {
  if (certs.length < 2) return undefined;
  const roots = pool([certs[0]!]);
  const intermediates = pool(certs.slice(1, -1));
  const leaf = certs[certs.length - 1]!;
  const now = opts.currentTime ?? nanos(Date.now());
  const builder = new ChainBuilder(roots, intermediates, now, opts.maxConstraintComparisons ?? 0, builtin);
  if (!builder.isValid(leaf, 'leaf', [])) return undefined;
  if (opts.dnsName.length > 0 && !verifyHostname(leaf, opts.dnsName)) return undefined;
  const candidates = roots.some((r) => r.raw.equals(leaf.raw)) ? [[leaf]] : builder.build([leaf]);
  let chains = candidates.filter((chain) => policiesValid(chain));
  if (chains.length === 0) return undefined;
  if (!opts.keyUsages.includes(EKU_ANY)) {
    const usages = opts.keyUsages.length === 0 ? [EKU_SERVER_AUTH] : opts.keyUsages;
    chains = chains.filter((chain) => keyUsageAllowed(chain, usages));
  }
  return chains[0];
}

const lower = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

/** validHostname (RFC 6125 with Go's leniency for '_' and, in patterns, a left-most '*'). */
function validHostname(input: string, isPattern: boolean): boolean {
  const host = isPattern ? input : input.replace(/\.$/, '');
  if (host.length === 0 || host === '*') return false;
  return host.split('.').every((part, i) => {
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') return true;
    return [...part].every((ch, j) => /[a-zA-Z0-9_]/.test(ch) || (ch === '-' && j !== 0));
  });
}

function matchHostnames(pattern: string, host: string): boolean {
  const p = lower(pattern);
  const h = lower(host.replace(/\.$/, ''));
  if (p.length === 0 || h.length === 0) return false;
  const pp = p.split('.');
  const hp = h.split('.');
  if (pp.length !== hp.length) return false;
  return pp.every((part, i) => (i === 0 && part === '*') || part === hp[i]);
}

/** net.ParseIP as 16 bytes (IPv4 in its IPv4-mapped form, so net.IP.Equal is byte equality). */
function parseIp(s: string): Buffer | undefined {
  if (s.includes('%')) return undefined; // net.ParseIP refuses zones
  const kind = isIP(s);
  if (kind === 4) return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...s.split('.').map(Number)]);
  if (kind !== 6) return undefined;
  let text = s;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const octets = v4[1]!.split('.').map(Number);
    tail.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const left = head === '' ? [] : head.split(':').map((g) => parseInt(g, 16));
  const right = rest === undefined || rest === '' ? [] : rest.split(':').map((g) => parseInt(g, 16));
  const groups = rest === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function ipBytes16(ip: Buffer): Buffer {
  return ip.length === 16 ? ip : Buffer.concat([Buffer.from('00000000000000000000ffff', 'hex'), ip]);
}

/** VerifyHostname: IP literals (brackets allowed) against IP SANs, other names against DNS SANs. */
function verifyHostname(cert: Certificate, h: string): boolean {
  const candidateIp = h.length >= 3 && h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  const ip = parseIp(candidateIp);
  if (ip !== undefined) return (cert.fields.IPAddresses ?? []).some((san) => ipBytes16(san).equals(ip));
  const name = lower(h);
  const validName = validHostname(name, false);
  for (const match of cert.fields.DNSNames ?? []) {
    if (validName && validHostname(match, true)) {
      if (matchHostnames(match, name)) return true;
    } else if (match !== '' && match !== '.' && name !== '' && name !== '.' && lower(match) === name) return true;
  }
  return false;
}
