import { fail, ok, type Result } from '../common/result';
import { CONTAINERS, readJson, swapJson, type ObjectStore } from '../storage';
import { LATEST_NAME } from './report-names';
import { REPORT_SCHEMA_VERSION, type LatestDocument, type LatestEndpointEntry, type LatestNoticeEntry, type NoticeCheckResult, type NoticeReport } from './report-types';

/** Reports are append-only: a name is written once and never replaced. */
export async function writeReport(store: ObjectStore, name: string, report: object): Promise<Result<'created' | 'exists'>> {
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

function latestNoticeEntry(result: NoticeCheckResult, before: LatestNoticeEntry | undefined): LatestNoticeEntry {
  const changedNow = result.status === 'changed' || result.status === 'baseline';
  return {
    id: result.id,
    url: result.url,
    status: result.status,
    checkedAt: result.checkedAt,
    runId: result.runId,
    currentSnapshot: result.currentSnapshot ?? before?.currentSnapshot ?? null,
    lastChangedAt: changedNow ? result.checkedAt : before?.lastChangedAt ?? null,
    lastChangeReport: result.status === 'changed' ? result.report : before?.lastChangeReport ?? null,
    ...(result.status === 'changed' ? { substantive: result.substantive } : before?.substantive !== undefined ? { substantive: before.substantive } : {}),
    ...(result.status === 'changed' ? { lastChangeAlert: result.alert } : before?.lastChangeAlert !== undefined ? { lastChangeAlert: before.lastChangeAlert } : {}),
    ...(result.error ? { error: result.error } : {}),
    report: result.report,
  };
}

/**
 * Folds a run's notice results into latest.json. An entry only moves forward in time, so a
 * slower concurrent run that finishes last cannot overwrite a newer state with an older one.
 */
export async function recordLatestNotices(store: ObjectStore, results: readonly NoticeCheckResult[], now: string): Promise<Result<LatestDocument>> {
  if (results.length === 0) return readLatest(store);
  const written = await swapJson<LatestDocument>(store, CONTAINERS.reports, LATEST_NAME, (current) => {
    const base = current ?? emptyLatest(now);
    const notices = { ...base.notices };
    for (const result of results) {
      const before = notices[result.id];
      if (before && before.checkedAt > result.checkedAt) continue;
      notices[result.id] = latestNoticeEntry(result, before);
    }
    return { ...base, schemaVersion: REPORT_SCHEMA_VERSION, updatedAt: now, notices };
  });
  if (!written.ok) return written;
  return written.value ? ok(written.value) : fail('STORAGE_ERROR', 'latest.json could not be updated');
}

/** Same as recordLatestNotices for the endpoints section of latest.json. */
export async function recordLatestEndpoints(store: ObjectStore, entries: Record<string, LatestEndpointEntry>, now: string): Promise<Result<LatestDocument>> {
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
