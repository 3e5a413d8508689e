import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkEndpoint, type EndpointCheckResult, type ProtocolName, type ProtocolVerdict } from '../../shared/tls';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import { legacyResponder, startRawServer, startTlsServer } from '../support/tls-servers';
import { belowTls12, type FrontAction, startFront } from './helpers/fronts';
import { GNUTLS_SERV, OPENSSL, startGnutlsServer, startOpensslServer } from './helpers/real-servers';

const run = promisify(execFile);
const SSLSCAN = ['/usr/bin/sslscan', '/usr/local/bin/sslscan'].find((path) => existsSync(path));

/**
 * sslscan 2 tests protocols through the OpenSSL it links; distribution OpenSSL 3 builds have no SSLv3, so
 * sslscan then prints "SSLv3 disabled" for every server. Its SSLv3 verdict only counts when OpenSSL can speak it.
 */
async function opensslSpeaksSslv3(): Promise<boolean> {
  const result = await run('openssl', ['s_client', '-help']).catch(
    (error: { stdout?: string; stderr?: string }) => error,
  );
  return /^\s*-ssl3\s/m.test(`${result.stdout ?? ''}${result.stderr ?? ''}`);
}

/** sslscan's protocol verdicts from its XML report; protocols it cannot test (e.g. SSLv3 not compiled in) are absent. */
const scans = new Map<number, Promise<Partial<Record<ProtocolName, ProtocolVerdict>>>>();
function sslscanProtocols(port: number): Promise<Partial<Record<ProtocolName, ProtocolVerdict>>> {
  const cached = scans.get(port) ?? scanOnce(port);
  scans.set(port, cached);
  return cached.then((found) => ({ ...found }));
}

async function scanOnce(port: number): Promise<Partial<Record<ProtocolName, ProtocolVerdict>>> {
  const { stdout } = await run(
    SSLSCAN!,
    [
      '--no-colour',
      '--xml=-',
      '--no-ciphersuites',
      '--no-fallback',
      '--no-renegotiation',
      '--no-compression',
      '--no-heartbleed',
      '--no-groups',
      '--timeout=3',
      `127.0.0.1:${port}`,
    ],
    { timeout: 20_000 },
  ).catch((error: Error & { stdout?: string; stderr?: string }) => {
    // Say what sslscan printed: "Command failed" alone does not tell why.
    throw new Error(`${error.message}\nstdout:\n${error.stdout ?? ''}\nstderr:\n${error.stderr ?? ''}`);
  });
  const found: Partial<Record<ProtocolName, ProtocolVerdict>> = {};
  const names: Record<string, ProtocolName> = {
    'ssl 3': 'SSLv3',
    'tls 1.0': 'TLSv1',
    'tls 1.1': 'TLSv1.1',
    'tls 1.2': 'TLSv1.2',
    'tls 1.3': 'TLSv1.3',
  };
  for (const match of stdout.matchAll(/<protocol type="(\w+)" version="([\d.]+)" enabled="([01])"/g)) {
    const name = names[`${match[1]} ${match[2]}`];
    if (name) found[name] = match[3] === '1' ? 'accepted' : 'rejected';
  }
  return found;
}

/** A server to compare on, and whether it refuses only the versions below TLS 1.2 (so it must be compliant). */
interface Case {
  readonly start: (pki: TestPki) => Promise<{ port: number; close(): Promise<void> }>;
  readonly refusesOnlyOld?: boolean;
}

const NODE_SERVERS: Record<string, Case> = {
  'node tls10': { start: (pki) => startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1' }) },
  'node tls10to13': { start: (pki) => startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' }) },
  'node tls11to12': { start: (pki) => startTlsServer(pki.good, { min: 'TLSv1.1', max: 'TLSv1.2' }) },
  'node tls12': { start: (pki) => startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.2' }), refusesOnlyOld: true },
  'node tls13': { start: (pki) => startTlsServer(pki.good, { min: 'TLSv1.3', max: 'TLSv1.3' }), refusesOnlyOld: true },
  'node tls12and13': {
    start: (pki) => startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
    refusesOnlyOld: true,
  },
  'legacy responder': { start: () => startRawServer(legacyResponder) },
};

/** Debian's OpenSSL 3: with no version options it answers TLS 1.0/1.1 hellos with internal_error. */
const OPENSSL_SERVERS: Record<string, Case> = {
  'no version options': { start: (pki) => startOpensslServer(pki.good, []), refusesOnlyOld: true },
  '-tls1_2': { start: (pki) => startOpensslServer(pki.good, ['-tls1_2']), refusesOnlyOld: true },
  '-tls1_3': { start: (pki) => startOpensslServer(pki.good, ['-tls1_3']), refusesOnlyOld: true },
  '-no_tls1 -no_tls1_1': {
    start: (pki) => startOpensslServer(pki.good, ['-no_tls1', '-no_tls1_1']),
    refusesOnlyOld: true,
  },
  '-min_protocol TLSv1 at security level 0': {
    start: (pki) => startOpensslServer(pki.good, ['-min_protocol', 'TLSv1', '-cipher', 'DEFAULT:@SECLEVEL=0']),
  },
  '-tls1 at security level 0': {
    start: (pki) => startOpensslServer(pki.good, ['-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']),
  },
};

/** GnuTLS priority strings. Debian builds GnuTLS without SSL 3.0, so "all versions" means TLS 1.0 to 1.3. */
const GNUTLS_SERVERS: Record<string, Case> = {
  'TLS 1.2 and 1.3': {
    start: (pki) => startGnutlsServer(pki.good, 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3'),
    refusesOnlyOld: true,
  },
  'TLS 1.0 to 1.2': {
    start: (pki) => startGnutlsServer(pki.good, 'NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.1:+VERS-TLS1.2'),
  },
  'TLS 1.3 only': {
    start: (pki) => startGnutlsServer(pki.good, 'NORMAL:-VERS-ALL:+VERS-TLS1.3'),
    refusesOnlyOld: true,
  },
  'all versions, 3DES and RC4 preferred': {
    start: (pki) =>
      startGnutlsServer(
        pki.good,
        'NORMAL:+VERS-ALL:-CIPHER-ALL:+3DES-CBC:+ARCFOUR-128:+AES-128-GCM:+RSA:+SHA1:%SERVER_PRECEDENCE',
      ),
  },
};

/** Fronts before a Node TLS server that itself accepts TLS 1.0 to 1.3: only the front refuses. */
function fronted(action: Exclude<FrontAction, 'pass'>): Case {
  return {
    start: async (pki) => {
      const backend = await startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' });
      const front = await startFront(backend.port, belowTls12(action));
      return {
        port: front.port,
        close: async () => {
          await front.close();
          await backend.close();
        },
      };
    },
    refusesOnlyOld: true,
  };
}

const FRONTS: Record<string, Case> = {
  'resets hellos below TLS 1.2 (Schannel)': fronted('reset'),
  'answers hellos below TLS 1.2 with protocol_version': fronted({ alert: 70 }),
  'closes on hellos below TLS 1.2 (IIS)': fronted('close'),
};

describe.skipIf(!SSLSCAN)('agreement with sslscan (skipped: sslscan not installed; apt-get install -y sslscan)', () => {
  let pki: TestPki;
  let sslv3Comparable = false;
  const running: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    sslv3Comparable = await opensslSpeaksSslv3();
    pki = buildTestPki();
  });

  afterAll(async () => {
    await Promise.all(running.map((server) => server.close()));
  });

  /** Starts the server, checks it as a watchlist entry would be (CA given), and checks it with sslscan. */
  async function compare(
    server: Case,
  ): Promise<{ ours: EndpointCheckResult; theirs: Partial<Record<ProtocolName, ProtocolVerdict>> }> {
    const started = await server.start(pki);
    running.push(started);
    const [ours] = await checkEndpoint(
      { id: 'compared', host: '127.0.0.1', port: started.port },
      { allowPrivate: true, timeoutMs: 2000, ca: pki.ca.certPem },
    );
    return { ours, theirs: await sslscanProtocols(started.port) };
  }

  /** Every version sslscan can test gets sslscan's verdict; a server refusing only old versions is compliant. */
  async function expectAgreement(server: Case): Promise<EndpointCheckResult> {
    const { ours, theirs } = await compare(server);
    if (!sslv3Comparable) delete theirs.SSLv3;
    // sslscan must have judged at least the TLS versions, or the comparison proves nothing.
    expect(Object.keys(theirs)).toEqual(expect.arrayContaining(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']));
    for (const [protocol, verdict] of Object.entries(theirs)) {
      expect({ protocol, verdict: ours.protocols[protocol as ProtocolName] }).toEqual({ protocol, verdict });
    }
    if (server.refusesOnlyOld) {
      expect(ours.findings).toEqual([]);
      expect(ours.compliant).toBe(true);
      for (const name of ['SSLv3', 'TLSv1', 'TLSv1.1'] as const) {
        expect(ours.protocolDetails[name]).toMatchObject({ verdict: 'rejected', attempts: 2 });
      }
    }
    return ours;
  }

  it.each(Object.keys(NODE_SERVERS))('Node %s: every version sslscan can test gets the same verdict', (name) =>
    expectAgreement(NODE_SERVERS[name]).then(() => undefined),
  );

  it('where sslscan cannot see SSLv3, the raw probe still does', async () => {
    const { ours, theirs } = await compare(NODE_SERVERS['legacy responder']);
    expect(ours.protocols.SSLv3).toBe('accepted');
    expect(ours.protocols.TLSv1).toBe('accepted');
    if (!sslv3Comparable) expect(theirs.SSLv3).toBe('rejected');
  });

  describe.skipIf(!OPENSSL)('OpenSSL 3 s_server (skipped: openssl not installed; apt-get install -y openssl)', () => {
    it.each(Object.keys(OPENSSL_SERVERS))('openssl s_server %s: same verdicts as sslscan', (name) =>
      expectAgreement(OPENSSL_SERVERS[name]).then(() => undefined),
    );

    it('with no version options, TLS 1.0 and 1.1 get internal_error: rejected, with the alert as evidence', async () => {
      const ours = await expectAgreement(OPENSSL_SERVERS['no version options']);
      expect(ours.protocolDetails.TLSv1).toEqual({ verdict: 'rejected', reason: 'alert internal_error', attempts: 2 });
      expect(ours.protocolDetails['TLSv1.1'].reason).toBe('alert internal_error');
    });

    // Decision: TLS 1.0 only at the default security level completes no handshake at all (every version
    // gets internal_error or protocol_version). sslscan calls that "disabled" everywhere; nothing shows the
    // server alive, so the ambiguous alerts stay `error` and the endpoint is not compliant.
    it('where no version completes a handshake, internal_error stays error (sslscan: disabled)', async () => {
      const { ours, theirs } = await compare({ start: (p) => startOpensslServer(p.good, ['-tls1']) });
      expect(theirs).toMatchObject({ TLSv1: 'rejected', 'TLSv1.1': 'rejected', 'TLSv1.2': 'rejected' });
      expect(ours.protocols).toMatchObject({ TLSv1: 'error', 'TLSv1.1': 'error', 'TLSv1.2': 'error' });
      expect(ours.protocolDetails.TLSv1.reason).toMatch(/^alert internal_error; no version completed a handshake/);
      expect(ours.findings.map((finding) => finding.id)).toContain('PROTOCOL_UNDETERMINED');
      expect(ours.compliant).toBe(false);
    });
  });

  describe.skipIf(!GNUTLS_SERV)(
    'GnuTLS gnutls-serv (skipped: gnutls-serv not installed; apt-get install -y gnutls-bin)',
    () => {
      it.each(Object.keys(GNUTLS_SERVERS))('gnutls-serv %s: same verdicts as sslscan', (name) =>
        expectAgreement(GNUTLS_SERVERS[name]).then(() => undefined),
      );

      it('the legacy configuration is read with its weak suites', async () => {
        const ours = await expectAgreement(GNUTLS_SERVERS['all versions, 3DES and RC4 preferred']);
        expect(ours.protocolDetails.TLSv1).toMatchObject({
          verdict: 'accepted',
          cipher: expect.stringMatching(/3DES|RC4/),
        });
        expect(ours.findings.map((finding) => finding.id)).toEqual(
          expect.arrayContaining(['TLS1_0_ACCEPTED', 'TLS1_1_ACCEPTED', 'WEAK_CIPHER_NEGOTIATED']),
        );
      });
    },
  );

  it.each(Object.keys(FRONTS))('a front that %s: same verdicts as sslscan, compliant', (name) =>
    expectAgreement(FRONTS[name]).then(() => undefined),
  );
});
