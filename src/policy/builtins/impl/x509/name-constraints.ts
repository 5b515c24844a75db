/**
 * Go's name-constraint check in Certificate.isValid (verify.go): each CA with a name constraints
 * extension checks every email, DNS, URI and IP SAN of the certificates below it in the chain,
 * excluded subtrees first, then permitted ones, counting comparisons against
 * MaxConstraintComparisions (250000 when 0). Where Go 1.25 patch releases differ (an excluded
 * constraint against a wildcard name) the evaluation stops.
 */
import { isIP } from 'node:net';
import { notExact } from '../../value.js';
import type { Certificate } from './certificate.js';
import { forEachSan, type IpNet } from './extensions.js';
import { domainNameValid, parseUri } from './go-text.js';
import { domainToReverseLabels, parseMailbox } from './mailbox.js';

class Rejected extends Error {}

const reject = (): never => {
  throw new Rejected();
};

const equalFold = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase() && a.length === b.length;

/** matchDomainConstraint; a wildcard name against an excluded constraint stops (patch releases differ). */
function matchDomain(domain: string, constraint: string, excluded: boolean, builtin: string): boolean {
  if (constraint.length === 0) return true;
  const domainLabels = domainToReverseLabels(domain) ?? reject();
  if (excluded && domain.startsWith('*')) notExact(builtin, 'a wildcard name checked against an excluded name constraint');
  const mustHaveSubdomains = constraint.startsWith('.');
  const constraintLabels = domainToReverseLabels(mustHaveSubdomains ? constraint.slice(1) : constraint) ?? reject();
  if (domainLabels.length < constraintLabels.length || (mustHaveSubdomains && domainLabels.length === constraintLabels.length)) return false;
  return constraintLabels.every((label, i) => equalFold(label, domainLabels[i]!));
}

function matchIp(ip: Buffer, net: IpNet): boolean {
  if (ip.length !== net.ip.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & net.mask[i]!) !== (net.ip[i]! & net.mask[i]!)) return false;
  return true;
}

function matchUriHost(rawHost: string, constraint: string, excluded: boolean, builtin: string): boolean {
  let host = rawHost;
  if (host.length === 0) reject();
  if (host.includes(':') && !host.endsWith(']')) {
    // net.SplitHostPort of "host:port" (the URI shapes answered have no brackets).
    const i = host.lastIndexOf(':');
    if (host.slice(0, i).includes(':')) reject();
    host = host.slice(0, i);
  }
  if ((host.startsWith('[') && host.endsWith(']')) || isIP(host) !== 0) reject();
  return matchDomain(host, constraint, excluded, builtin);
}

/** checkNameConstraints over one name: excluded first, then permitted (none permitted means any). */
function check<T, C>(counter: { count: number; max: number }, name: T, permitted: readonly C[], excluded: readonly C[], match: (name: T, c: C, excluded: boolean) => boolean): void {
  counter.count += excluded.length;
  if (counter.count > counter.max) reject();
  for (const c of excluded) if (match(name, c, true)) reject();
  counter.count += permitted.length;
  if (counter.count > counter.max) reject();
  if (permitted.length > 0 && !permitted.some((c) => match(name, c, false))) reject();
}

/** Whether the CA `ca` permits every SAN of the certificates in `chain` below it. */
export function nameConstraintsAllow(ca: Certificate, chain: Certificate[], maxComparisons: number, builtin: string): boolean {
  const f = ca.fields;
  const counter = { count: 0, max: maxComparisons === 0 ? 250000 : maxComparisons };
  try {
    for (const cert of chain) {
      if (cert.fields.san === null) continue;
      forEachSan(cert.fields.san, builtin, (tag, data) => {
        const name = data.toString('latin1');
        if (tag === 1) {
          const mailbox = parseMailbox(name) ?? reject();
          check(counter, mailbox, f.PermittedEmailAddresses ?? [], f.ExcludedEmailAddresses ?? [], (m, c, ex) => {
            // A constraint with an @ names one mailbox: same local part, domain equal ignoring case.
            if (c.includes('@')) {
              const wanted = parseMailbox(c) ?? reject();
              return m.local === wanted.local && equalFold(m.domain, wanted.domain);
            }
            return matchDomain(m.domain, c, ex, builtin);
          });
        } else if (tag === 2) {
          if (!domainNameValid(name, false)) reject();
          check(counter, name, f.PermittedDNSDomains ?? [], f.ExcludedDNSDomains ?? [], (n, c, ex) => matchDomain(n, c, ex, builtin));
        } else if (tag === 6) {
          const uri = parseUri(name, builtin);
          check(counter, uri.host, f.PermittedURIDomains ?? [], f.ExcludedURIDomains ?? [], (h, c, ex) => matchUriHost(h, c, ex, builtin));
        } else if (tag === 7) {
          if (data.length !== 4 && data.length !== 16) reject();
          check(counter, data, f.ipRanges.permitted, f.ipRanges.excluded, (ip, net) => matchIp(ip, net));
        }
      });
    }
  } catch (err) {
    if (err instanceof Rejected) return false;
    throw err;
  }
  return true;
}
