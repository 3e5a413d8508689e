import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeDriftHttpHandler } from '../../functions/drift-http';
import { makeDriftTimerHandler } from '../../functions/drift-timer';
import { fail } from '../../shared/common/result';
import { readLatest } from '../../shared/reports';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { fakeTimer } from '../support/fakes';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1, noticeV2 } from '../support/sample-notices';

let storage: TestStorage;
let server: NoticeServer;
beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  server.setText('/a.md', noticeV1());
  server.setText('/b.md', noticeV2());
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

function watchlist() {
  return {
    notices: [
      { id: 'http-a', url: `${server.origin}/a.md`, format: 'markdown' },
      { id: 'http-b', url: `${server.origin}/b.md`, format: 'markdown' },
    ],
  };
}

describe('driftHttp', () => {
  it('runs one notice on POST ?notice=ID and returns the run summary', async () => {
    const handler = makeDriftHttpHandler(testDeps(storage.store, watchlist()));
    const { context, logs } = testContext('driftHttp');
    const response = await handler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift?notice=http-a' }),
      context,
    );
    expect(response.status).toBe(200);
    const body = response.jsonBody as { runId: string; notices: Array<{ id: string; status: string; report: string }> };
    expect(body.notices.map((notice) => [notice.id, notice.status])).toEqual([['http-a', 'baseline']]);
    expect(body.notices[0].report).toMatch(/^drift\/\d{4}\/\d{2}\/\d{2}\/http-a\//);
    expect(logs.some((log) => log.message.includes('http-a: baseline'))).toBe(true);
  });

  it('runs the whole watchlist without a notice parameter', async () => {
    const handler = makeDriftHttpHandler(testDeps(storage.store, watchlist()));
    const response = await handler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift' }),
      testContext('driftHttp').context,
    );
    const body = response.jsonBody as { notices: Array<{ id: string; status: string }> };
    expect(body.notices.map((notice) => notice.id).sort()).toEqual(['http-a', 'http-b']);
  });

  it('answers 4xx with a clear message for bad input, never a stack trace', async () => {
    const handler = makeDriftHttpHandler(testDeps(storage.store, watchlist()));
    const cases: Array<[HttpRequest, number, string]> = [
      [new HttpRequest({ method: 'GET', url: 'http://localhost/api/drift' }), 405, 'METHOD_NOT_ALLOWED'],
      [
        new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift?notice=../../etc' }),
        400,
        'NOTICE_ID_INVALID',
      ],
      [new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift?notice=nope' }), 404, 'NOTICE_NOT_FOUND'],
    ];
    for (const [request, status, code] of cases) {
      const response = await handler(request, testContext('driftHttp').context);
      expect(response.status).toBe(status);
      expect(response.jsonBody).toMatchObject({ error: { code } });
      expect(JSON.stringify(response.jsonBody)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('answers 503 when storage is unavailable', async () => {
    const deps = {
      ...testDeps(storage.store, watchlist()),
      getStore: async () => fail<never>('STORAGE_ERROR', 'Storage (http://127.0.0.1:9) failed to read'),
    };
    const response = await makeDriftHttpHandler(deps)(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift' }),
      testContext('driftHttp').context,
    );
    expect(response.status).toBe(503);
  });
});

describe('driftTimer', () => {
  it('checks the whole watchlist and updates latest.json', async () => {
    const { context, logs } = testContext('driftTimer');
    await makeDriftTimerHandler(testDeps(storage.store, watchlist()))(fakeTimer(true), context);
    expect(logs.some((log) => log.level === 'warning' && log.message.includes('past due'))).toBe(true);
    expect(logs.some((log) => /drift run .*: \d+ changed/.test(log.message))).toBe(true);
    const latest = await readLatest(storage.store);
    expect(latest.ok && Object.keys(latest.value.notices).sort()).toEqual(['http-a', 'http-b']);
  });
});
