import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { listReports, type NoticeReport, readLatest, readReport } from '../../shared/reports';
import { newRunId, readPointer, runDrift } from '../../shared/runs';
import {
  connectionStringFor,
  DEFAULT_AZURE_RETRY,
  type ObjectStore,
  storeFromConnectionString,
} from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';
import { startStorageProxy } from '../support/storage-proxy';

let server: NoticeServer;
beforeAll(async () => {
  server = await startNoticeServer();
});
afterAll(async () => {
  await server?.close();
});

const fast = { timeoutMs: 2_000, retries: 0 };

function notices(prefix: string, count: number): NoticeConfig[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    url: `${server.origin}/${prefix}/${index}.md`,
    format: 'markdown' as const,
  }));
}

function serveAll(list: NoticeConfig[], text: (index: number) => string) {
  list.forEach((notice, index) => server.setText(new URL(notice.url).pathname, text(index), { etag: null }));
}

async function run(
  store: ObjectStore,
  list: NoticeConfig[],
  suffix: string,
  extra: Partial<Parameters<typeof runDrift>[2]> = {},
) {
  const startedAt = new Date();
  return runDrift(store, list, {
    runId: newRunId(startedAt, suffix),
    startedAt,
    fetchOptions: fast,
    concurrency: 2,
    ...extra,
  });
}

/** Every report stored for a notice, by status: the ledger that proves nothing was lost or doubled. */
async function ledger(store: ObjectStore, id: string): Promise<string[]> {
  const names = await listReports(store, 'drift/');
  if (!names.ok) throw new Error(names.problem.message);
  const statuses: string[] = [];
  for (const name of names.value.filter((candidate) => candidate.includes(`/${id}/`))) {
    const report = await readReport<NoticeReport>(store, name);
    if (report.ok && report.value) statuses.push(report.value.status);
  }
  return statuses;
}

describe('storage goes away in the middle of a run and comes back', () => {
  it('ends with a clear error, keeps the last good state, and the next run loses and doubles nothing', async () => {
    const location = mkdtempSync(join(tmpdir(), 'nw-azurite-'));
    let storage: TestStorage | null = await startTestStorage({ location });
    const port = Number(new URL(storage.azurite.blobEndpoint).port);
    const list = notices('outage', 8);
    serveAll(list, () => noticeV1());
    expect((await run(storage.store, list, 'base')).counts.baseline).toBe(8);

    // New versions everywhere; the fourth fetch pulls the plug on storage while that check is under way.
    let fetches = 0;
    list.forEach((notice, index) =>
      server.set(new URL(notice.url).pathname, (_request, response) => {
        fetches += 1;
        if (fetches === 4) void storage?.stop();
        response
          .writeHead(200, { 'content-type': 'text/markdown' })
          .end(noticeV2().replace('Fabrikam', `Fabrikam ${index}`));
      }),
    );
    const storeDuringOutage = storage.store;
    const broken = await run(storeDuringOutage, list, 'outage', { concurrency: 1 });
    await storage.stop();
    storage = null;
    expect(broken.problems.map((problem) => problem.code)).toContain('STORAGE_UNAVAILABLE');
    expect(broken.notReached.length).toBeGreaterThan(0);
    expect(broken.summary).toBeNull();
    for (const result of broken.notices.filter((candidate) => candidate.status === 'error'))
      expect(result.error?.code).toMatch(/STORAGE_ERROR|REPORT_NOT_WRITTEN/);

    // The emulator comes back on the same address with what it had persisted.
    storage = await startTestStorage({ location, port });
    const store = storeFromConnectionString(connectionStringFor(`http://127.0.0.1:${port}/devstoreaccount1`), {
      ...DEFAULT_AZURE_RETRY,
      maxTries: 2,
    });
    if (!store.ok) throw new Error(store.problem.message);
    const recovered = await run(store.value, list, 'after');
    expect(recovered.problems).toEqual([]);
    expect(recovered.notReached).toEqual([]);
    for (const notice of list) {
      const statuses = await ledger(store.value, notice.id);
      // One baseline and exactly one change per notice, whichever run recorded it.
      expect(statuses.filter((status) => status === 'baseline')).toHaveLength(1);
      expect(statuses.filter((status) => status === 'changed')).toHaveLength(1);
      const pointer = await readPointer(store.value, notice.id);
      expect(pointer.ok && pointer.value.pointer?.lastChange?.reportWritten).toBe(true);
    }
    await storage.stop();
    recordFault('storage stops mid-run and comes back');
  });
});

describe('storage that answers 500/503 or slowly', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await startTestStorage();
  });
  afterAll(async () => {
    await storage?.stop();
  });

  it('bounds every storage call by a deliberate retry policy that fits the function timeout', () => {
    const worstCase =
      DEFAULT_AZURE_RETRY.maxTries * DEFAULT_AZURE_RETRY.tryTimeoutMs +
      (DEFAULT_AZURE_RETRY.maxTries - 1) * DEFAULT_AZURE_RETRY.maxRetryDelayMs;
    expect(worstCase).toBeLessThan(90_000);
  });

  it('rides out intermittent 500 and 503 answers through the retry policy, with correct results', async () => {
    const proxy = await startStorageProxy(storage.azurite.blobEndpoint);
    // Every other attempt at the same request fails, alternating 500 and 503: each call needs its retry.
    const attempts = new Map<string, number>();
    proxy.setFault((_index, request) => {
      const key = `${request.method} ${request.url}`;
      const count = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, count);
      return count % 2 === 1 ? (count % 4 === 1 ? 'status-503' : 'status-500') : 'pass';
    });
    const store = storeFromConnectionString(connectionStringFor(proxy.blobEndpoint), {
      maxTries: 4,
      tryTimeoutMs: 5_000,
      retryDelayMs: 10,
      maxRetryDelayMs: 20,
    });
    if (!store.ok) throw new Error(store.problem.message);
    const list = notices('flaky', 4);
    serveAll(list, () => noticeV1());
    const first = await run(store.value, list, 'flaky1');
    serveAll(list, () => noticeV3());
    const second = await run(store.value, list, 'flaky2');
    expect(proxy.served.faults).toBeGreaterThan(10);
    expect(first.notices.filter((result) => result.error).map((result) => result.error)).toEqual([]);
    expect(first.counts).toMatchObject({ baseline: 4, error: 0 });
    expect(second.counts).toMatchObject({ changed: 4, error: 0 });
    expect(second.problems).toEqual([]);
    await proxy.close();
    recordFault('storage answers 500/503');
  });

  it('keeps the run deadline when storage is slow', async () => {
    const proxy = await startStorageProxy(storage.azurite.blobEndpoint);
    proxy.setFault(() => ({ delayMs: 3_000 }));
    const store = storeFromConnectionString(connectionStringFor(proxy.blobEndpoint), {
      maxTries: 2,
      tryTimeoutMs: 1_000,
      retryDelayMs: 10,
      maxRetryDelayMs: 20,
    });
    if (!store.ok) throw new Error(store.problem.message);
    const list = notices('slow', 6);
    serveAll(list, () => noticeV1());
    const started = Date.now();
    const summary = await run(store.value, list, 'slow', { deadline: started + 1_000, hardDeadline: started + 2_500 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(4_000);
    expect(summary.notReached.length + summary.notices.length).toBe(6);
    expect(summary.notices.every((result) => result.status === 'error')).toBe(true);
    expect(summary.notReached.length).toBeGreaterThan(0);
    await proxy.close();
    recordFault('storage answers slowly; the deadline holds');
  });
});

describe('two runs at once over the same notices', () => {
  it('lose no pointer update, report each change once, and leave latest.json consistent', async () => {
    const storage = await startTestStorage();
    const list = notices('twice', 10);
    serveAll(list, () => noticeV1());
    await run(storage.store, list, 'twice-base');
    serveAll(list, (index) => noticeV2().replace('Fabrikam', `Fabrikam ${index}`));
    const [timer, onDemand] = await Promise.all([
      run(storage.store, list, 'timer', { concurrency: 3 }),
      run(storage.store, [...list].reverse(), 'http', { concurrency: 3 }),
    ]);
    expect(timer.counts.changed + onDemand.counts.changed).toBe(10);
    expect(timer.counts.error + onDemand.counts.error).toBe(0);
    const latest = await readLatest(storage.store);
    if (!latest.ok) throw new Error(latest.problem.message);
    for (const notice of list) {
      expect((await ledger(storage.store, notice.id)).filter((status) => status === 'changed')).toHaveLength(1);
      const pointer = await readPointer(storage.store, notice.id);
      expect(latest.value.notices[notice.id].currentSnapshot).toBe(
        pointer.ok ? pointer.value.pointer?.lastGood?.snapshot : 'unreadable',
      );
      expect(latest.value.notices[notice.id].lastChangeReport).toBe(
        pointer.ok ? pointer.value.pointer?.lastChange?.report : 'unreadable',
      );
    }
    await storage.stop();
    recordFault('two concurrent runs');
  });
});
