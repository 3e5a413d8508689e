import { fail, ok, type Result } from '../common/result';
import { CONTAINERS, LATEST_NAME, type NamePage, type ObjectStore, readJson, swapJson } from '../storage';
import {
  type LatestDocument,
  type LatestEndpointEntry,
  type LatestNoticeEntry,
  type LatestReview,
  type NoticeCheckResult,
  type NoticeReport,
  REPORT_SCHEMA_VERSION,
} from './report-types';

/** Reports are append-only: a name is written once and never replaced. */
export async function writeReport(
  store: ObjectStore,
  name: string,
  report: object,
): Promise<Result<'created' | 'exists'>> {
  return store.create(CONTAINERS.reports, name, JSON.stringify(report, null, 2), 'application/json');
}

export function toNoticeReport(result: NoticeCheckResult): NoticeReport {
  return { schemaVersion: REPORT_SCHEMA_VERSION, kind: 'notice-check', ...result };
}

export async function readReport<T = unknown>(store: ObjectStore, name: string): Promise<Result<T | null>> {
  const found = await readJson<T>(store, CONTAINERS.reports, name);
  return found.ok ? ok(found.value?.value ?? null) : found;
}

/** Every report name under a prefix: reads every page, for tests and tools over small folders. */
export async function listReports(store: ObjectStore, prefix: string): Promise<Result<string[]>> {
  return store.list(CONTAINERS.reports, prefix);
}

/** One page of report names under a prefix; storage is not asked for more than `maxNames`. */
export async function listReportPage(
  store: ObjectStore,
  prefix: string,
  page: { readonly maxNames: number; readonly continuation: string | null },
): Promise<Result<NamePage>> {
  return store.listPage(CONTAINERS.reports, prefix, page);
}

export function emptyLatest(now: string): LatestDocument {
  return { schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: now, notices: {}, endpoints: {} };
}

export async function readLatest(store: ObjectStore): Promise<Result<LatestDocument>> {
  const found = await readJson<LatestDocument>(store, CONTAINERS.reports, LATEST_NAME);
  if (!found.ok) return found;
  return ok(found.value?.value ?? emptyLatest(new Date(0).toISOString()));
}

type ChangePart = Pick<
  LatestNoticeEntry,
  'currentSnapshot' | 'lastChangedAt' | 'lastChangeReport' | 'substantive' | 'lastChangeAlert' | 'claimsReport'
>;

function changePartOf(entry: LatestNoticeEntry | undefined): ChangePart | null {
  if (!entry) return null;
  const { currentSnapshot, lastChangedAt, lastChangeReport, substantive, lastChangeAlert, claimsReport } = entry;
  return {
    currentSnapshot,
    lastChangedAt,
    lastChangeReport,
    ...(substantive !== undefined ? { substantive } : {}),
    ...(lastChangeAlert !== undefined ? { lastChangeAlert } : {}),
    ...(claimsReport !== undefined ? { claimsReport } : {}),
  };
}

/** What a result says about the notice's last change, or null when it says nothing new. */
function resultChangePart(result: NoticeCheckResult, before: LatestNoticeEntry | undefined): ChangePart | null {
  if (result.status === 'changed') {
    return {
      currentSnapshot: result.currentSnapshot,
      lastChangedAt: result.checkedAt,
      lastChangeReport: result.report,
      substantive: result.substantive,
      lastChangeAlert: result.alert,
      claimsReport: result.report,
    };
  }
  if (result.status === 'baseline')
    return {
      currentSnapshot: result.currentSnapshot,
      lastChangedAt: result.checkedAt,
      lastChangeReport: null,
      claimsReport: result.report,
    };
  if (result.status === 'unchanged' && result.lastChange && result.lastChange.report !== before?.lastChangeReport) {
    const { substantive, alert } = result.lastChange;
    return {
      currentSnapshot: result.currentSnapshot,
      lastChangedAt: result.lastChange.at,
      lastChangeReport: result.lastChange.report,
      claimsReport: result.lastChange.report,
      ...(substantive !== undefined ? { substantive } : {}),
      ...(alert !== undefined ? { lastChangeAlert: alert } : {}),
    };
  }
  return null;
}

/**
 * Merges a result into a notice's entry. The check (status, time, error, a held body) and the last change are
 * merged separately, each keeping whichever is newer: two runs recording in either order, one of
 * them reporting the change and the other "unchanged" after it, end with the same entry.
 */
function latestNoticeEntry(result: NoticeCheckResult, before: LatestNoticeEntry | undefined): LatestNoticeEntry {
  const fromBefore = changePartOf(before);
  const fromResult = resultChangePart(result, before);
  const change: ChangePart =
    fromResult && (!fromBefore || (fromResult.lastChangedAt ?? '') >= (fromBefore.lastChangedAt ?? ''))
      ? fromResult
      : (fromBefore ?? { currentSnapshot: result.currentSnapshot, lastChangedAt: null, lastChangeReport: null });
  const check =
    before && before.checkedAt > result.checkedAt
      ? {
          status: before.status,
          checkedAt: before.checkedAt,
          runId: before.runId,
          error: before.error,
          heldForReview: before.heldForReview,
          report: before.report,
        }
      : {
          status: result.status,
          checkedAt: result.checkedAt,
          runId: result.runId,
          error: result.error,
          heldForReview: result.status === 'error' ? result.heldForReview : undefined,
          report: result.report,
        };
  const { error, heldForReview, ...rest } = check;
  return {
    id: result.id,
    url: result.url,
    ...rest,
    ...change,
    ...(error ? { error } : {}),
    ...(heldForReview ? { heldForReview } : {}),
    ...reviewPart(before, resultChangeNumber(result)),
  };
}

function resultChangeNumber(result: NoticeCheckResult): number {
  if (result.status === 'changed') return result.changeNumber ?? 0;
  if (result.status === 'unchanged') return result.lastChange?.number ?? 0;
  return 0;
}

/**
 * Counts only move forward, so runs and reviews recording in any order agree: the change count is
 * the highest change number seen, and what is pending is every change after the newest cleared one.
 */
function reviewPart(
  before: LatestNoticeEntry | undefined,
  changeCount: number,
  reviewedThrough = 0,
  lastReview?: LatestReview,
): Pick<LatestNoticeEntry, 'changeCount' | 'reviewedThrough' | 'pendingReview' | 'lastReview'> {
  const count = Math.max(before?.changeCount ?? 0, changeCount);
  const through = Math.min(count, Math.max(before?.reviewedThrough ?? 0, reviewedThrough));
  const newest =
    lastReview && (!before?.lastReview || lastReview.reviewedAt >= before.lastReview.reviewedAt)
      ? lastReview
      : before?.lastReview;
  return {
    changeCount: count,
    reviewedThrough: through,
    pendingReview: count - through,
    ...(newest ? { lastReview: newest } : {}),
  };
}

/**
 * Folds a run's notice results into latest.json. An entry only moves forward in time, so a
 * slower concurrent run that finishes last cannot overwrite a newer state with an older one.
 */
export async function recordLatestNotices(
  store: ObjectStore,
  results: readonly NoticeCheckResult[],
  now: string,
): Promise<Result<LatestDocument>> {
  if (results.length === 0) return readLatest(store);
  const written = await swapJson<LatestDocument>(store, CONTAINERS.reports, LATEST_NAME, (current) => {
    const base = current ?? emptyLatest(now);
    const notices = { ...base.notices };
    for (const result of results) notices[result.id] = latestNoticeEntry(result, notices[result.id]);
    return { ...base, schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: now, notices };
  });
  if (!written.ok) return written;
  return written.value ? ok(written.value) : fail('STORAGE_ERROR', 'latest.json could not be updated');
}

/** What a review changed about a notice, from its history index (the record); latest.json mirrors it. */
export interface NoticeReviewState {
  readonly changeCount: number;
  readonly reviewedThrough: number;
  readonly lastReview: LatestReview;
}

/**
 * Folds a review into the notice's entry of latest.json (same ETag read-modify-write as the runs).
 * A notice with no entry yet is left alone: its first run writes the entry.
 */
export async function recordLatestReview(
  store: ObjectStore,
  noticeId: string,
  state: NoticeReviewState,
  now: string,
): Promise<Result<LatestNoticeEntry | null>> {
  let recorded: LatestNoticeEntry | null = null;
  const written = await swapJson<LatestDocument>(store, CONTAINERS.reports, LATEST_NAME, (current) => {
    const before = current?.notices[noticeId];
    if (!current || !before) return null;
    recorded = {
      ...before,
      ...reviewPart(before, state.changeCount, state.reviewedThrough, state.lastReview),
    };
    return { ...current, updatedAt: now, notices: { ...current.notices, [noticeId]: recorded } };
  });
  if (!written.ok) return written;
  return ok(recorded ?? written.value?.notices[noticeId] ?? null);
}

/** Same as recordLatestNotices for the endpoints section of latest.json. */
export async function recordLatestEndpoints(
  store: ObjectStore,
  entries: Record<string, LatestEndpointEntry>,
  now: string,
): Promise<Result<LatestDocument>> {
  const written = await swapJson<LatestDocument>(store, CONTAINERS.reports, LATEST_NAME, (current) => {
    const base = current ?? emptyLatest(now);
    const endpoints = { ...base.endpoints };
    for (const [key, entry] of Object.entries(entries)) {
      const before = endpoints[key];
      if (before && before.checkedAt > entry.checkedAt) continue;
      endpoints[key] = entry;
    }
    return { ...base, schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: now, endpoints };
  });
  if (!written.ok) return written;
  return written.value ? ok(written.value) : fail('STORAGE_ERROR', 'latest.json could not be updated');
}
