import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeNoticeHistoryHandler } from '../../functions/history-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { makeReviewsHttpHandler, MAX_REVIEW_BODY_BYTES } from '../../functions/reviews-http';
import { fail } from '../../shared/common/result';
import type { HistoryPage, RecordedReview, ReviewTrail, SinceReview } from '../../shared/history';
import type { LatestDocument } from '../../shared/reports';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { changesOf, runSteps, type SeededRun, threeChanges } from '../support/change-history';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1 } from '../support/sample-notices';

let storage: TestStorage;
let server: NoticeServer;
let runs: SeededRun[];
let reports: string[];

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  runs = await runSteps(
    storage.store,
    server,
    { contoso: threeChanges(), quiet: [noticeV1()] },
    new Date('2026-11-27T06:00:00.000Z'),
  );
  reports = changesOf(runs, 'contoso').map((result) => result.report!);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

const deps = () => testDeps(storage.store, { notices: [] });

function historyRequest(id: string, query = '', view?: string, method = 'GET'): HttpRequest {
  const path = `reports/notices/${id}${view ? `/${view}` : ''}${query}`;
  return new HttpRequest({
    method,
    url: `http://localhost/api/${path}`,
    params: { id, ...(view ? { view } : {}) },
  });
}

async function history(request: HttpRequest): Promise<HttpResponseInit> {
  return makeNoticeHistoryHandler(deps())(request, testContext('noticeHistory').context);
}

function reviewRequest(
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/reviews',
    headers,
    body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
  });
}

async function reviews(request: HttpRequest): Promise<HttpResponseInit> {
  return makeReviewsHttpHandler(deps())(request, testContext('reviewsHttp').context);
}

function header(response: HttpResponseInit, name: string): string | undefined {
  return (response.headers as Record<string, string> | undefined)?.[name];
}

describe('GET /api/reports/notices/{id}', () => {
  it('pages the history newest first, never cached', async () => {
    const first = await history(historyRequest('contoso', '?limit=2'));
    expect(first.status).toBe(200);
    expect(header(first, 'Cache-Control')).toBe('no-store');
    const page = first.jsonBody as HistoryPage;
    expect(page).toMatchObject({ notice: 'contoso', changes: 3, pendingReview: 3, next: reports[1] });
    expect(page.entries.map((entry) => [entry.change, entry.kind])).toEqual([
      [3, 'new-wording'],
      [2, 'metadata-only'],
    ]);
    const second = await history(historyRequest('contoso', `?limit=2&before=${encodeURIComponent(page.next!)}`));
    expect((second.jsonBody as HistoryPage).entries.map((entry) => entry.report)).toEqual([reports[0]]);
    expect((second.jsonBody as HistoryPage).next).toBeNull();
  });

  it('is also answered when the host routes it to the reports function', async () => {
    const name = 'notices/contoso';
    const response = await makeReportsHttpHandler(deps())(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/reports/${name}?limit=1`, params: { name } }),
      testContext('reportsRead').context,
    );
    expect(response.status).toBe(200);
    expect((response.jsonBody as HistoryPage).entries.map((entry) => entry.change)).toEqual([3]);
    const since = await makeReportsHttpHandler(deps())(
      new HttpRequest({
        method: 'GET',
        url: 'http://localhost/api/reports/notices/contoso/since-review',
        params: { name: 'notices/contoso/since-review' },
      }),
      testContext('reportsRead').context,
    );
    expect((since.jsonBody as SinceReview).to.change).toBe(3);
  });

  it('answers 404 for a notice never checked, an empty page for one that never changed, and 400 for bad input', async () => {
    const unknown = await history(historyRequest('nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.jsonBody).toMatchObject({ error: { code: 'NOTICE_NOT_FOUND' } });
    const quiet = await history(historyRequest('quiet'));
    expect(quiet.status).toBe(200);
    expect(quiet.jsonBody).toMatchObject({ changes: 0, entries: [], next: null });
    const cases: Array<[HttpRequest, string]> = [
      [historyRequest('contoso', '?limit=0'), 'LIMIT_INVALID'],
      [historyRequest('contoso', '?limit=abc'), 'LIMIT_INVALID'],
      [historyRequest('contoso', '?limit=500'), 'LIMIT_INVALID'],
      [historyRequest('contoso', '?before=../../state/x.json'), 'CURSOR_INVALID'],
      [historyRequest('contoso', `?before=${reports[0].replace(/-h\d\d/, '-zz')}`), 'CURSOR_NOT_FOUND'],
      [historyRequest('Not..An-Id'), 'NOTICE_ID_INVALID'],
      [historyRequest('%3Cscript%3E'), 'NOTICE_ID_INVALID'],
    ];
    for (const [request, code] of cases) {
      const response = await history(request);
      expect(response.status, request.url).toBe(400);
      expect(response.jsonBody, request.url).toMatchObject({ error: { code } });
    }
    const method = await history(historyRequest('contoso', '', undefined, 'POST'));
    expect(method.status).toBe(405);
    expect(header(method, 'Allow')).toBe('GET');
    expect((await history(historyRequest('contoso', '', 'everything'))).status).toBe(404);
  });

  it('answers 503 when the store cannot be opened', async () => {
    const handler = makeNoticeHistoryHandler({
      ...deps(),
      getStore: async () => fail<never>('STORAGE_NOT_CONFIGURED', 'No storage configured'),
    });
    const response = await handler(historyRequest('contoso'), testContext('noticeHistory').context);
    expect(response.status).toBe(503);
  });
});

describe('POST /api/reviews and GET /api/reviews/{report}', () => {
  it('records a review (201), drops pendingReview to 2 after the first change is acknowledged, and serves the trail', async () => {
    const created = await reviews(
      reviewRequest({
        report: reports[0],
        status: 'acknowledged',
        note: 'Retention doubled; <b>agreed</b> with legal.',
        reviewer: 'Alice',
      }),
    );
    expect(created.status).toBe(201);
    expect(header(created, 'Cache-Control')).toBe('no-store');
    const recorded = created.jsonBody as RecordedReview;
    expect(recorded).toMatchObject({
      pendingReview: 2,
      summary: { count: 1, latest: { status: 'acknowledged', reviewer: 'Alice' } },
      review: { report: reports[0], change: 1, identity: 'declared', via: 'api' },
    });

    const latest = await makeReportsHttpHandler(deps())(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/reports/latest', params: { name: 'latest' } }),
      testContext('reportsRead').context,
    );
    expect((latest.jsonBody as LatestDocument).notices.contoso).toMatchObject({ pendingReview: 2, changeCount: 3 });
    const page = (await history(historyRequest('contoso'))).jsonBody as HistoryPage;
    expect(page.pendingReview).toBe(2);
    expect(page.entries[2].review.latest).toMatchObject({ status: 'acknowledged', reviewer: 'Alice' });

    const trail = await reviews(
      new HttpRequest({
        method: 'GET',
        url: `http://localhost/api/reviews/${reports[0]}`,
        params: { report: reports[0] },
      }),
    );
    expect(trail.status).toBe(200);
    expect(header(trail, 'Cache-Control')).toBe('no-store');
    expect((trail.jsonBody as ReviewTrail).reviews.map((review) => review.note)).toEqual([
      'Retention doubled; <b>agreed</b> with legal.',
    ]);
  });

  it('takes the reviewer from App Service authentication when present', async () => {
    const created = await reviews(
      reviewRequest(
        { report: reports[1], status: 'not-material', reviewer: 'claimed name' },
        { 'content-type': 'application/json; charset=utf-8', 'x-ms-client-principal-name': 'alice@contoso.example' },
      ),
    );
    expect(created.status).toBe(201);
    expect((created.jsonBody as RecordedReview).review).toMatchObject({
      reviewer: 'alice@contoso.example',
      identity: 'app-service',
    });
    expect((created.jsonBody as RecordedReview).pendingReview).toBe(1);
  });

  it('answers 404 for an unknown report, 400 naming the allowed statuses, 409 for a check that is not a change', async () => {
    const unknown = await reviews(
      reviewRequest({ report: reports[0].replace(/-h\d\d/, '-zz'), status: 'acknowledged', reviewer: 'a' }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.jsonBody).toMatchObject({ error: { code: 'REPORT_NOT_FOUND' } });

    const bad = await reviews(reviewRequest({ report: reports[0], status: 'approved', reviewer: 'a' }));
    expect(bad.status).toBe(400);
    expect(bad.jsonBody).toMatchObject({
      error: {
        code: 'REVIEW_STATUS_INVALID',
        message: expect.stringContaining('acknowledged, not-material, needs-action'),
      },
    });

    const baseline = runs[0].results.find((result) => result.id === 'contoso')!.report!;
    const notChange = await reviews(reviewRequest({ report: baseline, status: 'acknowledged', reviewer: 'a' }));
    expect(notChange.status).toBe(409);
    expect(notChange.jsonBody).toMatchObject({ error: { code: 'REPORT_NOT_A_CHANGE' } });
  });

  it('refuses what is not a JSON review: wrong type, malformed, too large, missing fields, other methods', async () => {
    const cases: Array<[HttpRequest, number, string]> = [
      [
        reviewRequest({ report: reports[0], status: 'acknowledged', reviewer: 'a' }, { 'content-type': 'text/plain' }),
        415,
        'MEDIA_TYPE_UNSUPPORTED',
      ],
      [reviewRequest('{"report": '), 400, 'JSON_INVALID'],
      [reviewRequest('[1,2]'), 400, 'JSON_INVALID'],
      [reviewRequest({ report: reports[0], status: 'acknowledged' }), 400, 'REVIEWER_REQUIRED'],
      [reviewRequest({ status: 'acknowledged', reviewer: 'a' }), 400, 'REPORT_REQUIRED'],
      [
        reviewRequest({ report: 'tls/2026/11/29/x/y.json', status: 'acknowledged', reviewer: 'a' }),
        400,
        'REPORT_NAME_INVALID',
      ],
      [
        reviewRequest({
          report: reports[0],
          status: 'acknowledged',
          reviewer: 'a',
          note: 'x'.repeat(MAX_REVIEW_BODY_BYTES),
        }),
        413,
        'BODY_TOO_LARGE',
      ],
    ];
    for (const [request, status, code] of cases) {
      const response = await reviews(request);
      expect(response.status, code).toBe(status);
      expect(response.jsonBody, code).toMatchObject({ error: { code } });
    }
    const put = await reviews(new HttpRequest({ method: 'PUT', url: 'http://localhost/api/reviews' }));
    expect(put.status).toBe(405);
    expect(header(put, 'Allow')).toBe('POST');
    const deleteOne = await reviews(
      new HttpRequest({
        method: 'DELETE',
        url: `http://localhost/api/reviews/${reports[0]}`,
        params: { report: reports[0] },
      }),
    );
    expect(deleteOne.status).toBe(405);
    expect(header(deleteOne, 'Allow')).toBe('GET');
    const badTrail = await reviews(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/reviews/x', params: { report: '../state/x.json' } }),
    );
    expect(badTrail.status).toBe(400);
  });

  it('keeps every one of many concurrent reviews', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        reviews(
          reviewRequest({ report: reports[2], status: 'needs-action', reviewer: `r${index}`, note: `n${index}` }),
        ),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    const trail = await reviews(
      new HttpRequest({
        method: 'GET',
        url: `http://localhost/api/reviews/${reports[2]}`,
        params: { report: reports[2] },
      }),
    );
    const body = trail.jsonBody as ReviewTrail;
    expect(body.count).toBe(8);
    expect(body.reviews.map((review) => review.reviewer).sort()).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      'r6',
      'r7',
    ]);
  });
});

describe('GET /api/reports/notices/{id}/since-review', () => {
  it('diffs from the last cleared change to the newest', async () => {
    const response = await history(historyRequest('contoso', '', 'since-review'));
    expect(response.status).toBe(200);
    expect(header(response, 'Cache-Control')).toBe('no-store');
    const since = response.jsonBody as SinceReview;
    expect(since).toMatchObject({ from: { reviewed: true, change: 2 }, to: { change: 3 }, changes: 1, differs: true });
    expect(since.diff).toContain('+We use data to compute engagement and churn scores for your sellers and partners.');
    expect(since.wordChanges.some((change) => change.parts.some((part) => part.text.includes('churn')))).toBe(true);
    const none = await history(historyRequest('quiet', '', 'since-review'));
    expect(none.status).toBe(404);
    expect(none.jsonBody).toMatchObject({ error: { code: 'HISTORY_NOT_FOUND' } });
  });
});
