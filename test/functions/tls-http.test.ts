import type net from 'node:net';

import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FunctionDeps } from '../../functions/function-deps';
import { makeTlsHttpHandler } from '../../functions/tls-http';
import { makeTlsTimerHandler } from '../../functions/tls-timer';
import { fail } from '../../shared/common/result';
import { readLatest, readReport } from '../../shared/reports';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { fakeTimer, faultyStore } from '../support/fakes';
import { testContext, testDeps } from '../support/function-harness';
import { recordHostileInput } from '../support/reliability-tally';
import { buildTestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer } from '../support/tls-servers';

let storage: TestStorage;
let modern: RunningServer;
let attempts: Array<{ address: string; port: number }>;

beforeAll(async () => {
  [storage, modern] = await Promise.all([
    startTestStorage(),
    startTlsServer(buildTestPki().good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
  ]);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), modern?.close()]);
});

/** The connection layer is intercepted: every attempt is recorded and none reaches the network. */
function interceptingDeps(env: Record<string, string>, names: Record<string, string[]> = {}): FunctionDeps {
  attempts = [];
  const base = testDeps(storage.store, { endpoints: [{ id: 'listed', host: 'listed.example', port: 443 }] }, env);
  return {
    ...base,
    tls: {
      lookup: async (host) => {
        const addresses = names[host];
        if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
      connect: (address: string, port: number): net.Socket => {
        attempts.push({ address, port });
        throw new Error(`test interceptor: refused to connect to ${address}:${port}`);
      },
    },
  };
}

const FORBIDDEN_TARGETS = [
  '127.0.0.1',
  '127.1.2.3',
  '2130706433',
  '0x7f.1',
  '017700000001',
  '0x7f000001',
  'localhost',
  '10.0.0.1',
  '172.16.5.4',
  '192.168.1.1',
  '169.254.169.254',
  '169.254.0.1',
  '100.64.0.1',
  '0.0.0.0',
  '168.63.129.16',
  '192.0.2.10',
  '198.18.0.1',
  '240.0.0.1',
  '255.255.255.255',
  '224.0.0.1',
  '[::1]',
  '[::]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[fe80::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:169.254.169.254]',
  '[::ffff:10.0.0.1]',
  '[64:ff9b::a9fe:a9fe]',
  '[2002:7f00:1::]',
  '[2001:db8::1]',
  'internal.example',
  'rebind.example',
];

describe('tlsHttp request-forgery guard', () => {
  it.each(FORBIDDEN_TARGETS)('refuses %s with 403 and opens no connection', async (target) => {
    const deps = interceptingDeps(
      { TLS_ALLOW_ANY_HOST: 'true' },
      {
        localhost: ['127.0.0.1'],
        'internal.example': ['10.1.2.3'],
        'rebind.example': ['93.184.216.34', '169.254.169.254'],
      },
    );
    const host = target.replace(/^\[|\]$/g, '');
    for (const request of [
      new HttpRequest({ method: 'GET', url: `http://localhost/api/tls?host=${encodeURIComponent(host)}&port=443` }),
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/tls',
        body: { string: JSON.stringify([`${target}:443`]) },
      }),
    ]) {
      const response = await makeTlsHttpHandler(deps)(request, testContext('tlsHttp').context);
      expect(response.status).toBe(403);
      expect(response.jsonBody).toMatchObject({ error: { code: 'TARGET_NOT_ALLOWED' } });
    }
    expect(attempts).toEqual([]);
    recordHostileInput(`tls SSRF target ${target}`);
  });

  it('says the same for a name that does not exist as for a forbidden one', async () => {
    const deps = interceptingDeps({ TLS_ALLOW_ANY_HOST: 'true' }, { 'internal.example': ['10.1.2.3'] });
    const ask = async (host: string) =>
      await makeTlsHttpHandler(deps)(
        new HttpRequest({ method: 'GET', url: `http://localhost/api/tls?host=${host}` }),
        testContext('tlsHttp').context,
      );
    const forbidden = await ask('internal.example');
    const missing = await ask('no-such-host.example');
    expect(forbidden.status).toBe(missing.status);
    const text = (response: typeof forbidden) =>
      JSON.stringify(response.jsonBody).replace(/internal\.example|no-such-host\.example/g, 'HOST');
    expect(text(forbidden)).toBe(text(missing));
    expect(attempts).toEqual([]);
  });

  it('checks only watchlist endpoints unless TLS_ALLOW_ANY_HOST=true', async () => {
    const deps = interceptingDeps({}, { 'public.example': ['93.184.216.34'] });
    const response = await makeTlsHttpHandler(deps)(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/tls?host=public.example&port=443' }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(403);
    expect(JSON.stringify(response.jsonBody)).toContain('not an endpoint on the watchlist');
    expect(attempts).toEqual([]);
  });

  it.each([
    ['GET', 'http://localhost/api/tls', undefined, 400, 'HOST_INVALID'],
    ['GET', 'http://localhost/api/tls?host=example.test&port=0', undefined, 400, 'PORT_INVALID'],
    ['GET', 'http://localhost/api/tls?host=example.test&port=65536', undefined, 400, 'PORT_INVALID'],
    ['GET', 'http://localhost/api/tls?host=example.test&port=44x', undefined, 400, 'PORT_INVALID'],
    ['GET', 'http://localhost/api/tls?host=exa%20mple', undefined, 400, 'HOST_INVALID'],
    ['GET', 'http://localhost/api/tls?host=%E0%A4%A', undefined, 400, 'HOST_INVALID'],
    ['POST', 'http://localhost/api/tls', '{"endpoints": [', 400, 'JSON_INVALID'],
    ['POST', 'http://localhost/api/tls', '"example.test"', 400, 'JSON_INVALID'],
    ['POST', 'http://localhost/api/tls', '[]', 400, 'TARGET_INVALID'],
    [
      'POST',
      'http://localhost/api/tls',
      JSON.stringify([{ host: 'example.test', ca: '/etc/passwd' }]),
      400,
      'TARGET_INVALID',
    ],
    [
      'POST',
      'http://localhost/api/tls',
      JSON.stringify(Array.from({ length: 21 }, () => 'example.test')),
      400,
      'TOO_MANY_TARGETS',
    ],
    ['POST', 'http://localhost/api/tls', JSON.stringify(['x'.repeat(20_000)]), 413, 'BODY_TOO_LARGE'],
    ['DELETE', 'http://localhost/api/tls?host=example.test', undefined, 405, 'METHOD_NOT_ALLOWED'],
  ])('%s %s %s answers %i %s', async (method, url, body, status, code) => {
    const deps = interceptingDeps({ TLS_ALLOW_ANY_HOST: 'true' });
    const response = await makeTlsHttpHandler(deps)(
      new HttpRequest({ method, url, ...(body !== undefined ? { body: { string: body } } : {}) }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(status);
    expect(response.jsonBody).toMatchObject({ error: { code } });
    expect(JSON.stringify(response.jsonBody)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(attempts).toEqual([]);
    recordHostileInput(`tls HTTP ${code} for ${method} ${url.slice(0, 40)}`);
  });
});

describe('tlsHttp and tlsTimer against a local TLS server', () => {
  function localDeps(env: Record<string, string>): FunctionDeps {
    const deps = testDeps(
      storage.store,
      { endpoints: [{ id: 'local-modern', host: 'localhost', port: modern.port }] },
      env,
    );
    return {
      ...deps,
      tls: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
      settings: { ...deps.settings, tlsTimeoutMs: 2_000 },
    };
  }

  it('checks a watchlist endpoint on demand when private addresses are allowed', async () => {
    const response = await makeTlsHttpHandler(localDeps({ TLS_ALLOW_PRIVATE: 'true' }))(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/tls?host=localhost&port=${modern.port}` }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(200);
    const body = response.jsonBody as {
      endpoints: Array<{ id: string; protocols: Record<string, string>; report: string }>;
    };
    expect(body.endpoints[0]).toMatchObject({
      id: 'local-modern',
      protocols: {
        SSLv3: 'rejected',
        TLSv1: 'rejected',
        'TLSv1.1': 'rejected',
        'TLSv1.2': 'accepted',
        'TLSv1.3': 'accepted',
      },
    });
    const report = await readReport<{ kind: string; schemaVersion: number }>(storage.store, body.endpoints[0].report);
    expect(report.ok && report.value).toMatchObject({ kind: 'endpoint-check', schemaVersion: 1 });
  });

  it('checks a target named twice in a POST body once', async () => {
    const response = await makeTlsHttpHandler(localDeps({ TLS_ALLOW_PRIVATE: 'true' }))(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/tls',
        body: { string: JSON.stringify([`localhost:${modern.port}`, { host: 'LOCALHOST', port: modern.port }]) },
      }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(200);
    expect(
      (response.jsonBody as { endpoints: Array<{ id: string }> }).endpoints.map((endpoint) => endpoint.id),
    ).toEqual(['local-modern']);
  });

  it('answers 503 with the run when no endpoint report could be written', async () => {
    const secret = 'https://acct.blob.core.windows.net/reports?sv=2024&sig=TOPSECRET';
    const failing = faultyStore(storage.store, {
      create: async () => fail('STORAGE_ERROR', `Storage (${secret}) failed to write: down`),
      swap: async () => fail('STORAGE_ERROR', `Storage (${secret}) failed to swap: down`),
    });
    const deps = localDeps({ TLS_ALLOW_PRIVATE: 'true' });
    const response = await makeTlsHttpHandler({ ...deps, getStore: async () => ({ ok: true, value: failing }) })(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/tls?host=localhost&port=${modern.port}` }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(503);
    const body = response.jsonBody as {
      error: { code: string; message: string };
      run: { endpoints: Array<{ id: string; report: string | null }> };
    };
    expect(body.error.code).toBe('STORAGE_ERROR');
    expect(body.error.message).not.toContain('TOPSECRET');
    expect(body.run.endpoints).toMatchObject([{ id: 'local-modern', report: null }]);
  });

  it('refuses the same loopback endpoint when private addresses are not allowed', async () => {
    const response = await makeTlsHttpHandler(localDeps({}))(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/tls?host=localhost&port=${modern.port}` }),
      testContext('tlsHttp').context,
    );
    expect(response.status).toBe(403);
  });

  it('the timer checks every watchlist endpoint and records it in latest.json', async () => {
    const { context, logs } = testContext('tlsTimer');
    await makeTlsTimerHandler(localDeps({}))(fakeTimer(), context);
    expect(logs.some((log) => /tls run .*: \d+ compliant/.test(log.message))).toBe(true);
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.endpoints['local-modern']).toMatchObject({
      host: 'localhost',
      port: modern.port,
      protocols: { 'TLSv1.2': 'accepted' },
    });
  });
});
