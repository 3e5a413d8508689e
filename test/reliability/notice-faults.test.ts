import type { IncomingMessage, ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import type { FetchOptions } from '../../shared/notices';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { ERROR_PAGE, noticeV1, noticeV2 } from '../support/sample-notices';
import {
  check,
  expectNothingMoved,
  type RawHttpServer,
  rawResponse,
  reportsOf,
  startRawHttpServer,
  stateOf,
  watchForCrashes,
} from './helpers/drift-harness';

/**
 * Notice servers misbehaving, end to end through checkNotice against a real Azurite: each fault
 * gives an error with a specific code, moves nothing (pointer, blobs, change reports), and the
 * next good fetch goes on as if it never happened.
 */

let storage: TestStorage;
let server: NoticeServer;
let raw: RawHttpServer;
const crashes = watchForCrashes();

/** Small, so that every fault that ends in a timeout ends fast; no retries unless a test asks. */
const TIMEOUT_MS = 500;
const FAST: FetchOptions = { timeoutMs: TIMEOUT_MS, retries: 0, retryBackoffMs: 10 };

beforeAll(async () => {
  [storage, server, raw] = await Promise.all([startTestStorage(), startNoticeServer(), startRawHttpServer()]);
});
afterAll(async () => {
  crashes.stop();
  await Promise.all([storage?.stop(), server?.close(), raw?.close()]);
});

type Serve = (body: string) => void;

interface Scenario {
  readonly name: string;
  readonly notice: NoticeConfig;
  /** Serves a good version at the notice URL. */
  readonly serve: Serve;
  /** Makes the server misbehave. */
  readonly fault: () => void;
  /** Undoes a fault that serve() does not replace (an include's route). */
  readonly restore?: () => void;
  readonly code: string;
  readonly message?: RegExp;
  readonly fetchOptions?: FetchOptions;
  /** Upper bound on the failing check's duration. */
  readonly withinMs?: number;
  readonly v1?: string;
  readonly v2?: string;
}

/**
 * baseline v1 -> fault (error, nothing moved) -> v1 again (unchanged, lastGood as at baseline)
 * -> v2 (exactly one changed report, against v1's snapshot).
 */
async function survives(scenario: Scenario): Promise<void> {
  const { notice, serve } = scenario;
  const options = scenario.fetchOptions ?? FAST;
  const v1 = scenario.v1 ?? noticeV1();
  const v2 = scenario.v2 ?? noticeV2();

  serve(v1);
  const baseline = await check(storage.store, notice, options);
  expect(baseline.status, JSON.stringify(baseline.error)).toBe('baseline');
  const before = await stateOf(storage.store, notice.id);
  expect(before.lastGood?.snapshot).toBe(baseline.currentSnapshot);

  scenario.fault();
  const started = Date.now();
  const failed = await check(storage.store, notice, options);
  const elapsed = Date.now() - started;
  expect(failed.error?.code, JSON.stringify(failed.error)).toBe(scenario.code);
  if (scenario.message) expect(failed.error?.message).toMatch(scenario.message);
  expect(failed.previousSnapshot).toBe(baseline.currentSnapshot);
  expect(elapsed).toBeLessThan(scenario.withinMs ?? 3 * TIMEOUT_MS);
  await expectNothingMoved(storage.store, notice.id, before, failed);

  scenario.restore?.();
  serve(v1);
  const recovered = await check(storage.store, notice, options);
  expect(recovered.status, JSON.stringify(recovered.error)).toBe('unchanged');
  expect(recovered.currentSnapshot).toBe(baseline.currentSnapshot);
  const afterRecovery = await stateOf(storage.store, notice.id);
  expect(afterRecovery.lastGood?.hash).toBe(before.lastGood?.hash);
  expect(afterRecovery.lastGood?.snapshot).toBe(before.lastGood?.snapshot);
  expect(afterRecovery.blobs).toEqual(before.blobs);

  serve(v2);
  const changed = await check(storage.store, notice, options);
  expect(changed.status, JSON.stringify(changed.error)).toBe('changed');
  expect(changed.previousSnapshot).toBe(baseline.currentSnapshot);
  const changes = (await reportsOf(storage.store, notice.id)).filter((report) => report.status === 'changed');
  expect(changes).toHaveLength(1);
  expect(changes[0].previousSnapshot).toBe(baseline.currentSnapshot);
  expect(changes[0].currentSnapshot).toBe(changed.currentSnapshot);
}

/** A notice served by the ordinary test server at /<id>/privacy.md; versions without validators, so each check is a full fetch. */
function onNoticeServer(id: string): {
  notice: NoticeConfig;
  path: string;
  serve: Serve;
  set: (route: (req: IncomingMessage, res: ServerResponse) => void) => void;
} {
  const path = `/${id}/privacy.md`;
  return {
    notice: { id, url: `${server.origin}${path}`, format: 'markdown' },
    path,
    serve: (body) => server.setText(path, body, { etag: null }),
    set: (route) => server.set(path, route),
  };
}

/** A notice served by the hand-written HTTP server. */
function onRawServer(id: string): { notice: NoticeConfig; path: string; serve: Serve } {
  const path = `/${id}/privacy.md`;
  return {
    notice: { id, url: `${raw.origin}${path}`, format: 'markdown' },
    path,
    serve: (body) => raw.set(path, (socket) => socket.end(rawResponse(body))),
  };
}

/** Status line and headers of a 200 declaring `length` body bytes. */
function head(length: number): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: text/markdown; charset=utf-8\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
}

describe('notice server faults leave no trace', () => {
  it('connection reset mid-body, retried once: CONNECTION_RESET', async () => {
    const { notice, serve, set } = onNoticeServer('fault-reset');
    await survives({
      name: 'reset mid-body',
      notice,
      serve,
      fault: () =>
        set((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/markdown', 'content-length': '8000' });
          res.write(noticeV2().slice(0, 300));
          setTimeout(() => res.socket?.resetAndDestroy(), 20);
        }),
      code: 'CONNECTION_RESET',
      message: /reset after 300 body bytes.*gave up after 2 attempts/,
      fetchOptions: { ...FAST, retries: 1 },
    });
    recordFault('notice: reset mid-body');
  });

  it('stall after the headers: the timeout covers the body (FETCH_TIMEOUT)', async () => {
    const { notice, serve, set } = onNoticeServer('fault-stall');
    await survives({
      name: 'stall after headers',
      notice,
      serve,
      fault: () =>
        set((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/markdown', 'content-length': '5000' });
          res.write(noticeV2().slice(0, 200));
        }),
      code: 'FETCH_TIMEOUT',
      message: new RegExp(`within ${TIMEOUT_MS} ms \\(200 body bytes received\\)`),
      withinMs: TIMEOUT_MS + 700,
    });
    recordFault('notice: stall after headers');
  });

  // node-fetch (through Node's parser) stops at Content-Length. Extra bytes in the same packet made
  // it fail with a bare "Parse Error"; extra bytes in a later packet, or a second response glued
  // on, were silently dropped and the first Content-Length bytes came back as a complete body: a
  // cut-short notice, reported as a change. fetchResource now watches the connection after the
  // response and refuses such a body (BODY_OVERRUN).
  describe('body longer than Content-Length: BODY_OVERRUN, never a cut-short snapshot', () => {
    const cut = 400;

    it('extra bytes in the same packet', async () => {
      const { notice, serve, path } = onRawServer('fault-overrun-same');
      await survives({
        name: 'overrun same packet',
        notice,
        serve,
        fault: () => raw.set(path, (socket) => socket.end(head(cut) + noticeV2())),
        code: 'BODY_OVERRUN',
        message: new RegExp(`followed the ${cut} bytes announced by Content-Length`),
      });
      recordFault('notice: body longer than Content-Length (same packet)');
    });

    it('extra bytes in a later packet', async () => {
      const { notice, serve, path } = onRawServer('fault-overrun-later');
      const body = Buffer.from(noticeV2());
      await survives({
        name: 'overrun later packet',
        notice,
        serve,
        fault: () =>
          raw.set(path, (socket) => {
            socket.write(Buffer.concat([Buffer.from(head(cut)), body.subarray(0, cut)]));
            setTimeout(() => socket.end(body.subarray(cut)), 40);
          }),
        code: 'BODY_OVERRUN',
        message: new RegExp(`${body.length - cut} more bytes followed the ${cut} bytes announced by Content-Length`),
      });
      recordFault('notice: body longer than Content-Length (later packet)');
    });

    it('a second response glued after the declared length', async () => {
      const { notice, serve, path } = onRawServer('fault-overrun-glued');
      const body = noticeV2();
      await survives({
        name: 'overrun glued response',
        notice,
        serve,
        fault: () =>
          raw.set(path, (socket) =>
            socket.end(head(cut) + body.slice(0, cut) + rawResponse(body.slice(cut)).toString('latin1')),
          ),
        code: 'BODY_OVERRUN',
      });
      recordFault('notice: second response glued after Content-Length');
    });

    it('Content-Length counted in characters, not UTF-8 bytes', async () => {
      const { notice, serve, path } = onRawServer('fault-overrun-chars');
      // Accented text: more bytes than characters, so the declared length falls short.
      const v2 = noticeV2().replace('Data we collect', 'Données que nous collectons — détails');
      await survives({
        name: 'overrun char count',
        notice,
        serve,
        v2,
        fault: () =>
          raw.set(path, (socket) => socket.end(Buffer.concat([Buffer.from(head(v2.length)), Buffer.from(v2)]))),
        code: 'BODY_OVERRUN',
        message: /\d+ more bytes followed/,
      });
      recordFault('notice: Content-Length in characters');
    });
  });

  it('body shorter than Content-Length, then close: TRUNCATED_BODY without waiting for the timeout', async () => {
    const { notice, serve, path } = onRawServer('fault-short');
    await survives({
      name: 'short body',
      notice,
      serve,
      fault: () => raw.set(path, (socket) => socket.end(head(5000) + noticeV2().slice(0, 250))),
      code: 'TRUNCATED_BODY',
      message: /250 of the 5000 bytes announced by Content-Length/,
      withinMs: TIMEOUT_MS,
    });
    recordFault('notice: body shorter than Content-Length');
  });

  it('200 with an error page: SUSPECT_BODY, nothing stored', async () => {
    const { notice, serve } = onNoticeServer('fault-error-page');
    await survives({
      name: 'error page',
      notice,
      serve,
      fault: () => serve(ERROR_PAGE),
      code: 'SUSPECT_BODY',
      message: /error or stub page.*1 of 3/,
    });
    recordFault('notice: 200 with an error page');
  });

  it('200 with an empty body: EMPTY_BODY', async () => {
    const { notice, serve, set } = onNoticeServer('fault-empty');
    await survives({
      name: 'empty body',
      notice,
      serve,
      fault: () =>
        set((_req, res) => res.writeHead(200, { 'content-type': 'text/markdown', 'content-length': '0' }).end()),
      code: 'EMPTY_BODY',
      message: /HTTP 200 with an empty body/,
    });
    recordFault('notice: 200 with an empty body');
  });

  it('a redirect loop: REDIRECT_LOOP naming the loop', async () => {
    const { notice, serve, set, path } = onNoticeServer('fault-loop');
    await survives({
      name: 'redirect loop',
      notice,
      serve,
      fault: () => {
        set((_req, res) => res.writeHead(302, { location: '/fault-loop/elsewhere.md' }).end());
        server.set('/fault-loop/elsewhere.md', (_req, res) => res.writeHead(301, { location: path }).end());
      },
      code: 'REDIRECT_LOOP',
      message: new RegExp(`${path} -> .*/fault-loop/elsewhere.md -> .*${path}`),
    });
    recordFault('notice: redirect loop');
  });

  for (const target of ['file:///etc/passwd', 'javascript:alert(document.cookie)', 'ftp://127.0.0.1/privacy.md']) {
    const scheme = target.split(':')[0];
    it(`a redirect to ${scheme}: is refused (REDIRECT_SCHEME)`, async () => {
      const { notice, serve, set } = onNoticeServer(`fault-scheme-${scheme}`);
      await survives({
        name: `redirect to ${scheme}`,
        notice,
        serve,
        fault: () => set((_req, res) => res.writeHead(302, { location: target }).end()),
        code: 'REDIRECT_SCHEME',
        message: new RegExp(`redirected to ${scheme}: URL.*only http and https`),
      });
      recordFault(`notice: redirect to ${scheme}:`);
    });
  }

  it('an include that never answers: FETCH_TIMEOUT naming the include', async () => {
    const id = 'fault-include';
    const { notice, serve } = onNoticeServer(id);
    const includePath = `/${id}/includes/x.md`;
    const include = '## Retention\n\nWe delete personal data after 30 days.\n';
    const withInclude = (text: string) => `${text}\n[!INCLUDE[x](../${id}/includes/x.md)]\n`;
    server.setText(includePath, include, { etag: null });
    await survives({
      name: 'include never answers',
      notice,
      serve,
      v1: withInclude(noticeV1()),
      v2: withInclude(noticeV2()),
      fault: () => server.set(includePath, () => undefined),
      restore: () => server.setText(includePath, include, { etag: null }),
      code: 'FETCH_TIMEOUT',
      message: new RegExp(
        `Include ${server.origin}${includePath} \\(referenced from ${notice.url}\\).*within ${TIMEOUT_MS} ms`,
      ),
    });
    recordFault('notice: include never answers');
  });

  it('no unhandled rejection or uncaught exception escaped any fault', () => {
    expect(crashes.seen).toEqual([]);
  });
});
