import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newRunId, runTls } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import { checkEndpoint, type LookupFunction, resolveTarget } from '../../shared/tls';
import { buildTestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer } from '../support/tls-servers';

let server: RunningServer;

beforeAll(async () => {
  server = await startTlsServer(buildTestPki().good, { min: 'TLSv1.2', max: 'TLSv1.3' });
});
afterAll(async () => {
  await server?.close();
});

/** `boom.test` resolves to an address whose connect throws; everything else is the local server. */
const lookup: LookupFunction = async (host) => {
  if (host === 'hangs.test') return new Promise(() => undefined);
  return [{ address: host === 'boom.test' ? '127.0.0.3' : '127.0.0.1', family: 4 }];
};
const connect = (address: string, port: number): net.Socket => {
  if (address === '127.0.0.3') throw new TypeError('exotic failure inside the check');
  return net.connect({ host: address, port });
};

function identity() {
  const startedAt = new Date();
  return { runId: newRunId(startedAt), startedAt };
}

describe('an exception while checking one endpoint', () => {
  it('becomes an INTERNAL_ERROR result for that endpoint; the others keep theirs', async () => {
    const endpoints = [
      { id: 'first', host: 'localhost', port: server.port },
      { id: 'boom', host: 'boom.test', port: server.port },
      { id: 'third', host: 'localhost', port: server.port },
    ];
    const run = await runTls(new MemoryObjectStore(), endpoints, {
      ...identity(),
      tls: { allowPrivate: true, timeoutMs: 2_000, lookup, connect },
    });
    expect(run.notReached).toEqual([]);
    expect(run.endpoints.map((result) => result.id).sort()).toEqual(['boom', 'first', 'third']);
    const byId = Object.fromEntries(run.endpoints.map((result) => [result.id, result]));
    expect(byId.boom).toMatchObject({
      compliant: false,
      address: '127.0.0.3',
      problem: { code: 'INTERNAL_ERROR', message: expect.stringContaining('exotic failure inside the check') },
    });
    expect(byId.boom.findings.map((finding) => finding.id)).toEqual(['CHECK_FAILED']);
    for (const id of ['first', 'third']) {
      expect(byId[id].problem).toBeUndefined();
      expect(byId[id].protocols).toMatchObject({ 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    }
    // The result goes into a report: it must survive JSON.
    expect(JSON.parse(JSON.stringify(byId.boom))).toEqual(byId.boom);
  });

  it('is caught by checkEndpoint too', async () => {
    const results = await checkEndpoint(
      { id: 'boom', host: 'boom.test', port: server.port },
      { allowPrivate: true, lookup, connect },
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ compliant: false, problem: { code: 'INTERNAL_ERROR' } });
  });
});

describe('a resolver that never answers', () => {
  it('does not hold a run past its deadline', async () => {
    const started = Date.now();
    const run = await runTls(new MemoryObjectStore(), [{ id: 'hangs', host: 'hangs.test', port: 443 }], {
      ...identity(),
      hardDeadline: started + 150,
      tls: { lookup, timeoutMs: 60_000 },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(run.notReached).toEqual(['hangs']);
    expect(run.endpoints).toEqual([]);
  });

  it('gives up after the per-connection timeout', async () => {
    const started = Date.now();
    const [result] = await checkEndpoint({ id: 'hangs', host: 'hangs.test', port: 443 }, { lookup, timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({
      compliant: false,
      problem: { code: 'DNS_LOOKUP_FAILED', message: expect.stringContaining('timed out') },
    });
  });

  it('resolveTarget answers at once when the signal aborts, opaquely when asked', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const plain = resolveTarget('hangs.test', { lookup, signal: controller.signal });
    const opaque = resolveTarget('hangs.test', { lookup, signal: controller.signal, opaqueErrors: true });
    expect(await plain).toMatchObject({ ok: false, problem: { code: 'DNS_LOOKUP_FAILED' } });
    expect(await opaque).toEqual({
      ok: false,
      problem: { code: 'ADDRESS_FORBIDDEN', message: 'Target cannot be checked.' },
    });
  });

  it('a lookup that throws synchronously is a lookup failure', async () => {
    const throwing: LookupFunction = () => {
      throw Object.assign(new Error('boom'), { code: 'EBOOM' });
    };
    expect(await resolveTarget('x.test', { lookup: throwing })).toMatchObject({
      ok: false,
      problem: { code: 'DNS_LOOKUP_FAILED', message: expect.stringContaining('EBOOM') },
    });
  });
});
