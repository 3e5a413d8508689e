import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { guardedLookup, type ResolveAll } from '../../shared/net/guarded-lookup';
import { type FetchOptions, fetchResource } from '../../shared/notices';
import { type ConnectionObserver, observeConnections } from '../support/connection-observer';
import { NOTICE_FIXTURES, type NoticeServer, respond, startNoticeServer } from '../support/notice-server';

/**
 * The address policy of every fetch: the watched URL's host is trusted whatever its address, and any
 * other host a redirect leads to must resolve to a public address, checked at connection time.
 * "Not contacted" is asserted on the connection layer (observeConnections) and, for 127.0.0.2 and a
 * second loopback port, by listeners that must see nothing.
 */

const FAST: FetchOptions = { timeoutMs: 2_000, retries: 0, retryBackoffMs: 10 };

interface Listener {
  readonly host: string;
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}

/** A server that would hand out internal data if it were ever reached. */
async function internalListener(host: string): Promise<Listener> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '/');
    res
      .writeHead(200, { 'content-type': 'text/markdown', etag: '"internal"' })
      .end('# Internal secret\n\ntoken=s3cr3t\n');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    host,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: NoticeServer;
/** On 127.0.0.2: another loopback address, another host. */
let second: Listener;
/** On 127.0.0.1 but another port: reached as localhost:Q and 2130706433:Q. */
let sidecar: Listener;
let observer: ConnectionObserver;

beforeAll(async () => {
  [server, second, sidecar] = await Promise.all([
    startNoticeServer({ fixtures: NOTICE_FIXTURES }),
    internalListener('127.0.0.2'),
    internalListener('127.0.0.1'),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), second?.close(), sidecar?.close()]);
});
afterEach(() => observer?.stop());

/** Each internal target and the connection-layer address that must never be tried for it. */
function internalTargets(): Array<{ location: string; address: string }> {
  return [
    { location: 'http://10.0.0.1/notice.md', address: '10.0.0.1' },
    { location: `http://127.0.0.2:${second.port}/notice.md`, address: `127.0.0.2:${second.port}` },
    { location: `http://localhost:${sidecar.port}/notice.md`, address: `127.0.0.1:${sidecar.port}` },
    { location: 'http://169.254.169.254/latest/meta-data/', address: '169.254.169.254' },
    { location: 'http://168.63.129.16/machine?comp=goalstate', address: '168.63.129.16' },
    { location: `http://2130706433:${sidecar.port}/notice.md`, address: `127.0.0.1:${sidecar.port}` },
    { location: `http://[::ffff:127.0.0.2]:${second.port}/notice.md`, address: `::ffff:127.0.0.2:${second.port}` },
    { location: `http://0x7f.2:${second.port}/notice.md`, address: `127.0.0.2:${second.port}` },
    { location: `http://[::1]:${sidecar.port}/notice.md`, address: `::1:${sidecar.port}` },
    { location: 'http://[::ffff:a9fe:a9fe]/latest/meta-data/', address: '::ffff:169.254.169.254' },
  ];
}

describe('redirects off the watched host', () => {
  it('into internal addresses are refused with FETCH_ADDRESS_FORBIDDEN before any connection', async () => {
    observer = observeConnections();
    for (const [index, target] of internalTargets().entries()) {
      server.routes.set(`/to-internal-${index}.md`, respond(302, '', { location: target.location }));
      const result = await fetchResource(`${server.origin}/to-internal-${index}.md`, FAST);
      expect(result.ok, target.location).toBe(false);
      if (result.ok) continue;
      expect(result.problem.code, target.location).toBe('FETCH_ADDRESS_FORBIDDEN');
      expect(result.problem.message).toContain(
        `hosts other than the watched notice's own (${new URL(server.origin).host})`,
      );
      expect(observer.touched(target.address), target.location).toEqual([]);
    }
    expect(second.requests).toEqual([]);
    expect(sidecar.requests).toEqual([]);
    // The watched host itself was contacted once per case.
    expect(observer.attempts.filter((a) => a === `127.0.0.1:${new URL(server.origin).port}`)).toHaveLength(
      internalTargets().length,
    );
  });

  it('names the range, and suggests allowPrivateRedirects only where it could help', async () => {
    server.routes.set('/to-localhost.md', respond(302, '', { location: `http://localhost:${sidecar.port}/x.md` }));
    server.routes.set('/to-metadata.md', respond(302, '', { location: 'http://169.254.169.254/' }));
    const local = await fetchResource(`${server.origin}/to-localhost.md`, FAST);
    const metadata = await fetchResource(`${server.origin}/to-metadata.md`, FAST);
    expect(!local.ok && local.problem.message).toMatch(
      /its host localhost resolves to 127\.0\.0\.1 \(loopback\).*"allowPrivateRedirects": true/,
    );
    expect(!metadata.ok && metadata.problem.message).toMatch(/its address 169\.254\.169\.254 is cloud-metadata/);
    expect(!metadata.ok && metadata.problem.message).not.toContain('allowPrivateRedirects');
  });

  it('stay on the watched host whatever its address: loopback notices and same-host redirects still work', async () => {
    server.routes.set('/moved.md', respond(301, '', { location: `${server.origin}/here.md` }));
    server.routes.set('/here.md', respond(200, '# Notice\n'));
    const result = await fetchResource(`${server.origin}/moved.md`, FAST);
    expect(result.ok && result.value.kind === 'fetched' && result.value.text).toBe('# Notice\n');
  });

  it('with allowPrivateRedirects reach internal hosts, but never metadata or platform addresses', async () => {
    observer = observeConnections();
    server.routes.set('/intranet.md', respond(302, '', { location: `http://127.0.0.2:${second.port}/intranet.md` }));
    server.routes.set('/intranet-named.md', respond(302, '', { location: `http://localhost:${sidecar.port}/n.md` }));
    server.routes.set('/meta.md', respond(302, '', { location: 'http://169.254.169.254/latest/meta-data/' }));
    server.routes.set('/wire.md', respond(302, '', { location: 'http://168.63.129.16/machine' }));
    const options = { ...FAST, allowPrivateRedirects: true };
    const intranet = await fetchResource(`${server.origin}/intranet.md`, options);
    const named = await fetchResource(`${server.origin}/intranet-named.md`, options);
    expect(intranet.ok && intranet.value.kind === 'fetched' && intranet.value.finalUrl).toBe(
      `http://127.0.0.2:${second.port}/intranet.md`,
    );
    expect(named.ok).toBe(true);
    expect(second.requests).toEqual(['/intranet.md']);
    expect(sidecar.requests).toEqual(['/n.md']);
    for (const path of ['/meta.md', '/wire.md']) {
      const refused = await fetchResource(`${server.origin}${path}`, options);
      expect(!refused.ok && refused.problem.code).toBe('FETCH_ADDRESS_FORBIDDEN');
    }
    expect(observer.touched('169.254.169.254')).toEqual([]);
    expect(observer.touched('168.63.129.16')).toEqual([]);
  });

  it('an explicit trustedHost holds for the first request too (an include on a redirected site)', async () => {
    observer = observeConnections();
    const seenBefore = sidecar.requests.length;
    const result = await fetchResource(`http://localhost:${sidecar.port}/include.md`, {
      ...FAST,
      trustedHost: 'notices.example',
    });
    expect(!result.ok && result.problem.code).toBe('FETCH_ADDRESS_FORBIDDEN');
    expect(sidecar.requests).toHaveLength(seenBefore);
    expect(observer.touched(`127.0.0.1:${sidecar.port}`)).toEqual([]);
  });
});

describe('guardedLookup', () => {
  /** A resolver that answers from a script, one answer per call: a rebinding name. */
  function scripted(answers: string[][]): ResolveAll {
    let call = 0;
    return (_host, _options, callback) => {
      const addresses = answers[Math.min(call, answers.length - 1)];
      call += 1;
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
  }

  function lookupOnce(lookup: ReturnType<typeof guardedLookup>, all: boolean) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      lookup('rebind.example', { all }, (error, address) => resolve({ error, address })),
    );
  }

  it('vets what each connection resolves, so a name that turns private after a public answer is refused', async () => {
    const refusals: string[] = [];
    const lookup = guardedLookup(
      false,
      (r) => refusals.push(`${r.host} ${r.address} ${r.reason}`),
      scripted([['93.184.216.34'], ['127.0.0.2']]),
    );
    expect(await lookupOnce(lookup, false)).toEqual({ error: null, address: '93.184.216.34' });
    const second = await lookupOnce(lookup, true);
    expect(second.error?.code).toBe('ADDRESS_FORBIDDEN');
    expect(refusals).toEqual(['rebind.example 127.0.0.2 loopback']);
  });

  it('refuses a name when any of its addresses is internal, and passes every address when all are public', async () => {
    const mixed = guardedLookup(false, () => undefined, scripted([['93.184.216.34', '10.1.2.3']]));
    expect((await lookupOnce(mixed, true)).error?.code).toBe('ADDRESS_FORBIDDEN');
    const publicOnly = guardedLookup(false, () => undefined, scripted([['93.184.216.34', '2606:2800:220:1::1']]));
    expect((await lookupOnce(publicOnly, true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });
});
