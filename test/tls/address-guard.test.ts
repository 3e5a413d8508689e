import net from 'node:net';

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

import { parseIPv4Loose } from '../../shared/net/address-guard';
import {
  checkEndpoint,
  classifyAddress,
  type LookupFunction,
  parseHostPort,
  resolveTarget,
  validatePort,
} from '../../shared/tls';
import { unusedPort } from '../support/tls-servers';

const FORBIDDEN: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['127.1', 'loopback'],
  ['2130706433', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['017700000001', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'cloud-metadata'],
  ['169.254.1.1', 'link-local'],
  ['168.63.129.16', 'azure-platform'],
  ['100.64.0.1', 'carrier-grade-nat'],
  ['100.127.255.255', 'carrier-grade-nat'],
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.0.8', 'ietf-protocol-assignments'],
  ['192.0.2.1', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['192.88.99.1', '6to4-relay-anycast'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['::ffff:127.0.0.1', 'ipv4-mapped:loopback'],
  ['::ffff:7f00:1', 'ipv4-mapped:loopback'],
  ['::FFFF:7F00:0001', 'ipv4-mapped:loopback'],
  ['::ffff:10.0.0.1', 'ipv4-mapped:private'],
  ['::ffff:169.254.169.254', 'ipv4-mapped:cloud-metadata'],
  ['::ffff:a9fe:a9fe', 'ipv4-mapped:cloud-metadata'],
  ['::ffff:168.63.129.16', 'ipv4-mapped:azure-platform'],
  ['::ffff:0:7f00:1', 'ipv4-translated:loopback'],
  ['::127.0.0.1', 'ipv4-compatible:loopback'],
  ['::8.8.8.8', 'ipv4-compatible'],
  ['64:ff9b::7f00:1', 'nat64:loopback'],
  ['64:ff9b::127.0.0.1', 'nat64:loopback'],
  ['64:ff9b::a9fe:a9fe', 'nat64:cloud-metadata'],
  ['64:ff9b::c0a8:101', 'nat64:private'],
  ['64:ff9b:1::1', 'nat64-local-use'],
  ['2002:7f00:1::', '6to4:loopback'],
  ['2002:c0a8:101::1', '6to4:private'],
  ['2002:a9fe:a9fe::1', '6to4:cloud-metadata'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['fc00::1', 'unique-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001::1', 'teredo'],
  ['2001:2::1', 'benchmarking'],
  ['100::1', 'discard-only'],
  ['4000::1', 'reserved'],
  ['example.com', 'not-an-ip-address'],
  ['256.1.1.1', 'not-an-ip-address'],
  ['1.2.3.4.5', 'not-an-ip-address'],
  ['', 'not-an-ip-address'],
];

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '20.112.52.29',
  '172.32.0.1',
  '172.15.255.255',
  '100.128.0.1',
  '100.63.255.255',
  '192.169.0.1',
  '169.253.0.1',
  '198.20.0.1',
  '168.63.129.17',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('classifyAddress', () => {
  it.each(FORBIDDEN)('%s is refused as %s', (ip, reason) => {
    expect(classifyAddress(ip)).toBe(reason);
  });

  it.each(PUBLIC)('%s is allowed', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });

  it('parses numeric IPv4 spellings exactly as the WHATWG URL parser does', () => {
    const spell = (value: number, form: number): string => {
      const b = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
      switch (form) {
        case 0:
          return String(value);
        case 1:
          return `0x${value.toString(16)}`;
        case 2:
          return `0${value.toString(8)}`;
        case 3:
          return `${b[0]}.${(value & 0xffffff).toString()}`;
        default:
          return `0x${b[0].toString(16)}.0${b[1].toString(8)}.${(value & 0xffff).toString()}`;
      }
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: 4 }), (value, form) => {
        const text = spell(value, form);
        const viaUrl = new URL(`http://${text}/`).hostname;
        const parsed = parseIPv4Loose(text);
        expect(parsed).not.toBeNull();
        expect([parsed! >>> 24, (parsed! >>> 16) & 255, (parsed! >>> 8) & 255, parsed! & 255].join('.')).toBe(viaUrl);
      }),
    );
  });
});

describe('parseHostPort / validatePort', () => {
  it.each([
    ['example.com', 'example.com', 443],
    ['example.com:8443', 'example.com', 8443],
    ['[::1]:8443', '::1', 8443],
    ['[2001:db8::1]', '2001:db8::1', 443],
    ['2001:db8::1', '2001:db8::1', 443],
    ['10.0.0.1:1', '10.0.0.1', 1],
    ['host:65535', 'host', 65535],
  ])('%s', (text, host, port) => {
    expect(parseHostPort(text)).toEqual({ ok: true, value: { host, port } });
  });

  it.each([
    'example.com:0',
    'example.com:65536',
    'example.com:-1',
    'example.com:1.5',
    'example.com:',
    'example.com:abc',
    '[::1]:99999',
  ])('refuses port in %s', (text) => {
    expect(parseHostPort(text)).toMatchObject({ ok: false, problem: { code: 'PORT_INVALID' } });
  });

  it.each(['', 'bad host', '[example.com]:443', 'exa_mple..com', 'a/b:443', '[::1', ':::1:2:3:4:5:6:7:8'])(
    'refuses host in %j',
    (text) => {
      expect(parseHostPort(text)).toMatchObject({ ok: false, problem: { code: 'HOST_INVALID' } });
    },
  );

  it('validatePort accepts integers 1..65535 only', () => {
    expect(validatePort(443)).toEqual({ ok: true, value: 443 });
    expect(validatePort('8443')).toEqual({ ok: true, value: 8443 });
    for (const bad of [0, 65536, 1.5, NaN, '443x', null, undefined, -1]) expect(validatePort(bad).ok).toBe(false);
  });
});

describe('resolveTarget', () => {
  const table: Record<string, string[]> = {
    'public.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example': ['93.184.216.34', '127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'internal.example': ['10.0.0.5'],
  };
  const lookup: LookupFunction = vi.fn(async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: net.isIP(address) }));
  });

  it('returns the first address, or all of them', async () => {
    expect(await resolveTarget('public.example', { lookup })).toEqual({ ok: true, value: ['93.184.216.34'] });
    expect(await resolveTarget('public.example', { lookup, allAddresses: true })).toEqual({
      ok: true,
      value: ['93.184.216.34', '2606:2800:220:1::1'],
    });
  });

  it('validates every address after resolution, even ones it would not use', async () => {
    expect(await resolveTarget('rebind.example', { lookup })).toMatchObject({
      ok: false,
      problem: { code: 'ADDRESS_FORBIDDEN' },
    });
  });

  it.each(['2130706433', '0x7f.1', '017700000001', '127.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1', '0'])(
    'numeric host %s is caught without a lookup',
    async (host) => {
      const spy = vi.fn(async () => [{ address: '93.184.216.34', family: 4 }]);
      expect(await resolveTarget(host, { lookup: spy })).toMatchObject({
        ok: false,
        problem: { code: 'ADDRESS_FORBIDDEN' },
      });
      expect(spy).not.toHaveBeenCalled();
    },
  );

  it('allowPrivate opens internal ranges but never metadata or platform addresses', async () => {
    expect(await resolveTarget('internal.example', { lookup, allowPrivate: true })).toEqual({
      ok: true,
      value: ['10.0.0.5'],
    });
    expect(await resolveTarget('127.0.0.1', { allowPrivate: true })).toEqual({ ok: true, value: ['127.0.0.1'] });
    for (const host of ['metadata.example', '168.63.129.16', '::ffff:169.254.169.254', '0.0.0.0', '224.0.0.1']) {
      expect(await resolveTarget(host, { lookup, allowPrivate: true })).toMatchObject({
        ok: false,
        problem: { code: 'ADDRESS_FORBIDDEN' },
      });
    }
  });

  it('opaqueErrors: unknown and forbidden names read the same', async () => {
    const missing = await resolveTarget('missing.example', { lookup, opaqueErrors: true });
    const forbidden = await resolveTarget('internal.example', { lookup, opaqueErrors: true });
    expect(missing.ok).toBe(false);
    expect(missing).toEqual(forbidden);
    expect(await resolveTarget('missing.example', { lookup })).toMatchObject({
      ok: false,
      problem: { code: 'DNS_LOOKUP_FAILED' },
    });
  });

  it('the system resolver agrees on numeric forms (inet_aton semantics)', async () => {
    expect(await resolveTarget('localhost')).toMatchObject({ ok: false, problem: { code: 'ADDRESS_FORBIDDEN' } });
  });
});

describe('no connection is attempted for refused targets', () => {
  it('records connects only for the allowed target', async () => {
    const attempts: string[] = [];
    const refusedPort = await unusedPort();
    const connect = (address: string, port: number): net.Socket => {
      attempts.push(address);
      // Every attempt lands on a closed local port, so even an allowed "public" target stays offline.
      return net.connect({ host: '127.0.0.1', port: refusedPort + 0 * port });
    };
    const lookup: LookupFunction = async (host) =>
      ({
        'rebind.example': [{ address: '127.0.0.1', family: 4 }],
        'metadata.example': [{ address: '169.254.169.254', family: 4 }],
        'wire.example': [{ address: '::ffff:168.63.129.16', family: 6 }],
        'public.example': [{ address: '93.184.216.34', family: 4 }],
      })[host] ?? [];
    const refused = [
      { host: 'rebind.example', allowPrivate: false },
      { host: '2130706433', allowPrivate: false },
      { host: '[::ffff:7f00:1]', allowPrivate: false },
      { host: '64:ff9b::a9fe:a9fe', allowPrivate: false },
      { host: 'metadata.example', allowPrivate: true },
      { host: 'wire.example', allowPrivate: true },
      { host: '169.254.169.254', allowPrivate: true },
    ];
    for (const { host, allowPrivate } of refused) {
      const [result] = await checkEndpoint({ id: host, host }, { lookup, connect, allowPrivate, timeoutMs: 500 });
      expect(result.problem?.code).toBe('ADDRESS_FORBIDDEN');
      expect(result.findings.map((f) => f.id)).toEqual(['ADDRESS_FORBIDDEN']);
      expect(result.compliant).toBe(false);
    }
    expect(attempts).toEqual([]);

    const [allowed] = await checkEndpoint(
      { id: 'public', host: 'public.example' },
      { lookup, connect, timeoutMs: 500 },
    );
    expect(allowed.address).toBe('93.184.216.34');
    expect(allowed.findings.map((f) => f.id)).toEqual(['UNREACHABLE']);
    // Four raw probes and the TLS 1.3 handshake, all through the hook.
    expect(attempts).toEqual(Array(5).fill('93.184.216.34'));
  });
});
