import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { cipherSuiteName, offeredCipherSuites } from '../../shared/tls/cipher-suites';
import { buildClientHello } from '../../shared/tls/client-hello';
import { verdictFromAnswer } from '../../shared/tls/raw-probe';
import { parseServerAnswer, type ServerAnswer } from '../../shared/tls/server-answer';
import { alertRecord, readClientHello, serverHelloRecord } from '../support/tls-servers';

/** Extensions of a ClientHello record as a map type -> body. */
function extensionsOf(record: Buffer): Map<number, Buffer> {
  const body = record.subarray(9);
  let offset = 34;
  offset += 1 + body[offset];
  offset += 2 + body.readUInt16BE(offset);
  offset += 1 + body[offset];
  const found = new Map<number, Buffer>();
  if (offset >= body.length) return found;
  const end = offset + 2 + body.readUInt16BE(offset);
  offset += 2;
  while (offset < end) {
    const type = body.readUInt16BE(offset);
    const length = body.readUInt16BE(offset + 2);
    found.set(type, body.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  expect(offset).toBe(body.length);
  return found;
}

describe('ClientHello', () => {
  const random = Buffer.alloc(32, 0xab);

  it('pins the requested version and frames a consistent record', () => {
    for (const version of [0x0300, 0x0301, 0x0302, 0x0303]) {
      const hello = buildClientHello({ version, servername: 'example.com', random });
      expect(hello[0]).toBe(22);
      expect(hello.readUInt16BE(1)).toBe(version === 0x0300 ? 0x0300 : 0x0301);
      expect(hello.readUInt16BE(3)).toBe(hello.length - 5);
      expect(hello[5]).toBe(1);
      expect(hello.readUIntBE(6, 3)).toBe(hello.length - 9);
      expect(readClientHello(hello)?.version).toBe(version);
      expect(hello.subarray(11, 43)).toEqual(random);
      // Hellos of 256..511 bytes hang some F5 devices.
      const handshakeLength = hello.length - 5;
      expect(handshakeLength < 256 || handshakeLength >= 512).toBe(true);
    }
  });

  it('offers legacy suites (RC4, 3DES, EXPORT, CBC) and modern ones only where they exist', () => {
    const tls10 = readClientHello(buildClientHello({ version: 0x0301, random }))!.suites;
    const tls12 = readClientHello(buildClientHello({ version: 0x0303, random }))!.suites;
    for (const legacy of [0x0005, 0x0004, 0x000a, 0x0003, 0x0008, 0x002f, 0x0035, 0xc013, 0xc014]) {
      expect(tls10).toContain(legacy);
      expect(tls12).toContain(legacy);
    }
    expect(tls12).toEqual(expect.arrayContaining([0xc02f, 0xc030, 0xcca8, 0x009c]));
    expect(tls10).not.toContain(0xc02f);
    for (const suites of [tls10, tls12]) {
      // TLS_FALLBACK_SCSV would make a server that supports newer versions refuse for the wrong reason.
      expect(suites).not.toContain(0x5600);
      expect(suites.some((s) => s >= 0x1301 && s <= 0x1305)).toBe(false);
    }
    expect(offeredCipherSuites(0x0303)[0]).toBe(0xc02b);
  });

  it('sends SNI, groups, point formats and renegotiation_info; signature_algorithms only for TLS 1.2', () => {
    const tls12 = extensionsOf(buildClientHello({ version: 0x0303, servername: 'example.com', random }));
    expect(tls12.get(0x0000)?.subarray(5).toString()).toBe('example.com');
    expect(tls12.has(0x000a)).toBe(true);
    expect(tls12.has(0x000b)).toBe(true);
    expect(tls12.get(0xff01)).toEqual(Buffer.from([0]));
    expect(tls12.has(0x000d)).toBe(true);
    const tls10 = extensionsOf(buildClientHello({ version: 0x0301, servername: null, random }));
    expect(tls10.has(0x0000)).toBe(false);
    expect(tls10.has(0x000d)).toBe(false);
  });

  it('SSLv3 hello carries no extensions and signals renegotiation with the SCSV', () => {
    const hello = buildClientHello({ version: 0x0300, servername: 'example.com', random });
    expect(extensionsOf(hello).size).toBe(0);
    expect(readClientHello(hello)?.suites).toContain(0x00ff);
  });
});

function withExtensions(version: number, cipher: number, extensions: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([version >> 8, version & 0xff]),
    Buffer.alloc(32, 1),
    Buffer.from([32]),
    Buffer.alloc(32, 2),
    Buffer.from([cipher >> 8, cipher & 0xff, 0]),
    Buffer.from([extensions.length >> 8, extensions.length & 0xff]),
    extensions,
  ]);
  const message = Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([22, 3, 3, message.length >> 8, message.length & 0xff]), message]);
}

/** Re-frames a single-record handshake into several records of at most `size` payload bytes. */
function fragment(record: Buffer, size: number): Buffer {
  const payload = record.subarray(5);
  const parts: Buffer[] = [];
  for (let i = 0; i < payload.length; i += size) {
    const chunk = payload.subarray(i, i + size);
    parts.push(Buffer.from([record[0], record[1], record[2], chunk.length >> 8, chunk.length & 0xff]), chunk);
  }
  return Buffer.concat(parts);
}

describe('server answer parsing', () => {
  const hello12 = serverHelloRecord(0x0303, 0xc02f);

  it('reads version and cipher from a ServerHello', () => {
    expect(parseServerAnswer(hello12)).toEqual({
      kind: 'server-hello',
      legacyVersion: 0x0303,
      version: 0x0303,
      cipherSuite: 0xc02f,
    });
  });

  it('stays incomplete on every proper prefix, across TCP chunks', () => {
    for (let cut = 0; cut < hello12.length; cut++)
      expect(parseServerAnswer(hello12.subarray(0, cut)).kind).toBe('incomplete');
  });

  it('reassembles a ServerHello split over several records', () => {
    for (const size of [1, 3, 10, 40]) {
      expect(parseServerAnswer(fragment(hello12, size))).toMatchObject({
        kind: 'server-hello',
        version: 0x0303,
        cipherSuite: 0xc02f,
      });
    }
  });

  it('takes the version from supported_versions (TLS 1.3) and skips unknown extensions', () => {
    const ext = Buffer.from([0xff, 0x01, 0, 1, 0, 0x00, 0x2b, 0, 2, 0x03, 0x04]);
    expect(parseServerAnswer(withExtensions(0x0303, 0x1302, ext))).toEqual({
      kind: 'server-hello',
      legacyVersion: 0x0303,
      version: 0x0304,
      cipherSuite: 0x1302,
    });
  });

  it('skips a HelloRequest before the ServerHello', () => {
    const helloRequest = Buffer.from([22, 3, 1, 0, 4, 0, 0, 0, 0]);
    expect(parseServerAnswer(Buffer.concat([helloRequest, hello12])).kind).toBe('server-hello');
  });

  it('reads alerts, including one split over two records', () => {
    expect(parseServerAnswer(alertRecord(70))).toEqual({ kind: 'alert', level: 2, description: 70 });
    const split = Buffer.from([21, 3, 1, 0, 1, 2, 21, 3, 1, 0, 1, 40]);
    expect(parseServerAnswer(split)).toEqual({ kind: 'alert', level: 2, description: 40 });
    expect(parseServerAnswer(split.subarray(0, 7)).kind).toBe('incomplete');
  });

  it('skips warning alerts before the ServerHello (a TLS 1.2 unrecognized_name), but not close_notify', () => {
    const warning = Buffer.from([21, 3, 3, 0, 2, 1, 112]);
    expect(parseServerAnswer(Buffer.concat([warning, hello12]))).toMatchObject({ kind: 'server-hello' });
    expect(parseServerAnswer(warning).kind).toBe('incomplete');
    expect(parseServerAnswer(Buffer.from([21, 3, 3, 0, 2, 1, 0]))).toEqual({ kind: 'alert', level: 1, description: 0 });
    expect(parseServerAnswer(Buffer.concat([warning, alertRecord(80)]))).toEqual({
      kind: 'alert',
      level: 2,
      description: 80,
    });
  });

  it('recognises an SSLv2 SERVER-HELLO and non-TLS answers', () => {
    expect(parseServerAnswer(Buffer.from([0x80, 0x2e, 0x04, 0x00, 0x01, 0x00, 0x02]))).toEqual({
      kind: 'sslv2-server-hello',
    });
    expect(parseServerAnswer(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toMatchObject({
      kind: 'not-tls',
      detail: expect.stringContaining('HTTP/1.1 400'),
    });
    expect(parseServerAnswer(Buffer.from([22, 9, 9, 0, 1, 0])).kind).toBe('not-tls');
    expect(parseServerAnswer(Buffer.from([23, 3, 3, 0, 1, 0])).kind).toBe('not-tls');
    expect(parseServerAnswer(Buffer.from([22, 3, 3, 0, 4, 11, 0, 0, 0])).kind).toBe('not-tls');
  });

  it('never throws on arbitrary bytes and agrees with itself however the records are cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => parseServerAnswer(Buffer.from(bytes))).not.toThrow();
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303),
        fc.constantFrom(0x0005, 0x000a, 0xc030),
        (size, version, cipher) => {
          const answer = parseServerAnswer(fragment(serverHelloRecord(version, cipher), size));
          expect(answer).toMatchObject({ kind: 'server-hello', version, cipherSuite: cipher });
        },
      ),
    );
  });
});

describe('verdicts from answers', () => {
  const decide = (answer: ServerAnswer, offered: number) =>
    verdictFromAnswer(answer as Exclude<ServerAnswer, { kind: 'incomplete' }>, offered);

  it('pinned version in ServerHello = accepted with the IANA cipher name', () => {
    expect(
      decide({ kind: 'server-hello', legacyVersion: 0x0301, version: 0x0301, cipherSuite: 0x000a }, 0x0301),
    ).toEqual({
      verdict: 'accepted',
      reason: 'ServerHello TLS 1.0',
      cipher: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    });
  });

  it('lower version, protocol_version and handshake_failure = rejected; SSLv2-only = rejected', () => {
    expect(
      decide({ kind: 'server-hello', legacyVersion: 0x0301, version: 0x0301, cipherSuite: 5 }, 0x0303).verdict,
    ).toBe('rejected');
    expect(decide({ kind: 'alert', level: 2, description: 70 }, 0x0301).verdict).toBe('rejected');
    expect(decide({ kind: 'alert', level: 2, description: 40 }, 0x0300).verdict).toBe('rejected');
    expect(decide({ kind: 'sslv2-server-hello' }, 0x0300).verdict).toBe('rejected');
  });

  it('other fatal alerts are refusal signs, left to the caller; higher versions and garbage = error', () => {
    expect(decide({ kind: 'alert', level: 2, description: 80 }, 0x0301)).toEqual({
      verdict: 'error',
      reason: 'alert internal_error',
      failure: 'alert',
    });
    expect(decide({ kind: 'alert', level: 2, description: 112 }, 0x0303)).toMatchObject({
      verdict: 'error',
      reason: 'alert unrecognized_name',
      failure: 'alert',
    });
    expect(
      decide({ kind: 'server-hello', legacyVersion: 0x0303, version: 0x0303, cipherSuite: 5 }, 0x0301).verdict,
    ).toBe('error');
    expect(decide({ kind: 'not-tls', detail: 'x' }, 0x0301).verdict).toBe('error');
  });

  it('names unknown suites by code', () => {
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0xabcd)).toBe('0xABCD');
  });
});
