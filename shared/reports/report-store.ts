import { fail, ok, type Result } from '../common/result';
import { CONTAINERS, readJson, swapJson, type ObjectStore } from '../storage';
import { LATEST_NAME } from './report-names';
import {
  REPORT_SCHEMA_VERSION,
  type LatestDocument,
  type LatestEndpointEntry,
  type LatestNoticeEntry,
  type NoticeCheckResult,
  type NoticeReport,
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

export async function listReports(store: ObjectStore, prefix: string): Promise<Result<string[]>> {
  return store.list(CONTAINERS.reports, prefix);
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
  'currentSnapshot' | 'lastChangedAt' | 'lastChangeReport' | 'substantive' | 'lastChangeAlert'
>;

function changePartOf(entry: LatestNoticeEntry | undefined): ChangePart | null {
  if (!entry) return null;
  const { currentSnapshot, lastChangedAt, lastChangeReport, substantive, lastChangeAlert } = entry;
  return {
    currentSnapshot,
    lastChangedAt,
    lastChangeReport,
    ...(substantive !== undefined ? { substantive } : {}),
    ...(lastChangeAlert !== undefined ? { lastChangeAlert } : {}),
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
    };
  }
  if (result.status === 'baseline')
    return { currentSnapshot: result.currentSnapshot, lastChangedAt: result.checkedAt, lastChangeReport: null };
  if (result.status === 'unchanged' && result.lastChange && result.lastChange.report !== before?.lastChangeReport) {
    const { substantive, alert } = result.lastChange;
    return {
      currentSnapshot: result.currentSnapshot,
      lastChangedAt: result.lastChange.at,
      lastChangeReport: result.lastChange.report,
      ...(substantive !== undefined ? { substantive } : {}),
      ...(alert !== undefined ? { lastChangeAlert: alert } : {}),
    };
  }
  return null;
}

/**
 * Merges a result into a notice's entry. The check (status, time, error) and the last change are
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
          heldForReview: result.heldForReview,
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
