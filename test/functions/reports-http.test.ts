import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeReportsHttpHandler, MAX_LISTED_NAMES } from '../../functions/reports-http';
import { fail } from '../../shared/common/result';
import {
  type LatestDocument,
  type NoticeCheckResult,
  recordLatestNotices,
  REPORT_SCHEMA_VERSION,
  toNoticeReport,
  validateReportName,
  writeReport,
} from '../../shared/reports';
import {
  driftRunSummaryName,
  MemoryObjectStore,
  noticeReportName,
  storeFromConnectionString,
  tlsReportName,
} from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { testContext, testDeps } from '../support/function-harness';

const WATCHLIST = { notices: [] };
const STARTED = '2026-11-29T06:00:00.000Z';
const RUN_ID = '20261129T060000Z-abc123';

let storage: TestStorage;

function result(
  id: string,
  status: NoticeCheckResult['status'],
  extra: Record<string, unknown> = {},
): NoticeCheckResult {
  // A fixture: a report as stored, with only the fields a test needs beyond these.
  return {
    id,
    url: `https://example.test/${id}.md`,
    runId: RUN_ID,
    checkedAt: '2026-11-29T06:00:01.000Z',
    durationMs: 12,
    status,
    previousSnapshot: null,
    currentSnapshot: `${id}/${'a'.repeat(64)}.md`,
    rawSnapshot: null,
    ...(status === 'changed' ? { metadataChanges: [], sections: [] } : {}),
    report: noticeReportName(STARTED, id, RUN_ID),
    ...extra,
  } as NoticeCheckResult;
}

const changed = result('contoso', 'changed', {
  substantive: true,
  diff: '--- a\n+++ b\n@@ -1 +1 @@\n-90 days\n+180 days\n',
  sections: [{ heading: 'Data we collect', change: 'modified', linesAdded: 1, linesRemoved: 1 }],
});
const baseline = result('fabrikam', 'baseline');

beforeAll(async () => {
  storage = await startTestStorage();
  for (const seeded of [changed, baseline]) {
    const written = await writeReport(storage.store, seeded.report!, toNoticeReport(seeded));
    expect(written.ok).toBe(true);
  }
  expect(
    (
      await writeReport(storage.store, driftRunSummaryName(STARTED, RUN_ID), {
        schemaVersion: REPORT_SCHEMA_VERSION,
        kind: 'drift-run',
        runId: RUN_ID,
      })
    ).ok,
  ).toBe(true);
  expect((await recordLatestNotices(storage.store, [changed, baseline], '2026-11-29T06:00:05.000Z')).ok).toBe(true);
});
afterAll(async () => {
  await storage?.stop();
});

function get(path: string, params: Record<string, string> = {}, method = 'GET'): HttpRequest {
  return new HttpRequest({ method, url: `http://localhost/api/${path}`, params });
}

async function call(request: HttpRequest, store = storage.store): Promise<HttpResponseInit> {
  return makeReportsHttpHandler(testDeps(store, WATCHLIST))(request, testContext('reportsHttp').context);
}

function header(response: HttpResponseInit, name: string): string | undefined {
  return (response.headers as Record<string, string> | undefined)?.[name];
}

describe('GET /api/reports/latest', () => {
  it('returns latest.json, never cached', async () => {
    const response = await call(get('reports/latest', { name: 'latest' }));
    expect(response.status).toBe(200);
    const latest = response.jsonBody as LatestDocument;
    expect(latest.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(Object.keys(latest.notices).sort()).toEqual(['contoso', 'fabrikam']);
    expect(latest.notices.contoso.lastChangeReport).toBe(changed.report);
    expect(header(response, 'Cache-Control')).toBe('no-store');
    expect(header(response, 'X-Content-Type-Options')).toBe('nosniff');
  });

  it('returns an empty document with the schema version when nothing has run yet', async () => {
    const response = await call(get('reports/latest', { name: 'latest' }), new MemoryObjectStore());
    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({ schemaVersion: REPORT_SCHEMA_VERSION, notices: {}, endpoints: {} });
  });
});

describe('GET /api/reports?prefix=', () => {
  it('lists report names under a prefix', async () => {
    const response = await call(get('reports?prefix=drift/2026/11/29/'));
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      prefix: 'drift/2026/11/29/',
      names: [changed.report, baseline.report].sort(),
      truncated: false,
      continuation: null,
    });
    const runs = await call(get('reports?prefix=runs/'));
    expect((runs.jsonBody as { names: string[] }).names).toEqual([driftRunSummaryName(STARTED, RUN_ID)]);
  });

  it('cuts a long listing and says so', async () => {
    const store = new MemoryObjectStore();
    for (let index = 0; index < MAX_LISTED_NAMES + 5; index += 1)
      await writeReport(store, `drift/2026/11/29/n/${String(index).padStart(5, '0')}.json`, {});
    const response = await call(get('reports?prefix=drift/'), store);
    const body = response.jsonBody as { names: string[]; truncated: boolean };
    expect(body.names).toHaveLength(MAX_LISTED_NAMES);
    expect(body.truncated).toBe(true);
  });

  it('refuses a missing or invalid prefix with 400', async () => {
    const cases: Array<[string, string]> = [
      ['reports', 'PREFIX_REQUIRED'],
      ['reports?prefix=', 'PREFIX_REQUIRED'],
      ['reports?prefix=snapshots/', 'PREFIX_INVALID'],
      ['reports?prefix=drift/../state/', 'PREFIX_INVALID'],
      ['reports?prefix=/drift/', 'PREFIX_INVALID'],
      ['reports?prefix=drift/%3Cx%3E', 'PREFIX_INVALID'],
      [`reports?prefix=drift/${'a'.repeat(300)}`, 'PREFIX_INVALID'],
    ];
    for (const [path, code] of cases) {
      const response = await call(get(path));
      expect(response.status, path).toBe(400);
      expect(response.jsonBody).toMatchObject({ error: { code } });
    }
  });
});

describe('GET /api/reports/{name}', () => {
  it('returns one report, cacheable because reports are immutable', async () => {
    const response = await call(get(`reports/${changed.report}`, { name: changed.report! }));
    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({
      schemaVersion: REPORT_SCHEMA_VERSION,
      kind: 'notice-check',
      id: 'contoso',
      status: 'changed',
      diff: changed.status === 'changed' ? changed.diff : undefined,
    });
    expect(header(response, 'Cache-Control')).toMatch(/immutable/);
  });

  it('answers 404 REPORT_NOT_FOUND for a valid name that does not exist', async () => {
    const response = await call(
      get('reports/drift/2026/11/29/contoso/nope.json', { name: 'drift/2026/11/29/contoso/nope.json' }),
    );
    expect(response.status).toBe(404);
    expect(response.jsonBody).toMatchObject({ error: { code: 'REPORT_NOT_FOUND' } });
    expect(header(response, 'Cache-Control')).toBe('no-store');
  });

  it('refuses bad names with 400 and a clear message, never a stack trace', async () => {
    const bad = [
      '../x.json',
      'drift/..%2f',
      'drift/..%2fstate/pointer.json',
      'drift/../state/contoso.json',
      '/etc/passwd',
      '/drift/2026/11/29/contoso/x.json',
      'C:\\reports\\x.json',
      'snapshots/contoso/abc.md',
      'state/contoso.json',
      'raw/contoso/x.json',
      'drift/2026/11/29/contoso/x.md',
      'drift/2026//29/x.json',
      'drift/.json',
      'drift/2026/11/29/<script>.json',
      `drift/${'a'.repeat(300)}.json`,
    ];
    for (const name of bad) {
      const response = await call(get(`reports/${name}`, { name }));
      expect(response.status, name).toBe(400);
      const body = response.jsonBody as { error: { code: string; message: string } };
      expect(body.error.code).toBe('REPORT_NAME_INVALID');
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('accepts the names the writers produce, including upper-case run ids', () => {
    expect(validateReportName(changed.report!).ok).toBe(true);
    expect(validateReportName(driftRunSummaryName(STARTED, RUN_ID)).ok).toBe(true);
    expect(validateReportName(tlsReportName(STARTED, 'api', RUN_ID, null)).ok).toBe(true);
    expect(validateReportName(tlsReportName(STARTED, 'api', RUN_ID, '2001:db8::1')).ok).toBe(true);
    expect(validateReportName(tlsReportName(STARTED, 'api', RUN_ID, '203.0.113.7')).ok).toBe(true);
  });
});

describe('methods and storage trouble', () => {
  it('answers 405 with Allow for anything but GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await call(get('reports/latest', { name: 'latest' }, method));
      expect(response.status, method).toBe(405);
      expect(response.jsonBody).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
      expect(header(response, 'Allow')).toBe('GET');
    }
  });

  it('answers 503 when the store cannot be opened', async () => {
    const deps = {
      ...testDeps(storage.store, WATCHLIST),
      getStore: async () => fail<never>('STORAGE_NOT_CONFIGURED', 'No storage configured'),
    };
    const handler = makeReportsHttpHandler(deps);
    for (const [path, params] of [
      ['reports/latest', { name: 'latest' }],
      ['reports?prefix=drift/', {}],
      [`reports/${changed.report}`, { name: changed.report! }],
    ] as const) {
      const response = await handler(get(path, params), testContext('reportsHttp').context);
      expect(response.status, path).toBe(503);
    }
  });

  it('answers 503 when storage stops answering', async () => {
    // A real blob client pointed at a closed loopback port: the same failure as an unreachable account.
    const dead = storeFromConnectionString(
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;',
      { maxTries: 1, tryTimeoutMs: 2_000, retryDelayMs: 10, maxRetryDelayMs: 10 },
    );
    if (!dead.ok) throw new Error(dead.problem.message);
    const { context, logs } = testContext('reportsHttp');
    const handler = makeReportsHttpHandler(testDeps(dead.value, WATCHLIST));
    for (const [path, params] of [
      ['reports/latest', { name: 'latest' }],
      ['reports?prefix=drift/', {}],
      [`reports/${changed.report}`, { name: changed.report! }],
    ] as const) {
      const response = await handler(get(path, params), context);
      expect(response.status, path).toBe(503);
      expect(response.jsonBody).toMatchObject({ error: { code: 'STORAGE_ERROR' } });
      // The account key of the connection string never reaches the client.
      expect(JSON.stringify(response.jsonBody)).not.toContain('Eby8vdM02');
    }
    expect(logs.some((log) => log.level === 'warning' && log.message.includes('STORAGE_ERROR'))).toBe(true);
  });
});
