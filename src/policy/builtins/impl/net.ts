/**
 * net.cidr_* built-ins. ipaddr.js parses and prints addresses; containment and merging work on
 * addresses as bigints, like Go's net.IP / net.IPNet do on bytes.
 */
import { isRegoSet } from '../sets.js';
import ipaddr from 'ipaddr.js';
import type { HostImplementation } from '../types.js';
import { asArray, asString, fail, isObject, notExact, toSet, type JsonValue } from '../value.js';

interface Address {
  bits: 32 | 128;
  value: bigint;
}

interface Network {
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

/**
 * OPA expands a CIDR of any size (until the query is cancelled); a bigger one than this would hold
 * the process for seconds, so it stops the evaluation (fail closed) instead of answering
 * "undefined", which `not net.cidr_expand(...)` would read as true.
 */
export const EXPAND_LIMIT = 1 << 16;

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** Go net.ParseIP: dotted IPv4 without leading zeros, or IPv6 without a zone. */
function parseIp(s: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    if (s.split('.').some((part) => part.length > 1 && part.startsWith('0'))) return undefined;
    return { bits: 32, value: toBigInt(ipaddr.IPv4.parse(s).toByteArray()) };
  }
  if (s.includes(':') && !s.includes('%') && ipaddr.IPv6.isValid(s)) {
    return { bits: 128, value: toBigInt(ipaddr.IPv6.parse(s).toByteArray()) };
  }
  return undefined;
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Go net.ParseCIDR: the address is masked down to its network. */
function parseCidr(s: string): Network | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > ip.bits) return undefined;
  return { bits: ip.bits, network: ip.value & mask(ip.bits, prefix), prefix };
}

function requireCidr(s: unknown, what: string): Network {
  const text = asString(s, what);
  const net = parseCidr(text);
  if (!net) fail(`invalid CIDR address: ${text}`);
  return net;
}

function lastAddress(net: Network): bigint {
  return net.network | ((1n << BigInt(net.bits - net.prefix)) - 1n);
}

function formatAddress(bits: 32 | 128, value: bigint): string {
  const bytes: number[] = [];
  for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function netContainsAddress(net: Network, addr: Address): boolean {
  return net.bits === addr.bits && (addr.value & mask(net.bits, net.prefix)) === net.network;
}

function cidrContains(cidr: unknown, other: unknown): boolean {
  const net = requireCidr(cidr, 'operand 1');
  const text = asString(other, 'operand 2');
  const ip = parseIp(text);
  if (ip) return netContainsAddress(net, ip);
  const inner = parseCidr(text);
  if (!inner) fail(`invalid CIDR address: ${text}`);
  return inner.bits === net.bits && inner.prefix >= net.prefix && (inner.network & mask(net.bits, net.prefix)) === net.network;
}

function cidrIntersects(a: unknown, b: unknown): boolean {
  const x = requireCidr(a, 'operand 1');
  const y = requireCidr(b, 'operand 2');
  if (x.bits !== y.bits) return false;
  const shorter = Math.min(x.prefix, y.prefix);
  const m = mask(x.bits, shorter);
  return (x.network & m) === (y.network & m);
}

function cidrExpand(cidr: unknown): JsonValue[] {
  const net = requireCidr(cidr, 'operand 1');
  const last = lastAddress(net);
  if (last - net.network >= BigInt(EXPAND_LIMIT)) notExact('net.cidr_expand', `a CIDR of more than ${EXPAND_LIMIT} addresses`);
  const out: string[] = [];
  for (let v = net.network; v <= last; v++) out.push(formatAddress(net.bits, v));
  return toSet(out);
}

/** The fewest aligned CIDR blocks covering [start, end]. */
function rangeToCidrs(bits: 32 | 128, start: bigint, end: bigint): string[] {
  const out: string[] = [];
  let cur = start;
  while (cur <= end) {
    let size = 0;
    while (size < bits) {
      const block = 1n << BigInt(size + 1);
      if (cur % block !== 0n || cur + block - 1n > end) break;
      size++;
    }
    out.push(`${formatAddress(bits, cur)}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

/** Go's net.IP.DefaultMask: the classful prefix of an IPv4 address (A /8, B /16, C /24). */
function defaultMaskPrefix(value: bigint): number {
  const first = Number(value >> 24n);
  if (first < 0x80) return 8;
  if (first < 0xc0) return 16;
  if (first < 0xe0) return 24;
  return fail('IP address has no default mask');
}

function cidrMerge(addresses: unknown): JsonValue[] {
  const ranges: { bits: 32 | 128; start: bigint; end: bigint }[] = [];
  for (const item of asArray(addresses, 'operand 1')) {
    const text = asString(item, 'operand 1 element');
    const net = text.includes('/') ? parseCidr(text) : undefined;
    if (net) {
      ranges.push({ bits: net.bits, start: net.network, end: lastAddress(net) });
      continue;
    }
    const ip = parseIp(text);
    if (!ip) fail(`invalid IP address or CIDR: ${text}`);
    if (ip.bits === 128) fail('IPv6 invalid: needs prefix length');
    const classful = defaultMaskPrefix(ip.value);
    const network = ip.value & mask(32, classful);
    ranges.push({ bits: 32, start: network, end: lastAddress({ bits: 32, network, prefix: classful }) });
  }
  const out: string[] = [];
  for (const bits of [32, 128] as const) {
    const family = ranges.filter((r) => r.bits === bits).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let current: { start: bigint; end: bigint } | undefined;
    for (const r of family) {
      if (current && r.start <= current.end + 1n) {
        if (r.end > current.end) current.end = r.end;
        continue;
      }
      if (current) out.push(...rangeToCidrs(bits, current.start, current.end));
      current = { start: r.start, end: r.end };
    }
    if (current) out.push(...rangeToCidrs(bits, current.start, current.end));
  }
  return toSet(out);
}

/** Keyed CIDR strings of a collection: a string is its own key, arrays use indexes, objects keys. */
function keyedEntries(value: unknown, operand: number): [JsonValue, string][] {
  const elementCidr = (element: JsonValue): string => {
    if (typeof element === 'string') return element;
    if (Array.isArray(element) && element.length > 0 && typeof element[0] === 'string') return element[0];
    return fail(`operand ${operand}: element must be string or non-empty array`);
  };
  if (typeof value === 'string') return [[value, value]];
  // A set's members are their own keys; an array's are its indices.
  if (isRegoSet(value)) return (value as JsonValue[]).map((element) => [element, elementCidr(element)]);
  if (Array.isArray(value)) return value.map((element, i) => [i, elementCidr(element as JsonValue)]);
  if (isObject(value)) return Object.entries(value).map(([k, element]) => [k, elementCidr(element)]);
  return fail(`operand ${operand} must be string, array, set or object`);
}

function cidrContainsMatches(a: unknown, b: unknown): JsonValue[] {
  const cidrs = keyedEntries(a, 1);
  const candidates = keyedEntries(b, 2);
  const matches: JsonValue[] = [];
  for (const [ka, cidr] of cidrs) {
    for (const [kb, candidate] of candidates) {
      if (cidrContains(cidr, candidate)) matches.push([ka, kb]);
    }
  }
  return toSet(matches);
}

export const netBuiltins: Readonly<Record<string, HostImplementation>> = {
  'net.cidr_contains': cidrContains,
  'net.cidr_intersects': cidrIntersects,
  'net.cidr_overlap': cidrContains,
  'net.cidr_is_valid': (s: unknown) => parseCidr(asString(s, 'operand 1')) !== undefined,
  'net.cidr_expand': cidrExpand,
  'net.cidr_merge': cidrMerge,
  'net.cidr_contains_matches': cidrContainsMatches,
};
