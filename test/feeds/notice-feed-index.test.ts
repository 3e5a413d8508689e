import { HttpRequest } from '@azure/functions';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { makeFeedsHttpHandler } from '../../functions/feeds-http';
import { fail, type Result } from '../../shared/common/result';
import { readChangeIndex, readNoticeChanges } from '../../shared/feeds';
import { indexChanges, MAX_INDEXED_CHANGES, MAX_NOTICE_INDEXED_CHANGES } from '../../shared/feeds/change-index';
import { type ChangedResult, type NoticeCheckResult, toNoticeReport, writeReport } from '../../shared/reports';
import {
  CHANGE_INDEX_NAME,
  CONTAINERS,
  MemoryObjectStore,
  noticeChangeIndexName,
  type ObjectStore,
} from '../../shared/storage';
import { faultyStore } from '../support/fakes';
import { testContext, testDeps } from '../support/function-harness';

/**
 * Each notice's own change index, beside the global one: fed synthetic run results straight into
 * indexChanges (no fetching), and read back through the feed handler.
 */

const NOW = '2027-01-01T00:00:00.000Z';

/** A change of `noticeId`, `minute` minutes into 2026-12-01 (so a higher minute is newer). */
function changed(noticeId: string, minute: number): ChangedResult {
  const checkedAt = new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString();
  const runId = `run${String(minute).padStart(5, '0')}`;
  return {
    id: noticeId,
    url: `https://${noticeId}.example/privacy`,
    runId,
    checkedAt,
    durationMs: 1,
    status: 'changed',
    substantive: true,
    alert: true,
    previousSnapshot: `${noticeId}/a.md`,
    currentSnapshot: `${noticeId}/b.md`,
    rawSnapshot: null,
    diff: '',
    metadataChanges: [],
    sections: [],
    wordChanges: [],
    linesAdded: 1,
    linesRemoved: 1,
    recurrence: null,
    report: `drift/2026/12/01/${noticeId}/${runId}.json`,
  };
}

/** A later check that finds the notice unchanged and names its last change, as the pointer remembers it. */
function naming(change: ChangedResult): NoticeCheckResult {
  return {
    id: change.id,
    url: change.url,
    runId: 'later',
    checkedAt: NOW,
    durationMs: 1,
    status: 'unchanged',
    previousSnapshot: change.currentSnapshot,
    currentSnapshot: change.currentSnapshot,
    rawSnapshot: null,
    report: `drift/2027/01/01/${change.id}/later.json`,
    lastChange: { report: change.report!, at: change.checkedAt, alert: true },
  };
}

function busyChanges(count: number, fromMinute: number): ChangedResult[] {
  return Array.from({ length: count }, (_, index) => changed('busy', fromMinute + index));
}

async function value<T>(result: Promise<Result<T>>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new Error(settled.problem.message);
  return settled.value;
}

async function reportsOf(store: ObjectStore, noticeId: string): Promise<string[]> {
  return (await value(readNoticeChanges(store, noticeId))).map((entry) => entry.report);
}

async function feedEntryIds(store: ObjectStore, noticeId: string): Promise<string[]> {
  const document = { notices: [{ id: noticeId, url: `https://${noticeId}.example/privacy`, format: 'markdown' }] };
  const request = new HttpRequest({
    method: 'GET',
    url: `https://nw.example.org/api/feeds/notices/${noticeId}.atom`,
    params: { path: `notices/${noticeId}.atom` },
  });
  const response = await makeFeedsHttpHandler(testDeps(store, document))(request, testContext('feedsRead').context);
  expect(response.status).toBe(200);
  const xml = String(response.body);
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({ isArray: (name) => name === 'entry' }).parse(xml) as {
    feed: { entry?: Array<{ id: string }> };
  };
  return (parsed.feed.entry ?? []).map((entry) => entry.id);
}

describe("a notice's own change index", () => {
  it(`keeps a quiet notice's change in its feed after ${MAX_INDEXED_CHANGES}+ newer changes of another notice`, async () => {
    const store = new MemoryObjectStore();
    const quiet = changed('quiet', 0);
    await value(indexChanges(store, [quiet], NOW));
    await value(indexChanges(store, busyChanges(MAX_INDEXED_CHANGES + 20, 1), NOW));

    const global = await value(readChangeIndex(store));
    expect(global).toHaveLength(MAX_INDEXED_CHANGES);
    expect(global.some((entry) => entry.noticeId === 'quiet')).toBe(false);
    expect(await reportsOf(store, 'quiet')).toEqual([quiet.report]);
    expect(await feedEntryIds(store, 'quiet')).toEqual([`tag:noticewatch.dev,2026:change:${quiet.report}`]);
    // A notice's own index keeps what its feed shows, the newest first.
    const busy = await reportsOf(store, 'busy');
    expect(busy).toHaveLength(MAX_NOTICE_INDEXED_CHANGES);
    expect(busy[0]).toBe(changed('busy', MAX_INDEXED_CHANGES + 20).report);
  });

  it('falls back to the global index for a notice indexed before per-notice indexes, and keeps those changes', async () => {
    const old = [changed('legacy', 0), changed('other', 1), changed('legacy', 2)];
    // The global index as runs before per-notice indexes wrote it, and no per-notice blob beside it.
    const scratch = new MemoryObjectStore();
    await value(indexChanges(scratch, old, NOW));
    const global = await value(scratch.get(CONTAINERS.state, CHANGE_INDEX_NAME));
    const withoutOwn = new MemoryObjectStore();
    await value(withoutOwn.create(CONTAINERS.state, CHANGE_INDEX_NAME, global!.body));
    expect(await value(withoutOwn.get(CONTAINERS.state, noticeChangeIndexName('legacy')))).toBeNull();

    expect(await reportsOf(withoutOwn, 'legacy')).toEqual([old[2].report, old[0].report]);
    expect(await feedEntryIds(withoutOwn, 'legacy')).toHaveLength(2);

    // The notice's first own index starts from what the global index held of it.
    const next = changed('legacy', 3);
    await value(indexChanges(withoutOwn, [next], NOW));
    expect(await value(withoutOwn.get(CONTAINERS.state, noticeChangeIndexName('legacy')))).not.toBeNull();
    expect(await reportsOf(withoutOwn, 'legacy')).toEqual([next.report, old[2].report, old[0].report]);
  });

  it('adds nothing when the same run is indexed twice', async () => {
    const store = new MemoryObjectStore();
    const run = [changed('a', 0), changed('b', 1), changed('a', 2)];
    expect(await indexChanges(store, run, NOW)).toEqual({ ok: true, value: 3 });
    const etags = async () =>
      Promise.all(
        [CHANGE_INDEX_NAME, noticeChangeIndexName('a'), noticeChangeIndexName('b')].map(
          async (name) => (await value(store.get(CONTAINERS.state, name)))?.etag,
        ),
      );
    const before = await etags();

    expect(await indexChanges(store, run, NOW)).toEqual({ ok: true, value: 0 });
    expect(await indexChanges(store, [naming(run[2]), naming(run[1])], NOW)).toEqual({ ok: true, value: 0 });
    expect(await etags()).toEqual(before);
    expect(await reportsOf(store, 'a')).toEqual([run[2].report, run[0].report]);
  });
});

describe('a change whose run died before indexing it', () => {
  it('is added to both indexes when a later check names it', async () => {
    const store = new MemoryObjectStore();
    const lost = changed('quiet', 0);
    await value(writeReport(store, lost.report!, toNoticeReport(lost)));

    expect(await indexChanges(store, [naming(lost)], NOW)).toEqual({ ok: true, value: 1 });
    expect((await value(readChangeIndex(store))).map((entry) => entry.report)).toEqual([lost.report]);
    expect(await reportsOf(store, 'quiet')).toEqual([lost.report]);
  });

  it("is added to its notice's index even when newer changes of others filled the global one", async () => {
    const store = new MemoryObjectStore();
    const lost = changed('quiet', 0);
    await value(writeReport(store, lost.report!, toNoticeReport(lost)));
    await value(indexChanges(store, busyChanges(MAX_INDEXED_CHANGES, 1), NOW));

    expect(await indexChanges(store, [naming(lost)], NOW)).toEqual({ ok: true, value: 1 });
    expect(await reportsOf(store, 'quiet')).toEqual([lost.report]);
    expect((await value(readChangeIndex(store))).some((entry) => entry.noticeId === 'quiet')).toBe(false);
    // Once there, naming it again adds nothing.
    expect(await indexChanges(store, [naming(lost)], NOW)).toEqual({ ok: true, value: 0 });
  });

  it('is added to the global index when only the per-notice write had happened', async () => {
    const lost = changed('quiet', 0);
    // The global index refuses writes until the run that dies between the two writes is over.
    let down = true;
    const failing = refusingWritesTo(CHANGE_INDEX_NAME, () => down);
    await value(writeReport(failing, lost.report!, toNoticeReport(lost)));
    expect((await indexChanges(failing, [lost], NOW)).ok).toBe(false);
    expect(await reportsOf(failing, 'quiet')).toEqual([lost.report]);
    expect(await value(readChangeIndex(failing))).toEqual([]);

    down = false;
    expect(await indexChanges(failing, [naming(lost)], NOW)).toEqual({ ok: true, value: 1 });
    expect((await value(readChangeIndex(failing))).map((entry) => entry.report)).toEqual([lost.report]);
  });
});

describe('a storage failure writing a notice index', () => {
  it('is reported as a problem, and the global index waits for that notice', async () => {
    const store = refusingWritesTo(noticeChangeIndexName('down'));
    const run = [changed('down', 0), changed('up', 1)];

    const indexed = await indexChanges(store, run, NOW);
    expect(indexed).toEqual({
      ok: false,
      problem: { code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining('feeds/notices/down.json') },
    });
    expect(await reportsOf(store, 'up')).toEqual([run[1].report]);
    // Left out of the global index so that a later check that names it writes both.
    expect((await value(readChangeIndex(store))).map((entry) => entry.report)).toEqual([run[1].report]);
  });
});

/** Storage that refuses writes to the blob `name` while `isDown()` says so. */
function refusingWritesTo(name: string, isDown: () => boolean = () => true): ObjectStore {
  const base = new MemoryObjectStore();
  return faultyStore(base, {
    swap: (container, blob, body, type, etag) =>
      isDown() && blob === name
        ? Promise.resolve(fail('STORAGE_UNAVAILABLE', `Storage answered 503 for state/${blob}.`))
        : base.swap(container, blob, body, type, etag),
  });
}
