import { randomBytes } from 'node:crypto';

import { offeredCipherSuites, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './cipher-suites';

/** Wire versions of the protocols the raw probe can pin. */
export const WIRE_VERSION = {
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
} as const;

export type LegacyProtocolName = keyof typeof WIRE_VERSION;

export interface ClientHelloOptions {
  /** Wire version to pin in `client_version`, e.g. 0x0301 for TLS 1.0. */
  readonly version: number;
  /** SNI host name; omit for IP literals (RFC 6066 forbids addresses in SNI). */
  readonly servername?: string | null;
  readonly cipherSuites?: readonly number[];
  /** Fixed random for reproducible tests. */
  readonly random?: Buffer;
}

const GROUPS = [29, 23, 24, 25, 30, 21, 22, 19, 256, 257, 258];
const SIGNATURE_ALGORITHMS = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601,
  0x0303, 0x0301, 0x0302, 0x0203, 0x0201, 0x0202,
];

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

function u24(value: number): Buffer {
  return Buffer.from([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
}

function vector16(content: Buffer): Buffer {
  return Buffer.concat([u16(content.length), content]);
}

function extension(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vector16(body)]);
}

function u16List(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

function legacyExtensions(version: number, servername: string | null | undefined): Buffer[] {
  const exts: Buffer[] = [];
  if (servername) {
    const name = Buffer.from(servername, 'ascii');
    exts.push(extension(0x0000, vector16(Buffer.concat([Buffer.from([0]), vector16(name)]))));
  }
  exts.push(extension(0x000a, vector16(u16List(GROUPS))));
  exts.push(extension(0x000b, Buffer.from([3, 0, 1, 2])));
  if (version >= 0x0303) exts.push(extension(0x000d, vector16(u16List(SIGNATURE_ALGORITHMS))));
  exts.push(extension(0x0023, Buffer.alloc(0)));
  exts.push(extension(0x0017, Buffer.alloc(0)));
  exts.push(extension(0xff01, Buffer.from([0])));
  return exts;
}

/**
 * A complete TLS record carrying a ClientHello that pins one protocol version (SSLv3 to TLS 1.2) and offers
 * every suite in our table, legacy ones included, so the server's first answer tells whether it accepts that version.
 * No TLS_FALLBACK_SCSV: it would make a server that supports higher versions refuse for the wrong reason.
 */
export function buildClientHello(options: ClientHelloOptions): Buffer {
  const { version } = options;
  const random = options.random ?? randomBytes(32);
  if (random.length !== 32) throw new RangeError('ClientHello random must be 32 bytes');
  const suites = [...(options.cipherSuites ?? offeredCipherSuites(version))];
  // SSLv3 has no extensions, so secure renegotiation is signalled with the SCSV instead (RFC 5746).
  const isSsl3 = version <= 0x0300;
  if (isSsl3) suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

  const head = Buffer.concat([u16(version), random, Buffer.from([0]), vector16(u16List(suites)), Buffer.from([1, 0])]);
  let body = head;
  if (!isSsl3) {
    const exts = legacyExtensions(version, options.servername);
    const extLength = exts.reduce((n, e) => n + e.length, 0);
    // Hellos of 256..511 bytes hang some F5 load balancers; the padding extension (RFC 7685) steps over that range.
    const unpadded = 4 + head.length + 2 + extLength;
    if (unpadded >= 256 && unpadded < 512) {
      const padLength = Math.max(512 - unpadded - 4, 0);
      exts.push(extension(0x0015, Buffer.alloc(padLength)));
    }
    body = Buffer.concat([head, vector16(Buffer.concat(exts))]);
  }
  const handshake = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  // Record-layer version 3.1 for TLS hellos: some old servers drop records claiming a version they do not know.
  const recordVersion = isSsl3 ? 0x0300 : 0x0301;
  return Buffer.concat([Buffer.from([22]), u16(recordVersion), u16(handshake.length), handshake]);
}
