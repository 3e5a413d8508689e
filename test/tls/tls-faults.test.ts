import type net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newRunId, runTls } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import {
  checkEndpoint,
  type EndpointCheckResult,
  PROTOCOL_NAMES,
  type ProtocolName,
  type ProtocolVerdict,
  type TlsCheckOptions,
} from '../../shared/tls';
import { recordFault } from '../support/reliability-tally';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import {
  alertRecord,
  readClientHello,
  type RunningServer,
  serverHelloRecord,
  startRawServer,
  startTlsServer,
} from '../support/tls-servers';

/**
 * TLS endpoints that misbehave at the byte level. Every check ends in bounded time with `error`
 * verdicts (never `rejected` for a server that said nothing about versions), the endpoint is not
 * compliant, and a run mixing them with a good endpoint still gives that endpoint its true verdicts.
 */

/** Per-connection timeout of these checks. */
const T = 300;
/**
 * Worst case for one endpoint: 5 probes (4 raw hellos, 1 node:tls TLS 1.3 handshake), each retried
 * once after a timeout, through the per-address cap of 2 connections at a time, plus the certificate
 * handshake (also retried) when a raw probe saw a version accepted: ceil(10 / 2) + 2 = 7 rounds of T.
 */
const ONE_ENDPOINT_BOUND_MS = 7 * T + 600;

let pki: TestPki;
const servers: Record<string, RunningServer> = {};
let options: TlsCheckOptions;

type Matrix = Record<ProtocolName, ProtocolVerdict>;
const allError: Matrix = { SSLv3: 'error', TLSv1: 'error', 'TLSv1.1': 'error', 'TLSv1.2': 'error', 'TLSv1.3': 'error' };
const ids = (result: EndpointCheckResult): string[] => result.findings.map((f) => f.id).sort();

/** Answers once the whole ClientHello is in, as a real server would. */
function onHello(
  answer: (socket: net.Socket, hello: { version: number; suites: number[] }) => void,
): (socket: net.Socket) => void {
  return (socket) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const hello = readClientHello(data);
      if (!hello) return;
      socket.off('data', onData);
      answer(socket, hello);
    };
    socket.on('data', onData);
  };
}

/** Writes one byte every 100 ms for as long as the connection lasts. */
function trickle(socket: net.Socket, bytes: Buffer): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= bytes.length) return void clearInterval(timer);
    socket.write(bytes.subarray(index, ++index));
  }, 100);
  socket.once('close', () => clearInterval(timer));
}

const FAULTS = {
  /** The first 7 bytes of a ServerHello record (header and 2 bytes of body), then nothing. */
  stallMidHandshake: onHello((socket) => socket.write(serverHelloRecord(0x0303, 0xc02f).subarray(0, 7))),
  /** Bytes that are no protocol at all. */
  garbage: onHello((socket) =>
    socket.end(Buffer.from('\x42\x00\xfe\x13 not a TLS record at all \x07\x07\x07', 'latin1')),
  ),
  /** A TLS 1.2-only server that sends its ServerHello and then closes: no certificate ever follows. */
  helloThenClose: onHello((socket, hello) => {
    if (hello.version < 0x0303) return void socket.end(alertRecord(70));
    const cipher = [0xc02f, 0xc030, 0x009c].find((suite) => hello.suites.includes(suite)) ?? hello.suites[0];
    socket.end(serverHelloRecord(0x0303, cipher));
  }),
  /** A handshake record header announcing 16 KiB, then one byte every 100 ms. */
  trickle: onHello((socket) =>
    trickle(socket, Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00, 0x02]), Buffer.alloc(4000, 0x07)])),
  ),
  /** A record header claiming 65535 bytes, far beyond any TLS record. */
  hugeRecord: onHello((socket) =>
    socket.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff]), Buffer.alloc(64, 0x02)])),
  ),
  /** A sane record whose handshake message claims 16 MiB. */
  hugeHandshake: onHello((socket) =>
    socket.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x08, 0x02, 0xff, 0xff, 0xff, 0x03, 0x03, 0x00, 0x00])),
  ),
} satisfies Record<string, (socket: net.Socket) => void>;
type Fault = keyof typeof FAULTS;

beforeAll(async () => {
  pki = buildTestPki();
  const lookup = async (host: string) => {
    if (host !== 'localhost') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address: '127.0.0.1', family: 4 }];
  };
  options = { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: T, lookup };
  servers.good = await startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' });
  for (const [name, behaviour] of Object.entries(FAULTS)) servers[name] = await startRawServer(behaviour);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

async function checkFault(name: Fault): Promise<{ result: EndpointCheckResult; elapsed: number }> {
  const started = Date.now();
  const results = await checkEndpoint({ id: name, host: 'localhost', port: servers[name].port }, options);
  const elapsed = Date.now() - started;
  expect(results).toHaveLength(1);
  const [result] = results;
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  expect(elapsed).toBeLessThan(ONE_ENDPOINT_BOUND_MS);
  expect(result.compliant).toBe(false);
  expect(result.problem).toBeUndefined();
  return { result, elapsed };
}

function expectGood(result: EndpointCheckResult | undefined): void {
  expect(result?.protocols).toEqual({
    SSLv3: 'rejected',
    TLSv1: 'rejected',
    'TLSv1.1': 'rejected',
    'TLSv1.2': 'accepted',
    'TLSv1.3': 'accepted',
  });
  expect(result?.certificate?.trusted).toBe(true);
  expect(result?.certificate?.hostnameMatches).toBe(true);
  expect(result?.findings).toEqual([]);
  expect(result?.compliant).toBe(true);
}

describe('TLS endpoint faults end in bounded time with honest verdicts', () => {
  it('stall mid-handshake (a partial ServerHello, then silence): error after the timeout, retried once', async () => {
    const { result } = await checkFault('stallMidHandshake');
    expect(result.protocols).toEqual(allError);
    for (const name of PROTOCOL_NAMES) {
      expect(result.protocolDetails[name].attempts).toBe(2);
      expect(result.protocolDetails[name].reason).toMatch(/timeout|timed out/);
    }
    expect(result.protocolDetails['TLSv1.2'].reason).toBe('timed out inside an incomplete answer');
    expect(ids(result)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
    recordFault('tls: stall mid-handshake');
  });

  it('garbage bytes: not TLS, error without retry, never rejected', async () => {
    const { result, elapsed } = await checkFault('garbage');
    expect(result.protocols).toEqual(allError);
    for (const name of PROTOCOL_NAMES) expect(result.protocolDetails[name].reason).toMatch(/not TLS/);
    expect(result.protocolDetails.TLSv1.attempts).toBe(1);
    expect(ids(result)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
    // Decided from the bytes: waiting for a timeout, retried, would take at least 2 T.
    expect(elapsed).toBeLessThan(2 * T);
    recordFault('tls: garbage bytes');
  });

  // Decision: the raw probe's verdict rests on the ServerHello alone (the server chose the pinned
  // version), so a close right after it still proves TLS 1.2 is accepted. No certificate follows,
  // so the certificate facts are unknown: CERT_UNAVAILABLE (medium), hence not compliant.
  it('a valid ServerHello and then close: TLS 1.2 accepted by the raw probe, certificate unavailable, not compliant', async () => {
    const { result } = await checkFault('helloThenClose');
    expect(result.protocols).toEqual({
      SSLv3: 'rejected',
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'rejected',
    });
    expect(result.protocolDetails['TLSv1.2']).toMatchObject({
      reason: 'ServerHello TLS 1.2',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    });
    expect(result.certificate).toBeNull();
    expect(ids(result)).toEqual(['CERT_UNAVAILABLE']);
    recordFault('tls: ServerHello then close');
  });

  it('an endless trickle (one byte every 100 ms, never a whole record): error at the timeout, not waiting for the record', async () => {
    const { result } = await checkFault('trickle');
    expect(result.protocols).toEqual(allError);
    for (const name of PROTOCOL_NAMES) {
      expect(result.protocolDetails[name].reason).toMatch(/timeout|timed out/);
      expect(result.protocolDetails[name].attempts).toBe(2);
    }
    expect(ids(result)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
    recordFault('tls: endless trickle');
  });

  it('a huge bogus record length: not TLS at once, no buffering up to it', async () => {
    const { result, elapsed } = await checkFault('hugeRecord');
    expect(result.protocols).toEqual(allError);
    for (const name of PROTOCOL_NAMES) expect(result.protocolDetails[name].reason).toMatch(/not TLS/);
    expect(result.protocolDetails['TLSv1.2'].reason).toMatch(/^not TLS: unrecognised answer/);
    expect(elapsed).toBeLessThan(2 * T);
    recordFault('tls: huge record length');
  });

  it('a huge bogus handshake message length inside a sane record: not TLS at once', async () => {
    const { result, elapsed } = await checkFault('hugeHandshake');
    expect(result.protocols).toEqual(allError);
    expect(result.protocolDetails['TLSv1.2'].reason).toBe('not TLS: oversized ServerHello');
    expect(elapsed).toBeLessThan(2 * T);
    recordFault('tls: huge handshake length');
  });

  it('a run over every faulty endpoint and one good one: the good one keeps its true verdicts', async () => {
    const faults = Object.keys(FAULTS) as Fault[];
    const endpoints = [
      ...faults.map((name) => ({ id: name, host: 'localhost', port: servers[name].port })),
      { id: 'good', host: 'localhost', port: servers.good.port },
    ];
    const started = Date.now();
    const startedAt = new Date(started);
    const run = await runTls(new MemoryObjectStore(), endpoints, {
      runId: newRunId(startedAt),
      startedAt,
      tls: options,
    });
    const elapsed = Date.now() - started;
    expect(run.notReached).toEqual([]);
    expect(run.endpoints.map((result) => result.id)).toEqual([...faults, 'good']);
    expectGood(run.endpoints.find((result) => result.id === 'good'));
    for (const result of run.endpoints.filter((r) => r.id !== 'good')) expect(result.compliant, result.id).toBe(false);
    // All on one address, so all through the same 2-connection cap: bounded by the sum of the rounds.
    expect(elapsed).toBeLessThan(faults.length * ONE_ENDPOINT_BOUND_MS);
    recordFault('tls: faulty endpoints beside a good one');
  });
});
