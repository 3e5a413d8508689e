import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkEndpoint,
  type EndpointCheckResult,
  type ProtocolName,
  type ProtocolVerdict,
  type TlsCheckOptions,
} from '../../shared/tls';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import {
  legacyResponder,
  type RunningServer,
  startRawServer,
  startTlsServer,
  unusedPort,
} from '../support/tls-servers';

type Matrix = Record<ProtocolName, ProtocolVerdict>;
const matrix = (
  sslv3: ProtocolVerdict,
  tls10: ProtocolVerdict,
  tls11: ProtocolVerdict,
  tls12: ProtocolVerdict,
  tls13: ProtocolVerdict,
): Matrix => ({
  SSLv3: sslv3,
  TLSv1: tls10,
  'TLSv1.1': tls11,
  'TLSv1.2': tls12,
  'TLSv1.3': tls13,
});
const ids = (result: EndpointCheckResult): string[] => result.findings.map((f) => f.id).sort();

let pki: TestPki;
const servers: Record<string, RunningServer> = {};
let refusedPort: number;
let options: TlsCheckOptions;

async function check(
  name: string,
  extra: Partial<TlsCheckOptions> = {},
  endpoint: Partial<Parameters<typeof checkEndpoint>[0]> = {},
): Promise<EndpointCheckResult> {
  const server = servers[name];
  const results = await checkEndpoint(
    { id: name, host: 'localhost', port: server?.port ?? refusedPort, ...endpoint },
    { ...options, ...extra },
  );
  expect(results).toHaveLength(1);
  // Results go into reports, so they must survive JSON unchanged.
  expect(JSON.parse(JSON.stringify(results[0]))).toEqual(results[0]);
  return results[0];
}

beforeAll(async () => {
  pki = buildTestPki();
  const lookup = async (host: string) => {
    if (host !== 'localhost') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address: '127.0.0.1', family: 4 }];
  };
  options = { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 1500, lookup };
  const entries: Array<[string, Promise<RunningServer>]> = [
    ['tls10', startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1' })],
    ['tls10to13', startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' })],
    ['tls12', startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.2' })],
    ['tls13', startTlsServer(pki.good, { min: 'TLSv1.3', max: 'TLSv1.3' })],
    ['tls12and13', startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['expired', startTlsServer(pki.expired, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['notYetValid', startTlsServer(pki.notYetValid, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['expiringSoon', startTlsServer(pki.expiringSoon, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['wrongHost', startTlsServer(pki.wrongHost, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['untrusted', startTlsServer(pki.untrusted, { min: 'TLSv1.2', max: 'TLSv1.3' })],
    ['legacy', startRawServer(legacyResponder)],
    ['silent', startRawServer(() => undefined)],
    // A second loopback address, so the per-address cap does not serialise it with the others.
    ['silentElsewhere', startRawServer(() => undefined, '127.0.0.2')],
    ['reset', startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()))],
    ['closes', startRawServer((socket) => socket.once('data', () => socket.end()))],
    [
      'http',
      startRawServer((socket) =>
        socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
      ),
    ],
  ];
  for (const [name, started] of entries) servers[name] = await started;
  refusedPort = await unusedPort();
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('protocol verdicts against local servers', () => {
  it('TLS 1.0 only: accepted 1.0, refuses everything else, not compliant', async () => {
    const r = await check('tls10');
    expect(r.protocols).toEqual(matrix('rejected', 'accepted', 'rejected', 'rejected', 'rejected'));
    expect(r.protocolDetails.TLSv1.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_AES_(128|256)_CBC_SHA$/);
    expect(r.compliant).toBe(false);
    expect(ids(r)).toEqual(expect.arrayContaining(['NO_ACCEPTABLE_VERSION', 'TLS1_0_ACCEPTED']));
  });

  it('TLS 1.0 to 1.3: every TLS version accepted, SSLv3 refused; 1.0/1.1 break the 1.2 policy', async () => {
    const r = await check('tls10to13');
    expect(r.protocols).toEqual(matrix('rejected', 'accepted', 'accepted', 'accepted', 'accepted'));
    expect(r.protocolDetails['TLSv1.3'].cipher).toBe('TLS_AES_256_GCM_SHA384');
    expect(r.protocolDetails['TLSv1.2'].cipher).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(ids(r)).toEqual(['TLS1_0_ACCEPTED', 'TLS1_1_ACCEPTED']);
    expect(r.compliant).toBe(false);
    const relaxed = await check('tls10to13', {}, { minTls: '1.0' });
    expect(relaxed.compliant).toBe(true);
    expect(relaxed.findings).toEqual([]);
  });

  it('TLS 1.2 only: compliant with the default policy, not with minTls 1.3', async () => {
    const r = await check('tls12');
    expect(r.protocols).toEqual(matrix('rejected', 'rejected', 'rejected', 'accepted', 'rejected'));
    expect(r.compliant).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.certificate?.trusted).toBe(true);
    expect(r.certificate?.hostnameMatches).toBe(true);
    const strict = await check('tls12', {}, { minTls: '1.3' });
    expect(strict.compliant).toBe(false);
    expect(ids(strict)).toEqual(['NO_ACCEPTABLE_VERSION', 'TLS1_2_ACCEPTED']);
  });

  it('TLS 1.3 only', async () => {
    const r = await check('tls13');
    expect(r.protocols).toEqual(matrix('rejected', 'rejected', 'rejected', 'rejected', 'accepted'));
    expect(r.compliant).toBe(true);
    expect(r.certificate?.subject).toContain('CN=localhost');
  });

  it('TLS 1.2 and 1.3, with full certificate details', async () => {
    const r = await check('tls12and13');
    expect(r.protocols).toEqual(matrix('rejected', 'rejected', 'rejected', 'accepted', 'accepted'));
    expect(r.compliant).toBe(true);
    expect(r.servername).toBe('localhost');
    expect(r.address).toBe('127.0.0.1');
    const cert = r.certificate!;
    expect(cert.issuer).toContain('CN=noticewatch test root');
    expect(cert.subjectAltNames).toEqual(expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1']));
    expect(cert.keyType).toBe('rsa');
    expect(cert.keySize).toBe(2048);
    expect(cert.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(cert.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.daysRemaining).toBeGreaterThanOrEqual(363);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now());
    expect(servers.tls12and13.servernames).toContain('localhost');
  });

  it('SSLv3/TLS 1.0 legacy box with RC4/3DES only: verdicts from the raw probe, weak cipher flagged', async () => {
    const r = await check('legacy');
    expect(r.protocols).toEqual(matrix('accepted', 'accepted', 'rejected', 'rejected', 'rejected'));
    expect(r.protocolDetails.SSLv3.cipher).toMatch(/RC4_128_SHA|3DES_EDE_CBC_SHA/);
    expect(r.protocolDetails['TLSv1.1'].reason).toContain('lower version TLS 1.0');
    expect(r.compliant).toBe(false);
    expect(ids(r)).toEqual(
      expect.arrayContaining(['SSLV3_ACCEPTED', 'TLS1_0_ACCEPTED', 'NO_ACCEPTABLE_VERSION', 'WEAK_CIPHER_NEGOTIATED']),
    );
    expect(r.findings.find((f) => f.id === 'SSLV3_ACCEPTED')?.severity).toBe('critical');
  });
});

describe('certificate problems', () => {
  it('expired certificate', async () => {
    const r = await check('expired');
    expect(r.protocols['TLSv1.2']).toBe('accepted');
    expect(r.certificate?.daysRemaining).toBeLessThan(0);
    expect(ids(r)).toEqual(['CERT_EXPIRED']);
    expect(r.compliant).toBe(false);
  });

  it('not yet valid certificate', async () => {
    const r = await check('notYetValid');
    expect(ids(r)).toEqual(['CERT_NOT_YET_VALID']);
    expect(r.compliant).toBe(false);
  });

  it('certificate expiring within 30 days is a warning that keeps compliance', async () => {
    const r = await check('expiringSoon');
    expect(ids(r)).toEqual(['CERT_EXPIRING_SOON']);
    expect(r.findings[0].severity).toBe('warning');
    expect(r.certificate?.daysRemaining).toBe(10);
    expect(r.compliant).toBe(true);
  });

  it('wrong host name', async () => {
    const r = await check('wrongHost');
    expect(r.certificate?.trusted).toBe(true);
    expect(r.certificate?.hostnameMatches).toBe(false);
    expect(ids(r)).toEqual(['CERT_HOSTNAME_MISMATCH']);
    expect(r.compliant).toBe(false);
  });

  it('untrusted chain still yields details', async () => {
    const r = await check('untrusted');
    expect(r.certificate?.subject).toContain('CN=localhost');
    expect(r.certificate?.issuer).toContain('CN=unknown root');
    expect(r.certificate?.trusted).toBe(false);
    expect(r.certificate?.trustError).toBeTruthy();
    expect(ids(r)).toEqual(['CERT_UNTRUSTED']);
    expect(r.compliant).toBe(false);
  });

  it('the same chain is trusted when its CA is given', async () => {
    const r = await check('untrusted', { ca: pki.otherCa.certPem });
    expect(r.certificate?.trusted).toBe(true);
    expect(r.compliant).toBe(true);
  });

  it('system roots do not trust the test CA', async () => {
    const r = await check('tls12', { ca: undefined });
    expect(r.certificate?.trusted).toBe(false);
    expect(ids(r)).toEqual(['CERT_UNTRUSTED']);
  });
});

describe('servers that do not answer TLS are errors, never rejections', () => {
  const allError = matrix('error', 'error', 'error', 'error', 'error');

  it('silent server: timeouts, retried once', async () => {
    const r = await check('silent', { timeoutMs: 250 });
    expect(r.protocols).toEqual(allError);
    for (const detail of Object.values(r.protocolDetails)) {
      expect(detail.attempts).toBe(2);
      expect(detail.reason).toContain('timeout');
    }
    expect(ids(r)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
    expect(r.compliant).toBe(false);
  });

  it('resetting server: retried once, then error', async () => {
    const r = await check('reset');
    expect(r.protocols).toEqual(allError);
    expect(r.protocolDetails.TLSv1.attempts).toBe(2);
    expect(r.protocolDetails.TLSv1.reason).toContain('reset');
    expect(r.compliant).toBe(false);
  });

  it('server that closes on every hello', async () => {
    const r = await check('closes');
    expect(r.protocols).toEqual(allError);
    expect(ids(r)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
  });

  it('plain HTTP on the port', async () => {
    const r = await check('http');
    expect(r.protocols).toEqual(allError);
    expect(r.protocolDetails['TLSv1.2'].reason).toContain('not TLS');
    expect(r.protocolDetails['TLSv1.2'].reason).toContain('HTTP/1.1 400');
    expect(r.compliant).toBe(false);
  });

  it('nothing listening: UNREACHABLE, no retry, not compliant', async () => {
    const r = await check('refused');
    expect(r.protocols).toEqual(allError);
    expect(r.protocolDetails.TLSv1.reason).toBe('connection refused');
    expect(r.protocolDetails.TLSv1.attempts).toBe(1);
    expect(ids(r)).toEqual(['UNREACHABLE']);
    expect(r.compliant).toBe(false);
  });

  it('a name that does not resolve yields a problem, not verdicts', async () => {
    const [r] = await checkEndpoint({ id: 'nx', host: 'nowhere.invalid' }, options);
    expect(r.problem?.code).toBe('DNS_LOOKUP_FAILED');
    expect(r.address).toBeNull();
    expect(r.compliant).toBe(false);
  });
});

describe('addressing', () => {
  it('IP literal host: no SNI sent, certificate matched against the IP', async () => {
    const server = servers.tls12and13;
    const before = server.servernames.length;
    const [r] = await checkEndpoint({ id: 'ip', host: '127.0.0.1', port: server.port }, options);
    expect(r.servername).toBeNull();
    expect(r.certificate?.hostnameMatches).toBe(true);
    expect(server.servernames.slice(before).every((name) => name === null)).toBe(true);
    expect(r.compliant).toBe(true);
  });

  it('servername overrides the SNI and the name to match', async () => {
    const [r] = await checkEndpoint(
      { id: 'sni', host: 'localhost', servername: 'elsewhere.example', port: servers.wrongHost.port },
      options,
    );
    expect(r.servername).toBe('elsewhere.example');
    expect(r.certificate?.hostnameMatches).toBe(true);
    expect(servers.wrongHost.servernames).toContain('elsewhere.example');
  });

  it('allAddresses checks IPv4 and IPv6', async () => {
    const v6 = await startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }, '::1').catch(() => null);
    if (!v6) return expect(v6).toBeNull(); // host without IPv6 loopback
    const v4 = await startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }, '127.0.0.1').catch(() => null);
    try {
      // Same port on both families is not guaranteed, so route by family in the connect hook.
      const connect = (address: string) => net.connect({ host: address, port: address === '::1' ? v6.port : v4!.port });
      const lookup = async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ];
      const results = await checkEndpoint(
        { id: 'dual', host: 'localhost', allAddresses: true },
        { ...options, lookup, connect },
      );
      expect(results.map((r) => r.address)).toEqual(['127.0.0.1', '::1']);
      for (const r of results) expect(r.protocols['TLSv1.3']).toBe('accepted');
      const first = await checkEndpoint({ id: 'first', host: 'localhost' }, { ...options, lookup, connect });
      expect(first.map((r) => r.address)).toEqual(['127.0.0.1']);
    } finally {
      await v6.close();
      await v4?.close();
    }
  });
});
