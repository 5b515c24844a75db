import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { cimdError } from './client-metadata-errors.js';

/**
 * Whether the gateway may connect to `address` to fetch a client's metadata. Only ordinary public
 * unicast: loopback, private (RFC 1918), carrier-grade NAT, link-local, unique-local, multicast,
 * reserved, documentation and the IPv6 forms that embed an IPv4 address (mapped, 6to4, Teredo,
 * NAT64) are refused, because a client_id URL is chosen by whoever starts a login and must not make
 * the gateway reach into its own network (SSRF). IPv4-mapped IPv6 is judged as the IPv4 it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  return ipaddr.isValid(bare) && ipaddr.process(bare).range() === 'loopback';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the socket that fetches the document: it resolves the name and refuses the
 * connection unless every address is allowed, and the socket then connects to exactly the
 * addresses checked here. There is no second resolution between check and connect, so a name
 * that answers a public address once and a private one the next time (DNS rebinding) gains nothing.
 */
export function checkedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: typeof options.family === 'number' ? options.family : 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.find((a) => !allowPrivate && !isPublicAddress(a.address));
      if (refused || addresses.length === 0) {
        return callback(Object.assign(cimdError('address_refused', `The client's metadata host ${hostname} resolves to an address the gateway does not fetch from.`), { errno: undefined, syscall: 'lookup' }) as unknown as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** An address literal in the URL never reaches `lookup`, so it is judged here. */
export function assertLiteralAllowed(hostname: string, allowPrivate: boolean): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0 || allowPrivate || isPublicAddress(bare)) return;
  throw cimdError('address_refused', `The client's metadata address ${bare} is not a public address.`);
}
