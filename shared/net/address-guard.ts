import net from 'node:net';

import { fail, ok, type Result } from '../common/result';

/**
 * Request-forgery guard for every outbound connection (on-demand TLS checks, notice fetches and their
 * redirects): which addresses we refuse to connect to, and why.
 * Works on bytes, not strings, so every spelling of an address (numeric, hex, octal, mapped, compatible,
 * NAT64, 6to4) lands on the same decision.
 */

interface Range4 {
  readonly base: number;
  readonly bits: number;
  readonly name: string;
}

function v4(text: string, bits: number, name: string): Range4 {
  const bytes = text.split('.').map(Number);
  return { base: ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0, bits, name };
}

// Order matters: the most specific range comes first so the reason names the real purpose.
const IPV4_RANGES: readonly Range4[] = [
  v4('169.254.169.254', 32, 'cloud-metadata'),
  v4('168.63.129.16', 32, 'azure-platform'),
  v4('255.255.255.255', 32, 'broadcast'),
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade-nat'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'ietf-protocol-assignments'),
  v4('192.0.2.0', 24, 'documentation'),
  v4('192.31.196.0', 24, 'as112'),
  v4('192.52.193.0', 24, 'amt'),
  v4('192.88.99.0', 24, '6to4-relay-anycast'),
  v4('192.168.0.0', 16, 'private'),
  v4('192.175.48.0', 24, 'as112'),
  v4('198.18.0.0', 15, 'benchmarking'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

/** Ranges a trusted caller may open up (`allowPrivate`): internal networks, never metadata or platform services. */
const RELAXABLE = new Set(['loopback', 'private', 'carrier-grade-nat', 'unique-local']);

/**
 * IPv4 in every spelling inet_aton accepts (`127.1`, `2130706433`, `0x7f.1`, `017700000001`), which is what
 * getaddrinfo and the WHATWG URL parser do too. Returns the 32-bit value or null.
 */
export function parseIPv4Loose(text: string): number | null {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = parseInt(part, 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return null;
    if (!Number.isFinite(value)) return null;
    values.push(value);
  }
  const last = values[values.length - 1];
  const leading = values.slice(0, -1);
  if (leading.some((v) => v > 255)) return null;
  if (last >= 256 ** (5 - values.length)) return null;
  let result = last;
  leading.forEach((v, i) => {
    result += v * 256 ** (3 - i);
  });
  return result >>> 0;
}

function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/** 16 bytes, or null. Accepts zone ids (`fe80::1%eth0`) and a dotted IPv4 tail. */
export function parseIPv6(text: string): Buffer | null {
  const address = text.replace(/%.*$/, '');
  if (net.isIPv6(address) === false) return null;
  let head = address;
  const tail: number[] = [];
  const dotted = address.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    if (!net.isIPv4(dotted[2])) return null;
    const v = parseIPv4Loose(dotted[2]);
    if (v === null) return null;
    head = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
    tail.push(v >>> 16, v & 0xffff);
  }
  const halves = head.split('::');
  const toGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = toGroups(halves[0]);
  const right = halves.length > 1 ? toGroups(halves[1]) : [];
  const missing = 8 - tail.length - left.length - right.length;
  const groups = halves.length > 1 ? [...left, ...Array(missing).fill(0), ...right, ...tail] : [...left, ...tail];
  if (groups.length !== 8) return null;
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

function classifyIPv4Value(value: number): string | null {
  for (const range of IPV4_RANGES) {
    const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === range.base) return range.name;
  }
  return null;
}

function prefixMatches(bytes: Buffer, prefix: readonly number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[byte] & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyIPv6Bytes(bytes: Buffer): string | null {
  const isZero = (from: number, to: number): boolean => bytes.subarray(from, to).every((b) => b === 0);
  const embedded = (offset: number): number => bytes.readUInt32BE(offset);
  const tagged = (form: string, inner: string | null): string | null => (inner === null ? null : `${form}:${inner}`);

  if (isZero(0, 16)) return 'unspecified';
  if (isZero(0, 15) && bytes[15] === 1) return 'loopback';
  if (isZero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff)
    return tagged('ipv4-mapped', classifyIPv4Value(embedded(12)));
  // ::ffff:0:a.b.c.d (SIIT translated) and ::a.b.c.d (deprecated IPv4-compatible) are never legitimate targets.
  if (isZero(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && isZero(10, 12)) {
    return tagged('ipv4-translated', classifyIPv4Value(embedded(12))) ?? 'ipv4-translated';
  }
  if (isZero(0, 12)) return tagged('ipv4-compatible', classifyIPv4Value(embedded(12))) ?? 'ipv4-compatible';
  if (prefixMatches(bytes, [0x00, 0x64, 0xff, 0x9b], 96 - 64) && isZero(4, 12)) {
    return tagged('nat64', classifyIPv4Value(embedded(12)));
  }
  if (prefixMatches(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48)) return 'nat64-local-use';
  if (prefixMatches(bytes, [0x01, 0x00], 64) && isZero(2, 8)) return 'discard-only';
  if (prefixMatches(bytes, [0x20, 0x01, 0x0d, 0xb8], 32)) return 'documentation';
  if (prefixMatches(bytes, [0x3f, 0xff], 20)) return 'documentation';
  if (prefixMatches(bytes, [0x20, 0x01, 0x00, 0x00], 32)) return 'teredo';
  if (prefixMatches(bytes, [0x20, 0x01, 0x00, 0x02, 0x00, 0x00], 48)) return 'benchmarking';
  if (prefixMatches(bytes, [0x20, 0x01, 0x00, 0x10], 28)) return 'orchid';
  if (prefixMatches(bytes, [0x20, 0x01, 0x00, 0x20], 28)) return 'orchid';
  if (prefixMatches(bytes, [0x20, 0x01], 23)) return 'ietf-protocol-assignments';
  if (prefixMatches(bytes, [0x20, 0x02], 16)) return tagged('6to4', classifyIPv4Value(embedded(2)));
  if (prefixMatches(bytes, [0xfc], 7)) return 'unique-local';
  if (prefixMatches(bytes, [0xfe, 0x80], 10)) return 'link-local';
  if (prefixMatches(bytes, [0xfe, 0xc0], 10)) return 'site-local';
  if (prefixMatches(bytes, [0xff], 8)) return 'multicast';
  if (prefixMatches(bytes, [0x5f, 0x00], 16)) return 'srv6-sid';
  // Only 2000::/3 is allocated global unicast; anything else is reserved by IANA.
  if (!prefixMatches(bytes, [0x20], 3)) return 'reserved';
  return null;
}

/**
 * Why an IP address must not be connected to (a range name such as `loopback`, `private`, `cloud-metadata`,
 * `ipv4-mapped:loopback`, `nat64:private`), or null for a public address. Input that is not an IP address
 * is refused as `not-an-ip-address`.
 */
export function classifyAddress(ip: string): string | null {
  const text = ip.trim().replace(/^\[(.*)\]$/, '$1');
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes === null ? 'not-an-ip-address' : classifyIPv6Bytes(bytes);
  }
  const value = parseIPv4Loose(text);
  return value === null ? 'not-an-ip-address' : classifyIPv4Value(value);
}

/** True when `reason` (from classifyAddress) may be opened up by a trusted caller's `allowPrivate`. */
export function isRelaxableReason(reason: string): boolean {
  const base = reason.includes(':') ? reason.slice(reason.lastIndexOf(':') + 1) : reason;
  return RELAXABLE.has(base) && !reason.startsWith('ipv4-compatible') && !reason.startsWith('ipv4-translated');
}

/**
 * The one address policy: why `address` must not be connected to, or null when it may. `allowPrivate`
 * (trusted configuration) opens up internal networks only, never metadata or platform addresses.
 */
export function addressRefusal(address: string, allowPrivate: boolean): string | null {
  const reason = classifyAddress(address);
  return reason !== null && !(allowPrivate && isRelaxableReason(reason)) ? reason : null;
}

/** The canonical address if `host` is an IP literal in any spelling (incl. `0x7f.1`), else null. */
export function normaliseIpLiteral(host: string): string | null {
  const text = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (text.includes(':')) return parseIPv6(text) === null ? null : text.toLowerCase();
  const value = parseIPv4Loose(text);
  return value === null ? null : formatIPv4(value);
}

export function validatePort(value: unknown): Result<number> {
  const n = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    return fail('PORT_INVALID', 'Port must be an integer from 1 to 65535.');
  }
  return ok(n);
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/** `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address; the port defaults to `defaultPort`. */
export function parseHostPort(text: string, defaultPort = 443): Result<{ host: string; port: number }> {
  const input = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = input.match(/^\[([^\]]+)\](?::([^:]*))?$/);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (parseIPv6(host) === null) return fail('HOST_INVALID', 'Bracketed host must be an IPv6 address.');
  } else if ((input.match(/:/g) ?? []).length > 1) {
    if (parseIPv6(input) === null) return fail('HOST_INVALID', 'Host is not a valid name or IP address.');
    host = input;
  } else {
    const colon = input.indexOf(':');
    host = colon === -1 ? input : input.slice(0, colon);
    portText = colon === -1 ? undefined : input.slice(colon + 1);
    if (!HOSTNAME.test(host) && parseIPv4Loose(host) === null) {
      return fail('HOST_INVALID', 'Host is not a valid name or IP address.');
    }
  }
  if (portText === undefined) return ok({ host, port: defaultPort });
  const port = validatePort(portText);
  return port.ok ? ok({ host, port: port.value }) : port;
}
