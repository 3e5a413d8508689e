import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkEndpoint, type EndpointCheckResult, type TlsCheckOptions } from '../../shared/tls';
import { type ProbeOutcome, withRetry } from '../../shared/tls/connection';
import { parseServerAnswer } from '../../shared/tls/server-answer';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import { type RunningServer, serverHelloRecord, startRawServer, startTlsServer } from '../support/tls-servers';
import { belowTls12, type FrontAction, startFront } from './helpers/fronts';

/**
 * How a version the server turns away is read. A fatal alert, a reset or a close in answer to the ClientHello,
 * seen on two attempts, is `rejected` when another version completes its handshake on the same address, and
 * `error` when none does. Fronts (loopback proxies) before a Node TLS server that accepts TLS 1.0 to 1.3 make the
 * refusals, so the only thing turning the old versions away is the front.
 */

const ids = (result: EndpointCheckResult): string[] => result.findings.map((f) => f.id).sort();

describe('withRetry: a refusal is probed twice before it counts', () => {
  const attempts = (...outcomes: ProbeOutcome[]) => {
    let calls = 0;
    return { run: () => Promise.resolve(outcomes[calls++]), calls: () => calls };
  };
  const alert = (name: string): ProbeOutcome => ({ verdict: 'error', reason: `alert ${name}`, failure: 'alert' });
  const reset: ProbeOutcome = { verdict: 'error', reason: 'reset after ClientHello', failure: 'reset' };
  const timeout: ProbeOutcome = { verdict: 'error', reason: 'no answer before timeout', failure: 'timeout' };
  const accepted: ProbeOutcome = { verdict: 'accepted', reason: 'ServerHello TLS 1.0' };
  const protocolVersion: ProbeOutcome = { verdict: 'rejected', reason: 'alert protocol_version' };

  it('the same refusal sign twice: still an error, carrying the evidence for the caller', async () => {
    const probe = attempts(alert('internal_error'), alert('internal_error'));
    expect(await withRetry(probe.run)).toEqual({
      verdict: 'error',
      reason: 'alert internal_error',
      failure: 'alert',
      refusal: 'alert internal_error',
      attempts: 2,
    });
  });

  it('two different refusals keep both pieces of evidence', async () => {
    const probe = attempts(alert('internal_error'), reset);
    expect(await withRetry(probe.run)).toMatchObject({
      verdict: 'error',
      refusal: 'alert internal_error, then reset after ClientHello',
      attempts: 2,
    });
  });

  it('an explicit refusal twice is rejected', async () => {
    const probe = attempts(protocolVersion, protocolVersion);
    expect(await withRetry(probe.run)).toEqual({ ...protocolVersion, attempts: 2 });
  });

  it('a refusal followed by a ServerHello was a transient: accepted', async () => {
    expect(await withRetry(attempts(reset, accepted).run)).toEqual({ ...accepted, attempts: 2 });
  });

  it('a refusal followed by silence proves nothing: the timeout stands, no refusal evidence', async () => {
    const outcome = await withRetry(attempts(protocolVersion, timeout).run);
    expect(outcome).toEqual({ ...timeout, attempts: 2 });
  });

  it('an acceptance or a non-TLS answer is not probed again', async () => {
    const once = attempts(accepted, accepted);
    expect(await withRetry(once.run)).toEqual({ ...accepted, attempts: 1 });
    expect(once.calls()).toBe(1);
    const notTls = attempts({ verdict: 'error', reason: 'not TLS', failure: 'not-tls' });
    expect((await withRetry(notTls.run)).attempts).toBe(1);
  });
});

describe('refusals on live servers', () => {
  let pki: TestPki;
  let backend: RunningServer;
  const servers: RunningServer[] = [];
  let options: TlsCheckOptions;

  const check = async (server: RunningServer, extra: Partial<TlsCheckOptions> = {}): Promise<EndpointCheckResult> => {
    const results = await checkEndpoint(
      { id: 'front', host: 'localhost', port: server.port },
      { ...options, ...extra },
    );
    expect(results).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(results[0]))).toEqual(results[0]);
    return results[0];
  };
  const front = async (decide: (clientVersion: number) => FrontAction): Promise<RunningServer> => {
    const started = await startFront(backend.port, decide);
    servers.push(started);
    return started;
  };

  beforeAll(async () => {
    pki = buildTestPki();
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    options = { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 1500, lookup };
    backend = await startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' });
    servers.push(backend);
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('the backend alone accepts every TLS version, so any refusal below comes from the front', async () => {
    const r = await check(backend);
    expect(r.protocols).toMatchObject({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.3': 'accepted' });
  });

  it.each([
    ['a reset (Windows Schannel)', 'reset' as const, 'reset after ClientHello'],
    ['an internal_error alert (Debian OpenSSL 3)', { alert: 80 }, 'alert internal_error'],
    ['a handshake_failure alert', { alert: 40 }, 'alert handshake_failure'],
    ['a protocol_version alert', { alert: 70 }, 'alert protocol_version'],
    ['a close without an answer (IIS)', 'close' as const, 'closed after ClientHello without an answer'],
  ])(
    'old versions turned away with %s are rejected, with the evidence; the endpoint is compliant',
    async (_, action, evidence) => {
      const r = await check(await front(belowTls12(action)));
      expect(r.protocols).toEqual({
        SSLv3: 'rejected',
        TLSv1: 'rejected',
        'TLSv1.1': 'rejected',
        'TLSv1.2': 'accepted',
        'TLSv1.3': 'accepted',
      });
      for (const name of ['SSLv3', 'TLSv1', 'TLSv1.1'] as const) {
        expect(r.protocolDetails[name]).toEqual({ verdict: 'rejected', reason: evidence, attempts: 2 });
      }
      expect(r.findings).toEqual([]);
      expect(r.compliant).toBe(true);
    },
  );

  it('a reset on the first TLS 1.0 hello only is a transient: the second probe finds TLS 1.0 accepted', async () => {
    let tls10Hellos = 0;
    const flaky = await front((version) => (version === 0x0301 && tls10Hellos++ === 0 ? 'reset' : 'pass'));
    const r = await check(flaky);
    expect(r.protocolDetails.TLSv1).toMatchObject({ verdict: 'accepted', attempts: 2 });
    expect(r.protocolDetails['TLSv1.1']).toMatchObject({ verdict: 'accepted', attempts: 1 });
    expect(ids(r)).toEqual(['TLS1_0_ACCEPTED', 'TLS1_1_ACCEPTED']);
  });

  it('a reset, then silence, is no refusal: TLS 1.0 stays undetermined', async () => {
    let tls10Hellos = 0;
    const resetThenSilent = await front((version) => {
      if (version !== 0x0301) return 'pass';
      return tls10Hellos++ === 0 ? 'reset' : 'hold';
    });
    const r = await check(resetThenSilent, { timeoutMs: 400 });
    expect(r.protocolDetails.TLSv1).toEqual({ verdict: 'error', reason: 'no answer before timeout', attempts: 2 });
    expect(ids(r)).toEqual(['PROTOCOL_UNDETERMINED', 'TLS1_1_ACCEPTED']);
    expect(r.compliant).toBe(false);
  });

  it('where no version completes a handshake, resets tell nothing: error, not compliant', async () => {
    // Resets hellos below TLS 1.2; to TLS 1.2 sends a ServerHello and closes, so no handshake ever completes.
    const neverCompletes = await startRawServer((socket) => {
      let data = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        if (data.length < 11) return;
        socket.removeAllListeners('data');
        if (data.readUInt16BE(9) < 0x0303) socket.resetAndDestroy();
        else socket.end(serverHelloRecord(0x0303, 0xc02f));
      });
    });
    servers.push(neverCompletes);
    const r = await check(neverCompletes);
    expect(r.protocols).toMatchObject({ SSLv3: 'error', TLSv1: 'error', 'TLSv1.1': 'error', 'TLSv1.2': 'accepted' });
    expect(r.protocolDetails.TLSv1.reason).toBe(
      'reset after ClientHello; no version completed a handshake on this address, so this does not tell whether the version is offered',
    );
    expect(r.protocolDetails.TLSv1.attempts).toBe(2);
    expect(ids(r)).toEqual(['CERT_UNAVAILABLE', 'PROTOCOL_UNDETERMINED']);
    expect(r.compliant).toBe(false);
  });

  it('a TLS 1.3 handshake cut after the server chose TLS 1.3 is a failed handshake, never a refusal', async () => {
    // Passes everything to the backend, but when the backend's ServerHello chooses TLS 1.3, forwards only that
    // record and closes: the server accepted the version, then the handshake broke.
    const cutsTls13 = await startRawServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: backend.port });
      let reply = Buffer.alloc(0);
      let relaying = false;
      let cut = false;
      upstream.on('data', (chunk: Buffer) => {
        if (relaying) return void client.write(chunk);
        reply = Buffer.concat([reply, chunk]);
        const answer = parseServerAnswer(reply);
        if (answer.kind === 'incomplete') return;
        if (answer.kind === 'server-hello' && answer.version === 0x0304) {
          cut = true;
          upstream.destroy();
          return void client.end(reply.subarray(0, 5 + reply.readUInt16BE(3)));
        }
        relaying = true;
        client.write(reply);
      });
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => {
        if (!cut) client.destroy();
      });
      client.on('close', () => upstream.destroy());
      client.on('data', (chunk: Buffer) => {
        if (!cut) upstream.write(chunk);
      });
    });
    servers.push(cutsTls13);
    const r = await check(cutsTls13);
    expect(r.protocols.TLSv1).toBe('accepted');
    expect(r.protocolDetails['TLSv1.3']).toMatchObject({
      verdict: 'error',
      reason: 'handshake broken off after the server chose the version (connection closed)',
    });
    expect(r.certificate).not.toBeNull();
  });
});
