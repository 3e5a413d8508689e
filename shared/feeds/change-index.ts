import { ok, type Result } from '../common/result';
import { type AlertSummary, buildPayload } from '../notify/payload';
import {
  type ChangedResult,
  type NoticeCheckResult,
  type NoticeReport,
  readReport,
  type UnchangedResult,
} from '../reports';
import { CHANGE_INDEX_NAME, CONTAINERS, type ObjectStore, readJson, swapJson } from '../storage';

/** One change in the feeds: enough to write an entry without reading its report. */
export interface ChangeEntry {
  readonly noticeId: string;
  readonly url: string;
  readonly report: string;
  readonly checkedAt: string;
  readonly runId: string;
  /** New wording (what alerts go out for); false for metadata-only changes and returns to a known version. */
  readonly alert: boolean;
  readonly substantive: boolean;
  readonly recurrence: boolean;
  readonly title: string;
  readonly summary: AlertSummary;
}

interface ChangeIndex {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  /** Newest first. */
  readonly entries: ChangeEntry[];
}

/** The feeds read one small blob; it keeps the newest changes of all notices, this many. */
export const MAX_INDEXED_CHANGES = 500;

function entryOf(result: ChangedResult, report: string): ChangeEntry {
  const payload = buildPayload('notice-changed', { ...result, kind: 'notice-check' }, report, {}, undefined);
  return {
    noticeId: result.id,
    url: result.url,
    report,
    checkedAt: result.checkedAt,
    runId: result.runId,
    alert: result.alert === true,
    substantive: result.substantive === true,
    recurrence: Boolean(result.recurrence),
    title: payload.title,
    summary: payload.summary,
  };
}

function newestFirst(a: ChangeEntry, b: ChangeEntry): number {
  if (a.checkedAt !== b.checkedAt) return a.checkedAt < b.checkedAt ? 1 : -1;
  return a.report < b.report ? 1 : a.report > b.report ? -1 : 0;
}

export async function readChangeIndex(store: ObjectStore): Promise<Result<ChangeEntry[]>> {
  const found = await readJson<ChangeIndex>(store, CONTAINERS.state, CHANGE_INDEX_NAME);
  return found.ok ? ok(found.value?.value.entries ?? []) : found;
}

/**
 * Adds a run's changes to the index the feeds read. A change whose own run died before indexing it
 * is added when a later check names it as the notice's last change, so the feed misses nothing.
 */
export async function indexChanges(
  store: ObjectStore,
  results: readonly NoticeCheckResult[],
  now: string,
): Promise<Result<number>> {
  const fresh = results
    .filter((result): result is ChangedResult => result.status === 'changed' && result.report !== null)
    .map((result) => entryOf(result, result.report!));
  const named = results.filter(
    (result): result is UnchangedResult => result.status === 'unchanged' && result.lastChange !== undefined,
  );
  if (!fresh.length && !named.length) return ok(0);
  const current = await readChangeIndex(store);
  if (!current.ok) return current;
  const known = new Set([...current.value.map((entry) => entry.report), ...fresh.map((entry) => entry.report)]);
  const full = current.value.length >= MAX_INDEXED_CHANGES;
  const oldest = current.value.at(-1)?.checkedAt ?? '';
  for (const result of named) {
    const change = result.lastChange!;
    // An index that is full only takes changes newer than what it would drop.
    if (known.has(change.report) || (full && change.at <= oldest)) continue;
    const report = await readReport<NoticeReport>(store, change.report);
    if (!report.ok) return report;
    if (report.value?.status !== 'changed') continue;
    known.add(change.report);
    fresh.push(entryOf(report.value, change.report));
  }
  if (!fresh.length) return ok(0);
  let added = 0;
  const written = await swapJson<ChangeIndex>(store, CONTAINERS.state, CHANGE_INDEX_NAME, (index) => {
    const entries = index?.entries ?? [];
    const present = new Set(entries.map((entry) => entry.report));
    const adding = fresh.filter((entry) => !present.has(entry.report));
    added = adding.length;
    if (!adding.length) return null;
    return {
      schemaVersion: 1,
      updatedAt: now,
      entries: [...entries, ...adding].sort(newestFirst).slice(0, MAX_INDEXED_CHANGES),
    };
  });
  return written.ok ? ok(added) : written;
}
