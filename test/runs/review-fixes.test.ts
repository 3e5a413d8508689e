import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { acquireNotice } from '../../shared/notices';
import { type NoticeReport, noticeReportName, readLatest, readReport, runSummaryName } from '../../shared/reports';
import { checkNotice, newRunId, runDrift, runTls } from '../../shared/runs';
import { CONTAINERS, MemoryObjectStore, type ObjectStore } from '../../shared/storage';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { ERROR_PAGE, noticeV1, noticeV2 } from '../support/sample-notices';
import { unusedPort } from '../tls/helpers/servers';

let server: NoticeServer;
beforeAll(async () => {
  server = await startNoticeServer();
});
afterAll(async () => {
  await server?.close();
});

let counter = 0;
function run() {
  counter += 1;
  const startedAt = new Date(Date.UTC(2026, 10, 29, 8, 0, counter));
  return { runId: newRunId(startedAt, `r${counter}`), startedAt: startedAt.toISOString() };
}

describe('report names', () => {
  it('come from the run id, so a run taken over on another day writes the same names', () => {
    const runId = '20261129T230000Z-tls';
    expect(noticeReportName('2026-11-30T01:00:00.000Z', 'n', runId)).toBe(
      'drift/2026/11/29/n/20261129T230000Z-tls.json',
    );
    expect(runSummaryName('2026-11-30T01:00:00.000Z', runId)).toBe('runs/2026/11/29/20261129T230000Z-tls.json');
  });
});

describe('suspect bodies must be consecutive', () => {
  it('a 304 of the last good version resets the count', async () => {
    const store = new MemoryObjectStore();
    const notice: NoticeConfig = { id: 'suspect-304', url: `${server.origin}/s304.md`, format: 'markdown' };
    const fast = { store, fetchOptions: { retries: 0 } };
    server.setText('/s304.md', noticeV2(), { etag: '"v2"' });
    expect((await checkNotice(notice, run(), fast)).status).toBe('baseline');
    server.setText('/s304.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, run(), fast)).error?.message).toContain('1 of 3');
    server.setText('/s304.md', noticeV2(), { etag: '"v2"' });
    expect((await checkNotice(notice, run(), fast)).notModified).toBe(true);
    server.setText('/s304.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, run(), fast)).error?.message).toContain('1 of 3');
    expect((await checkNotice(notice, run(), fast)).error?.message).toContain('2 of 3');
    recordFault('error page interrupted by a 304 is not consecutive');
  });
});

describe('a change report rebuilt after a crash', () => {
  it('says all the live one would have: alert, includes, and latest.json learns it from the next run', async () => {
    const memory = new MemoryObjectStore();
    let failReports = true;
    const flaky: ObjectStore = {
      description: 'flaky',
      get: (c, n) => memory.get(c, n),
      swap: (c, n, b, t, e) => memory.swap(c, n, b, t, e),
      list: (c, p) => memory.list(c, p),
      listPage: (c, p, page) => memory.listPage(c, p, page),
      create: async (c, n, b) =>
        c === CONTAINERS.reports && failReports
          ? { ok: false, problem: { code: 'STORAGE_ERROR', message: 'injected' } }
          : memory.create(c, n, b),
    };
    const notice: NoticeConfig = { id: 'rebuilt', url: `${server.origin}/rebuilt.md`, format: 'markdown' };
    server.setText('/rebuilt.md', noticeV1(), { etag: null });
    failReports = false;
    await runDrift([notice], flaky, { ...idAndStart(), fetchOptions: { retries: 0 } });
    server.setText('/rebuilt.md', noticeV2(), { etag: null });
    failReports = true;
    const crashed = await checkNotice(notice, run(), { store: flaky, fetchOptions: { retries: 0 } });
    expect(crashed.error?.code).toBe('REPORT_NOT_WRITTEN');
    failReports = false;
    const next = await runDrift([notice], flaky, { ...idAndStart(), fetchOptions: { retries: 0 } });
    expect(next.notices[0].status).toBe('unchanged');
    const names = await memory.list(CONTAINERS.reports, 'drift/');
    const reports = await Promise.all(
      (names.ok ? names.value : []).map((name) => readReport<NoticeReport & { recovered?: boolean }>(memory, name)),
    );
    const rebuilt = reports.map((report) => (report.ok ? report.value : null)).find((report) => report?.recovered);
    expect(rebuilt).toMatchObject({ status: 'changed', substantive: true, alert: true, recurrence: null });
    const latest = await readLatest(memory);
    expect(latest.ok && latest.value.notices.rebuilt).toMatchObject({
      lastChangeReport: rebuilt?.report,
      substantive: true,
      lastChangeAlert: true,
    });
  });
});

function idAndStart() {
  const identity = run();
  return { runId: identity.runId, startedAt: new Date(identity.startedAt) };
}

describe('a defect in one check', () => {
  it('becomes that notice’s INTERNAL_ERROR and the run completes', async () => {
    const store = new MemoryObjectStore();
    server.setText('/fine.md', noticeV1());
    const notices: NoticeConfig[] = [
      { id: 'fine', url: `${server.origin}/fine.md`, format: 'markdown' },
      { id: 'buggy', url: `${server.origin}/buggy.md`, format: 'markdown' },
    ];
    const summary = await runDrift(notices, store, {
      ...idAndStart(),
      acquire: async (notice, options) => {
        if (notice.id === 'buggy') throw new TypeError('simulated defect');
        return acquireNotice(notice, options);
      },
    });
    expect(summary.notices.map((result) => [result.id, result.status, result.error?.code ?? null])).toEqual([
      ['fine', 'baseline', null],
      ['buggy', 'error', 'INTERNAL_ERROR'],
    ]);
    expect(summary.summary).not.toBeNull();
    recordFault('a defect in one check');
  });
});

describe('a TLS run whose report writes outlast it', () => {
  it('lists each endpoint once, without a report, and says why', async () => {
    const memory = new MemoryObjectStore();
    const slow: ObjectStore = {
      ...memory,
      description: 'slow',
      get: (c, n) => memory.get(c, n),
      list: (c, p) => memory.list(c, p),
      listPage: (c, p, page) => memory.listPage(c, p, page),
      swap: (c, n, b, t, e) => memory.swap(c, n, b, t, e),
      create: async (c, n, b) => {
        if (n.startsWith('tls/')) await new Promise((resolve) => setTimeout(resolve, 2_000));
        return memory.create(c, n, b);
      },
    };
    const [a, b] = [await unusedPort(), await unusedPort()];
    const started = Date.now();
    const summary = await runTls(slow, {
      endpoints: [
        { id: 'one', host: '127.0.0.1', port: a },
        { id: 'two', host: '127.0.0.1', port: b },
      ],
      ...idAndStart(),
      hardDeadline: started + 800,
      tls: { allowPrivate: true, timeoutMs: 300 },
    });
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(summary.endpoints.map((endpoint) => [endpoint.id, endpoint.report])).toEqual([
      ['one', null],
      ['two', null],
    ]);
    expect(summary.problems.map((problem) => problem.code)).toContain('RUN_DEADLINE');
    const before = JSON.stringify(summary.endpoints);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(JSON.stringify(summary.endpoints)).toBe(before); // late writes change nothing
    recordFault('TLS report writes outlast the run');
  });
});
