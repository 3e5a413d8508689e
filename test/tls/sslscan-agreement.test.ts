import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkEndpoint, type ProtocolName, type ProtocolVerdict } from '../../shared/tls';
import { buildTestPki } from './helpers/certs';
import { legacyResponder, type RunningServer, startRawServer, startTlsServer } from './helpers/servers';

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
  );
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

describe.skipIf(!SSLSCAN)('agreement with sslscan (skipped: sslscan not installed; apt-get install -y sslscan)', () => {
  const servers: Record<string, RunningServer> = {};
  let sslv3Comparable = false;

  beforeAll(async () => {
    sslv3Comparable = await opensslSpeaksSslv3();
    const pki = buildTestPki();
    servers.tls10 = await startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1' });
    servers.tls10to13 = await startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' });
    servers.tls11to12 = await startTlsServer(pki.good, { min: 'TLSv1.1', max: 'TLSv1.2' });
    servers.tls12 = await startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.2' });
    servers.tls13 = await startTlsServer(pki.good, { min: 'TLSv1.3', max: 'TLSv1.3' });
    servers.tls12and13 = await startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' });
    servers.legacy = await startRawServer(legacyResponder);
  });

  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it.each(['tls10', 'tls10to13', 'tls11to12', 'tls12', 'tls13', 'tls12and13', 'legacy'])(
    '%s: every version sslscan can test gets the same verdict',
    async (name) => {
      const port = servers[name].port;
      const [ours] = await checkEndpoint(
        { id: name, host: '127.0.0.1', port },
        { allowPrivate: true, timeoutMs: 2000 },
      );
      const theirs = await sslscanProtocols(port);
      if (!sslv3Comparable) delete theirs.SSLv3;
      // sslscan must have judged at least the TLS versions, or the comparison proves nothing.
      expect(Object.keys(theirs)).toEqual(expect.arrayContaining(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']));
      for (const [protocol, verdict] of Object.entries(theirs)) {
        expect({ protocol, verdict: ours.protocols[protocol as ProtocolName] }).toEqual({ protocol, verdict });
      }
    },
  );

  it('where sslscan cannot see SSLv3, the raw probe still does', async () => {
    const [ours] = await checkEndpoint(
      { id: 'legacy', host: '127.0.0.1', port: servers.legacy.port },
      { allowPrivate: true, timeoutMs: 2000 },
    );
    expect(ours.protocols.SSLv3).toBe('accepted');
    expect(ours.protocols.TLSv1).toBe('accepted');
    if (!sslv3Comparable) expect((await sslscanProtocols(servers.legacy.port)).SSLv3).toBe('rejected');
  });
});
