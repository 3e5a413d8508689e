import { fail, ok, type Result } from '../common/result';
import { type ChangedResult, type NoticeReport, readLatest } from '../reports';
import {
  CONTAINERS,
  historyHeadName,
  historyMonthName,
  type ObjectStore,
  parseNoticeReportName,
  readJson,
  swapJson,
} from '../storage';
import {
  type ChangeKind,
  type ChangeRef,
  HISTORY_SCHEMA_VERSION,
  type HistoryEntry,
  type HistoryHead,
  type HistoryMonth,
  type HistoryPage,
  type ReviewSummary,
} from './history-types';

/** History pages hold at most this many entries; 20 when the caller does not say. */
export const MAX_HISTORY_LIMIT = 100;
export const DEFAULT_HISTORY_LIMIT = 20;
/** An entry is a summary: the full list of sections is in the report. */
const MAX_ENTRY_SECTIONS = 20;
const MAX_ENTRY_METADATA_KEYS = 20;
/** Headings come from the publisher: long enough to recognise, never a megabyte in an index. */
const MAX_HEADING_CHARS = 300;
export const NOTE_PREVIEW_CHARS = 280;

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function changeKind(report: Pick<ChangedResult, 'recurrence' | 'substantive'>): ChangeKind {
  if (report.recurrence) return 'known-version';
  return report.substantive ? 'new-wording' : 'metadata-only';
}

const NO_REVIEW: ReviewSummary = { count: 0, latest: null };

/** The index entry of a change report; null for reports that are not numbered changes (baselines, older reports). */
export function historyEntryOf(report: NoticeReport): HistoryEntry | null {
  if (report.status !== 'changed' || !report.report || !report.changeNumber) return null;
  if (!report.previousSnapshot || !report.currentSnapshot) return null;
  return {
    report: report.report,
    change: report.changeNumber,
    checkedAt: report.checkedAt,
    runId: report.runId,
    kind: changeKind(report),
    alert: report.alert === true,
    sections: report.sections.slice(0, MAX_ENTRY_SECTIONS).map((section) => ({
      heading: cut(section.heading, MAX_HEADING_CHARS),
      change: section.change,
      linesAdded: section.linesAdded,
      linesRemoved: section.linesRemoved,
    })),
    sectionCount: report.sections.length,
    metadataKeys: report.metadataChanges.slice(0, MAX_ENTRY_METADATA_KEYS).map((item) => cut(item.key, 200)),
    linesAdded: report.linesAdded ?? 0,
    linesRemoved: report.linesRemoved ?? 0,
    previousSnapshot: report.previousSnapshot,
    currentSnapshot: report.currentSnapshot,
    ...(report.recurrence ? { returnTo: { firstSeen: report.recurrence.firstSeen } } : {}),
    review: NO_REVIEW,
  };
}

export function changeRef(entry: HistoryEntry): ChangeRef {
  return {
    change: entry.change,
    report: entry.report,
    checkedAt: entry.checkedAt,
    previousSnapshot: entry.previousSnapshot,
    currentSnapshot: entry.currentSnapshot,
  };
}

/** Newest first: by change number, then by time for equal numbers (which only a damaged index has). */
export function byNewest(a: HistoryEntry, b: HistoryEntry): number {
  if (a.change !== b.change) return b.change - a.change;
  return a.checkedAt < b.checkedAt ? 1 : a.checkedAt > b.checkedAt ? -1 : 0;
}

export async function readHistoryHead(store: ObjectStore, noticeId: string): Promise<Result<HistoryHead | null>> {
  const found = await readJson<HistoryHead>(store, CONTAINERS.state, historyHeadName(noticeId));
  return found.ok ? ok(found.value?.value ?? null) : found;
}

export async function readHistoryMonth(
  store: ObjectStore,
  noticeId: string,
  month: string,
): Promise<Result<HistoryMonth | null>> {
  const found = await readJson<HistoryMonth>(store, CONTAINERS.state, historyMonthName(noticeId, month));
  return found.ok ? ok(found.value?.value ?? null) : found;
}

/**
 * Adds a change report to its notice's history index. Idempotent (an entry is keyed by its report
 * name) and safe under concurrent writers (compare-and-swap on each document): the month document
 * first, then the head, so a head never names a month that has no entry; a writer that dies between
 * the two is completed by the next run, which records the change again (see check-notice).
 * Reports that are not numbered changes are skipped.
 */
export async function recordChange(
  store: ObjectStore,
  report: NoticeReport,
  now: () => Date = () => new Date(),
): Promise<Result<HistoryEntry | null>> {
  const entry = historyEntryOf(report);
  const parts = entry ? parseNoticeReportName(entry.report) : null;
  if (!entry || !parts) return ok(null);
  const month = await swapJson<HistoryMonth>(
    store,
    CONTAINERS.state,
    historyMonthName(parts.noticeId, parts.month),
    (current) => {
      if (current?.entries.some((existing) => existing.report === entry.report)) return null;
      const entries = [...(current?.entries ?? []), entry].sort(byNewest);
      return { schemaVersion: HISTORY_SCHEMA_VERSION, noticeId: parts.noticeId, month: parts.month, entries };
    },
  );
  if (!month.ok) return month;
  const head = await swapJson<HistoryHead>(store, CONTAINERS.state, historyHeadName(parts.noticeId), (current) => {
    const ref = changeRef(entry);
    const base: HistoryHead = current ?? {
      schemaVersion: HISTORY_SCHEMA_VERSION,
      noticeId: parts.noticeId,
      changes: 0,
      months: [],
      newest: null,
      oldest: null,
      reviewedThrough: null,
      updatedAt: now().toISOString(),
    };
    const months = base.months.includes(parts.month) ? base.months : [...base.months, parts.month].sort().reverse();
    const newest = !base.newest || ref.change > base.newest.change ? ref : base.newest;
    const oldest = !base.oldest || ref.change < base.oldest.change ? ref : base.oldest;
    const changes = Math.max(base.changes, ref.change);
    if (current && months === base.months && newest === base.newest && oldest === base.oldest) return null;
    return { ...base, changes, months, newest, oldest, updatedAt: now().toISOString() };
  });
  if (!head.ok) return head;
  const stored = month.value?.entries.find((existing) => existing.report === entry.report);
  return ok(stored ?? entry);
}

/** Replaces one entry's review summary with whichever of the two is further along (reviews are only ever added). */
export async function recordReviewSummary(
  store: ObjectStore,
  report: string,
  summary: ReviewSummary,
): Promise<Result<HistoryEntry | null>> {
  const parts = parseNoticeReportName(report);
  if (!parts) return fail('REPORT_NAME_INVALID', `${report} is not the name of a notice report.`);
  let updated: HistoryEntry | null = null;
  const written = await swapJson<HistoryMonth>(
    store,
    CONTAINERS.state,
    historyMonthName(parts.noticeId, parts.month),
    (current) => {
      const index = current?.entries.findIndex((entry) => entry.report === report) ?? -1;
      if (!current || index < 0) return null;
      const before = current.entries[index];
      const merged = mergeSummaries(before.review, summary);
      updated = { ...before, review: merged };
      if (merged === before.review) return null;
      const entries = [...current.entries];
      entries[index] = updated;
      return { ...current, entries };
    },
  );
  if (!written.ok) return written;
  return ok(updated);
}

export function mergeSummaries(current: ReviewSummary, seen: ReviewSummary): ReviewSummary {
  const newer =
    seen.latest &&
    (!current.latest ||
      seen.latest.reviewedAt > current.latest.reviewedAt ||
      (seen.latest.reviewedAt === current.latest.reviewedAt && seen.latest.name > current.latest.name));
  const count = Math.max(current.count, seen.count);
  if (!newer && count === current.count) return current;
  return { count, latest: newer ? seen.latest : current.latest };
}

export interface HistoryQuery {
  readonly limit?: number;
  /** A report name of this notice: the page starts with the change just older than it. */
  readonly before?: string;
}

/**
 * One page of a notice's history, newest first: the head, then month documents from the newest
 * (or from the month of `before`) back until the page is full. Null when the notice has no history.
 */
export async function readHistory(
  store: ObjectStore,
  noticeId: string,
  query: HistoryQuery = {},
): Promise<Result<HistoryPage | null>> {
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT)
    return fail('LIMIT_INVALID', `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}.`);
  let fromMonth: string | null = null;
  if (query.before !== undefined) {
    const parts = parseNoticeReportName(query.before);
    if (!parts || parts.noticeId !== noticeId)
      return fail('CURSOR_INVALID', `before must be the name of a change report of ${noticeId}.`);
    fromMonth = parts.month;
  }
  const head = await readHistoryHead(store, noticeId);
  if (!head.ok) return head;
  if (!head.value) {
    // A notice that was checked but never changed has an empty history; one never checked has none.
    const latest = await readLatest(store);
    if (!latest.ok) return latest;
    if (!latest.value.notices[noticeId]) return ok(null);
    if (query.before !== undefined)
      return fail('CURSOR_NOT_FOUND', `${query.before} is not in the history of ${noticeId}; start from the newest.`);
    return ok({ notice: noticeId, changes: 0, pendingReview: 0, reviewedThrough: null, entries: [], next: null });
  }
  const months = head.value.months.filter((month) => fromMonth === null || month <= fromMonth);

  const entries: HistoryEntry[] = [];
  let cursorChange: number | null = null;
  for (const month of months) {
    if (entries.length > limit) break;
    const document = await readHistoryMonth(store, noticeId, month);
    if (!document.ok) return document;
    let candidates = [...(document.value?.entries ?? [])].sort(byNewest);
    if (query.before !== undefined && cursorChange === null) {
      const cursor = candidates.find((entry) => entry.report === query.before);
      if (!cursor)
        return fail('CURSOR_NOT_FOUND', `${query.before} is not in the history of ${noticeId}; start from the newest.`);
      cursorChange = cursor.change;
    }
    if (cursorChange !== null) {
      const below = cursorChange;
      candidates = candidates.filter((entry) => entry.change < below);
    }
    entries.push(...candidates);
  }
  const page = entries.slice(0, limit);
  const through = head.value.reviewedThrough;
  return ok({
    notice: noticeId,
    changes: head.value.changes,
    pendingReview: Math.max(0, head.value.changes - (through?.change ?? 0)),
    reviewedThrough: through ? { change: through.change, report: through.report } : null,
    entries: page,
    next: entries.length > limit ? page[page.length - 1].report : null,
  });
}
