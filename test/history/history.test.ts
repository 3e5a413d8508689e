import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ok } from '../../shared/common/result';
import {
  changesSinceReview,
  type HistoryPage,
  readHistory,
  readHistoryHead,
  readReviews,
  recordChange,
  recordReview,
} from '../../shared/history';
import { type NoticeReport, readLatest, readReport } from '../../shared/reports';
import { newRunId, readPointer, runDrift } from '../../shared/runs';
import { CONTAINERS, historyHeadName, type ObjectStore } from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { changesOf, runSteps, type SeededRun, threeChanges } from '../support/change-history';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';

let storage: TestStorage;
let server: NoticeServer;
let runs: SeededRun[];
/** Oldest first: #1 new wording (Oct 31), #2 metadata only (Nov 1), #3 new wording (Nov 2). */
let reports: string[];

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  // The runs straddle a month boundary, so the history spans two month documents.
  runs = await runSteps(
    storage.store,
    server,
    { contoso: threeChanges(), quiet: [noticeV1()] },
    new Date('2026-10-30T06:00:00.000Z'),
  );
  reports = changesOf(runs, 'contoso').map((result) => result.report!);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

async function page(noticeId: string, query: { limit?: number; before?: string } = {}): Promise<HistoryPage> {
  const read = await readHistory(storage.store, noticeId, query);
  if (!read.ok) throw new Error(read.problem.message);
  if (!read.value) throw new Error(`no history for ${noticeId}`);
  return read.value;
}

describe('history of a notice', () => {
  it('numbers each change in order and pages the history newest first, across months', async () => {
    expect(reports).toHaveLength(3);
    expect(changesOf(runs, 'contoso').map((result) => result.changeNumber)).toEqual([1, 2, 3]);

    const first = await page('contoso', { limit: 2 });
    expect(first).toMatchObject({ notice: 'contoso', changes: 3, pendingReview: 3, reviewedThrough: null });
    expect(first.entries.map((entry) => [entry.change, entry.kind, entry.report])).toEqual([
      [3, 'new-wording', reports[2]],
      [2, 'metadata-only', reports[1]],
    ]);
    expect(first.next).toBe(reports[1]);

    const second = await page('contoso', { limit: 2, before: first.next! });
    expect(second.entries.map((entry) => entry.change)).toEqual([1]);
    expect(second.next).toBeNull();
    expect(second.entries[0]).toMatchObject({
      report: reports[0],
      checkedAt: '2026-10-31T06:00:01.000Z',
      kind: 'new-wording',
      alert: true,
      linesAdded: 5,
      linesRemoved: 1,
      sectionCount: 3,
      metadataKeys: [],
      review: { count: 0, latest: null },
    });
    expect(second.entries[0].sections.map((section) => [section.heading, section.change])).toEqual([
      ['Contoso Insights privacy notice > Data we collect', 'modified'],
      ['Contoso Insights privacy notice > How we use data', 'modified'],
      ['Contoso Insights privacy notice > Sharing with processors', 'added'],
    ]);
    expect(first.entries[1]).toMatchObject({ metadataKeys: ['ms.date'], alert: false, sectionCount: 0 });

    const all = await page('contoso');
    expect(all.entries.map((entry) => entry.change)).toEqual([3, 2, 1]);
    expect(all.next).toBeNull();
    const head = await readHistoryHead(storage.store, 'contoso');
    expect(head.ok && head.value?.months).toEqual(['2026-11', '2026-10']);
  });

  it('says the history of a checked notice without changes is empty, and of an unknown one that there is none', async () => {
    expect(await page('quiet')).toEqual({
      notice: 'quiet',
      changes: 0,
      pendingReview: 0,
      reviewedThrough: null,
      entries: [],
      next: null,
    });
    expect(await readHistory(storage.store, 'never-watched')).toEqual(ok(null));
  });

  it('refuses a bad limit or a cursor that is not a change of the notice', async () => {
    const cases: Array<[{ limit?: number; before?: string }, string]> = [
      [{ limit: 0 }, 'LIMIT_INVALID'],
      [{ limit: 101 }, 'LIMIT_INVALID'],
      [{ limit: 1.5 }, 'LIMIT_INVALID'],
      [{ before: 'latest.json' }, 'CURSOR_INVALID'],
      [{ before: reports[0].replace('/contoso/', '/quiet/') }, 'CURSOR_INVALID'],
      [{ before: reports[0].replace(/-h\d\d\.json$/, '-zz.json') }, 'CURSOR_NOT_FOUND'],
    ];
    for (const [query, code] of cases) {
      const read = await readHistory(storage.store, 'contoso', query);
      expect(read.ok ? 'ok' : read.problem.code, JSON.stringify(query)).toBe(code);
    }
  });

  it('records a change once however often it is recorded', async () => {
    const report = await readReport<NoticeReport>(storage.store, reports[1]);
    if (!report.ok || !report.value) throw new Error('report missing');
    for (let i = 0; i < 3; i += 1) expect((await recordChange(storage.store, report.value)).ok).toBe(true);
    const all = await page('contoso');
    expect(all.entries.map((entry) => entry.change)).toEqual([3, 2, 1]);
    expect(all.changes).toBe(3);
  });

  it('concurrent runs over the same changes number and index each change once', async () => {
    const notice = { id: 'racing', url: `${server.origin}/race/racing.md`, format: 'markdown' as const };
    const race = async (text: string, at: string) => {
      server.setText('/race/racing.md', text);
      const startedAt = new Date(at);
      return Promise.all(
        ['a', 'b', 'c'].map((suffix) =>
          runDrift(storage.store, [notice], { runId: newRunId(startedAt, `race${suffix}`), startedAt }),
        ),
      );
    };
    await race(noticeV1(), '2026-12-10T06:00:00.000Z');
    const second = await race(noticeV2(), '2026-12-11T06:00:00.000Z');
    const third = await race(noticeV3(), '2026-12-12T06:00:00.000Z');
    for (const runsOfOne of [second, third])
      expect(runsOfOne.map((run) => run.notices[0].status).sort()).toEqual(['changed', 'unchanged', 'unchanged']);
    const history = await page('racing');
    expect(history.entries.map((entry) => [entry.change, entry.kind])).toEqual([
      [2, 'metadata-only'],
      [1, 'new-wording'],
    ]);
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices.racing).toMatchObject({ changeCount: 2, pendingReview: 2 });
  });

  it('a change whose history entry could not be written is indexed by the next run', async () => {
    // Storage refuses writes to the history index during one run: the change is still reported.
    let refuse = true;
    const flaky: ObjectStore = {
      description: 'flaky history',
      get: (container, name) => storage.store.get(container, name),
      create: (container, name, body, type) => storage.store.create(container, name, body, type),
      list: (container, prefix) => storage.store.list(container, prefix),
      listPage: (container, prefix, page) => storage.store.listPage(container, prefix, page),
      swap: async (container, name, body, type, etag) =>
        refuse && container === CONTAINERS.state && name.startsWith('history/flaky')
          ? { ok: false, problem: { code: 'STORAGE_ERROR', message: 'history write refused by the test' } }
          : storage.store.swap(container, name, body, type, etag),
    };
    const seeded = await runSteps(
      flaky,
      server,
      { flaky: [noticeV1(), noticeV2()] },
      new Date('2026-12-01T06:00:00.000Z'),
    );
    const change = changesOf(seeded, 'flaky')[0];
    expect(change).toMatchObject({ status: 'changed', changeNumber: 1 });
    expect(await readHistory(storage.store, 'flaky')).toMatchObject({ ok: true, value: { changes: 0, entries: [] } });
    const pointer = await readPointer(storage.store, 'flaky');
    expect(pointer.ok && pointer.value.pointer?.lastChange?.reportWritten).toBe(false);

    refuse = false;
    const next = await runSteps(flaky, server, { flaky: [noticeV2()] }, new Date('2026-12-05T06:00:00.000Z'));
    expect(next[0].results[0].status).toBe('unchanged');
    const healed = await page('flaky');
    expect(healed.entries.map((entry) => [entry.change, entry.report])).toEqual([[1, change.report]]);
    const after = await readPointer(storage.store, 'flaky');
    expect(after.ok && after.value.pointer?.lastChange?.reportWritten).toBe(true);
  });
});

describe('reviews', () => {
  it('acknowledging the first of three changes leaves two pending, everywhere', async () => {
    const recorded = await recordReview(storage.store, {
      report: reports[0],
      status: 'acknowledged',
      note: 'Retention went from 90 to 180 days; legal agreed.',
      reviewer: 'Alice Reviewer',
      via: 'api',
    });
    if (!recorded.ok) throw new Error(recorded.problem.message);
    expect(recorded.value.pendingReview).toBe(2);
    expect(recorded.value.problems).toEqual([]);
    expect(recorded.value.review).toMatchObject({
      kind: 'review',
      report: reports[0],
      noticeId: 'contoso',
      change: 1,
      status: 'acknowledged',
      reviewer: 'Alice Reviewer',
      identity: 'declared',
      via: 'api',
    });
    expect(recorded.value.review.name).toMatch(
      new RegExp(`^reviews/${reports[0].replace(/\./g, '\\.')}/\\d{8}T\\d{6}\\.\\d{3}Z\\.json$`),
    );

    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices.contoso).toMatchObject({
      changeCount: 3,
      reviewedThrough: 1,
      pendingReview: 2,
      lastReview: { report: reports[0], change: 1, status: 'acknowledged', reviewer: 'Alice Reviewer' },
    });
    const history = await page('contoso');
    expect(history).toMatchObject({ pendingReview: 2, reviewedThrough: { change: 1, report: reports[0] } });
    expect(history.entries[2].review).toMatchObject({
      count: 1,
      latest: { status: 'acknowledged', reviewer: 'Alice Reviewer', note: expect.stringContaining('legal agreed') },
    });
    expect(history.entries[0].review).toEqual({ count: 0, latest: null });
  });

  it('needs-action records the decision without clearing; not-material on a later change clears up to it', async () => {
    const action = await recordReview(storage.store, {
      report: reports[2],
      status: 'needs-action',
      reviewer: 'Bob',
      via: 'cli',
    });
    expect(action.ok && action.value.pendingReview).toBe(2);
    const material = await recordReview(storage.store, {
      report: reports[1],
      status: 'not-material',
      reviewer: 'Bob',
      via: 'cli',
    });
    expect(material.ok && material.value.pendingReview).toBe(1);
    // An older change cleared later never raises the count again.
    const older = await recordReview(storage.store, {
      report: reports[0],
      status: 'acknowledged',
      reviewer: 'Carol',
      via: 'api',
    });
    expect(older.ok && older.value.pendingReview).toBe(1);
    const history = await page('contoso');
    expect(history.entries.map((entry) => [entry.change, entry.review.count, entry.review.latest?.status])).toEqual([
      [3, 1, 'needs-action'],
      [2, 1, 'not-material'],
      [1, 2, 'acknowledged'],
    ]);
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices.contoso).toMatchObject({
      pendingReview: 1,
      reviewedThrough: 2,
      lastReview: { reviewer: 'Carol', change: 1 },
    });
  });

  it('keeps every review of concurrent reviewers: the trail is append-only', async () => {
    const at = new Date('2027-01-15T09:30:00.000Z');
    // Same millisecond for all of them: every name collides and needs its own suffix.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        recordReview(
          storage.store,
          {
            report: reports[2],
            status: index % 2 ? 'needs-action' : 'acknowledged',
            note: `reviewer ${index}`,
            reviewer: `reviewer-${index}`,
            via: 'api',
          },
          () => at,
        ),
      ),
    );
    const names = results.map((result) => (result.ok ? result.value.review.name : result.problem.message));
    expect(new Set(names).size).toBe(12);
    const trail = await readReviews(storage.store, reports[2]);
    if (!trail.ok) throw new Error(trail.problem.message);
    expect(trail.value.count).toBe(13); // the needs-action before, and these twelve
    expect(
      trail.value.reviews.map((review) => review.note).filter((note) => note?.startsWith('reviewer ')),
    ).toHaveLength(12);
    expect(new Set(trail.value.reviews.map((review) => review.reviewer)).size).toBe(13);
    const history = await page('contoso', { limit: 1 });
    expect(history.entries[0].review.count).toBe(13);
    expect(history.pendingReview).toBe(0);
  });

  it('refuses bad reviews with a reason, and prefers the signed-in name', async () => {
    const baseline = runs[0].results.find((result) => result.id === 'contoso')!.report!;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [
        { report: reports[0], status: 'approved', reviewer: 'a' },
        'REVIEW_STATUS_INVALID',
        /acknowledged, not-material, needs-action/,
      ],
      [{ report: reports[0], status: 'acknowledged' }, 'REVIEWER_REQUIRED', /reviewer/],
      [{ status: 'acknowledged', reviewer: 'a' }, 'REPORT_REQUIRED', /report/],
      [
        { report: 'state/notices/contoso.json', status: 'acknowledged', reviewer: 'a' },
        'REPORT_NAME_INVALID',
        /drift\//,
      ],
      [
        { report: reports[0].replace(/-h\d\d\.json$/, '-zz.json'), status: 'acknowledged', reviewer: 'a' },
        'REPORT_NOT_FOUND',
        /No report/,
      ],
      [{ report: baseline, status: 'acknowledged', reviewer: 'a' }, 'REPORT_NOT_A_CHANGE', /baseline/],
      [{ report: reports[0], status: 'acknowledged', reviewer: 'a', note: 'x'.repeat(4001) }, 'NOTE_INVALID', /4000/],
      [{ report: reports[0], status: 'acknowledged', reviewer: 'a\nb' }, 'REVIEWER_INVALID', /control/],
    ];
    for (const [input, code, message] of cases) {
      const result = await recordReview(storage.store, { ...input, via: 'api' } as Parameters<typeof recordReview>[1]);
      expect(result.ok ? 'ok' : result.problem.code, code).toBe(code);
      if (!result.ok) expect(result.problem.message).toMatch(message);
    }
    const signedIn = await recordReview(storage.store, {
      report: reports[0],
      status: 'acknowledged',
      reviewer: 'someone else',
      principal: 'alice@contoso.example',
      via: 'api',
    });
    expect(signedIn.ok && signedIn.value.review).toMatchObject({
      reviewer: 'alice@contoso.example',
      identity: 'app-service',
    });
  });
});

describe('changes since the last review', () => {
  it('diffs from the version before the first change when nothing was reviewed', async () => {
    const store = storage.store;
    await runSteps(store, server, { fresh: [noticeV1(), noticeV2(), noticeV3()] }, new Date('2027-02-01T06:00:00Z'));
    const since = await changesSinceReview(store, 'fresh');
    if (!since.ok || !since.value) throw new Error('no since-review');
    expect(since.value).toMatchObject({
      from: { reviewed: false, change: 0, report: null },
      to: { change: 2 },
      changes: 2,
    });
    expect(since.value.differs).toBe(true);
    expect(since.value.diff).toContain('+We keep activity data for 180 days.');
    expect(since.value.metadataChanges).toEqual([{ key: 'ms.date', before: '03/14/2026', after: '05/02/2026' }]);
    expect(await changesSinceReview(store, 'quiet')).toEqual(ok(null));
  });

  it('diffs from the snapshot of the last cleared change to the newest, and is empty once the newest is cleared', async () => {
    const fresh = await page('fresh');
    const first = fresh.entries[1];
    await recordReview(storage.store, { report: first.report, status: 'acknowledged', reviewer: 'a', via: 'api' });
    const since = await changesSinceReview(storage.store, 'fresh');
    if (!since.ok || !since.value) throw new Error('no since-review');
    expect(since.value).toMatchObject({
      from: {
        reviewed: true,
        change: 1,
        report: first.report,
        snapshot: first.currentSnapshot,
        status: 'acknowledged',
      },
      to: { change: 2 },
      changes: 1,
      differs: true,
      substantive: false,
    });
    expect(since.value.diff).toContain('+ms.date: 05/02/2026');
    expect(since.value.diff).not.toContain('180 days');

    await recordReview(storage.store, {
      report: fresh.entries[0].report,
      status: 'not-material',
      reviewer: 'a',
      via: 'api',
    });
    const none = await changesSinceReview(storage.store, 'fresh');
    expect(none.ok && none.value).toMatchObject({ changes: 0, differs: false, diff: '' });
  });

  it('keeps the head of the index small: it names months, not entries', async () => {
    const head = await storage.store.get(CONTAINERS.state, historyHeadName('contoso'));
    expect(head.ok && head.value && head.value.body.length).toBeLessThan(4_000);
  });
});
