import { randomBytes } from 'node:crypto';

import { fail, ok, type Problem, type Result } from '../common/result';
import {
  CLEARING_STATUSES,
  type NoticeReport,
  readReport,
  recordLatestReview,
  REVIEW_STATUSES,
  type ReviewStatus,
} from '../reports';
import {
  CONTAINERS,
  historyHeadName,
  type ObjectStore,
  parseNoticeReportName,
  readJson,
  reviewName,
  reviewsPrefix,
  swapJson,
} from '../storage';
import { changeRef, cut, mergeSummaries, NOTE_PREVIEW_CHARS, recordChange, recordReviewSummary } from './history-index';
import {
  HISTORY_SCHEMA_VERSION,
  type HistoryHead,
  type ReviewerIdentity,
  type ReviewRecord,
  type ReviewSummary,
} from './history-types';

export const MAX_NOTE_CHARS = 4000;
export const MAX_REVIEWER_CHARS = 200;
/** A trail longer than this is cut to its newest reviews when read (and says so). */
export const MAX_TRAIL_READ = 200;
const CREATE_ATTEMPTS = 5;
const TRAIL_READS_AT_ONCE = 8;

export interface ReviewInput {
  readonly report: unknown;
  readonly status: unknown;
  readonly note?: unknown;
  readonly reviewer?: unknown;
  /** The name App Service authentication vouches for (`x-ms-client-principal-name`); wins over `reviewer`. */
  readonly principal?: string | null;
  readonly via: 'api' | 'cli';
}

export interface RecordedReview {
  readonly review: ReviewRecord;
  readonly summary: ReviewSummary;
  /** Changes of the notice still waiting for an acknowledged or not-material review. */
  readonly pendingReview: number;
  /**
   * Derived views (history entry, history head, latest.json) that could not be updated. The review
   * itself is stored; the views catch up with the next review of the notice.
   */
  readonly problems: Problem[];
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const INVALID_FIELD = { note: 'NOTE_INVALID', reviewer: 'REVIEWER_INVALID' } as const;

function checkText(
  value: unknown,
  field: keyof typeof INVALID_FIELD,
  max: number,
  multiline: boolean,
): Result<string | null> {
  const invalid = INVALID_FIELD[field];
  if (value === undefined || value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail(invalid, `${field} must be a string.`);
  const trimmed = value.trim();
  if (trimmed === '') return ok(null);
  if (trimmed.length > max) return fail(invalid, `${field} is longer than ${max} characters.`);
  if (CONTROL_CHARS.test(trimmed) || (!multiline && /[\r\n\t]/.test(trimmed)))
    return fail(invalid, `${field} contains control characters.`);
  return ok(trimmed);
}

interface CheckedInput {
  readonly report: string;
  readonly noticeId: string;
  readonly status: ReviewStatus;
  readonly note: string | null;
  readonly reviewer: string;
  readonly identity: ReviewerIdentity;
}

/** Everything a caller sends is checked before storage is touched. */
export function checkReviewInput(input: ReviewInput): Result<CheckedInput> {
  if (typeof input.report !== 'string' || input.report === '')
    return fail('REPORT_REQUIRED', 'Say which change you reviewed: "report" is the name of its change report.');
  const parts = parseNoticeReportName(input.report);
  if (!parts)
    return fail(
      'REPORT_NAME_INVALID',
      'report must be the name of a notice change report, e.g. drift/2026/11/29/<notice>/<run>.json.',
    );
  if (typeof input.status !== 'string' || !REVIEW_STATUSES.includes(input.status as ReviewStatus))
    return fail('REVIEW_STATUS_INVALID', `status must be one of ${REVIEW_STATUSES.join(', ')}.`);
  const note = checkText(input.note, 'note', MAX_NOTE_CHARS, true);
  if (!note.ok) return note;
  const principal = checkText(input.principal, 'reviewer', MAX_REVIEWER_CHARS, false);
  if (!principal.ok) return principal;
  const declared = checkText(input.reviewer, 'reviewer', MAX_REVIEWER_CHARS, false);
  if (!declared.ok) return declared;
  const reviewer = principal.value ?? declared.value;
  if (!reviewer)
    return fail('REVIEWER_REQUIRED', 'Say who reviewed the change: "reviewer" (or sign in with App Service).');
  return ok({
    report: input.report,
    noticeId: parts.noticeId,
    status: input.status as ReviewStatus,
    note: note.value,
    reviewer,
    identity: principal.value ? 'app-service' : 'declared',
  });
}

function summaryOf(review: ReviewRecord, count: number): ReviewSummary {
  return {
    count,
    latest: {
      name: review.name,
      status: review.status,
      reviewer: review.reviewer,
      reviewedAt: review.reviewedAt,
      note: review.note === null ? null : cut(review.note, NOTE_PREVIEW_CHARS),
    },
  };
}

/**
 * Stores a review of a change, append-only: a new blob under `reviews/<report>/`, created with
 * If-None-Match: * and a random suffix when two reviews land on the same millisecond, so
 * concurrent reviews never overwrite each other. Then refreshes the derived views: the change's
 * entry in the history index (from the stored reviews themselves), the newest cleared change in the
 * history head, and the notice's review state in latest.json.
 */
export async function recordReview(
  store: ObjectStore,
  input: ReviewInput,
  now: () => Date = () => new Date(),
): Promise<Result<RecordedReview>> {
  const checked = checkReviewInput(input);
  if (!checked.ok) return checked;
  const { report: reportName, noticeId } = checked.value;
  const report = await readReport<NoticeReport>(store, reportName);
  if (!report.ok) return report;
  if (!report.value) return fail('REPORT_NOT_FOUND', `No report named ${reportName}.`);
  if (report.value.kind !== 'notice-check' || report.value.status !== 'changed')
    return fail(
      'REPORT_NOT_A_CHANGE',
      `${reportName} records a check with status "${report.value.status}", not a change; only changes are reviewed.`,
    );
  if (!report.value.changeNumber)
    return fail(
      'REPORT_NOT_IN_HISTORY',
      `${reportName} was written before changes were numbered, so it has no place in the history to review.`,
    );
  // Normally indexed when the run wrote the report; doing it again is a no-op, and heals an index a run left behind.
  const indexed = await recordChange(store, report.value, now);
  if (!indexed.ok) return indexed;

  const at = now();
  const base = {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    kind: 'review' as const,
    report: reportName,
    noticeId,
    change: report.value.changeNumber,
    status: checked.value.status,
    note: checked.value.note,
    reviewer: checked.value.reviewer,
    identity: checked.value.identity,
    via: input.via,
    reviewedAt: at.toISOString(),
  };
  let stored: ReviewRecord | null = null;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS && !stored; attempt += 1) {
    const suffix = attempt === 0 ? '' : `-${randomBytes(4).toString('hex')}`;
    const name = reviewName(reportName, at, suffix);
    const candidate: ReviewRecord = { ...base, name };
    const created = await store.create(
      CONTAINERS.reports,
      name,
      JSON.stringify(candidate, null, 2),
      'application/json',
    );
    if (!created.ok) return created;
    if (created.value === 'created') stored = candidate;
  }
  if (!stored)
    return fail('STORAGE_CONTENTION', `Could not find a free name for the review of ${reportName}; try again.`);
  const review = stored;

  const problems: Problem[] = [];
  const summary = await refreshSummary(store, reportName, review);
  if (!summary.ok) problems.push(summary.problem);

  const head = await swapJson<HistoryHead>(store, CONTAINERS.state, historyHeadName(noticeId), (current) => {
    if (!current || !CLEARING_STATUSES.includes(review.status)) return null;
    if (current.reviewedThrough && current.reviewedThrough.change >= review.change) return null;
    const ref = indexed.value ? changeRef(indexed.value) : null;
    if (!ref) return null;
    return {
      ...current,
      reviewedThrough: { ...ref, status: review.status, reviewedAt: review.reviewedAt },
      updatedAt: review.reviewedAt,
    };
  });
  if (!head.ok) problems.push(head.problem);
  const changeCount = head.ok && head.value ? head.value.changes : review.change;
  const reviewedThrough = head.ok && head.value ? (head.value.reviewedThrough?.change ?? 0) : 0;

  const latest = await recordLatestReview(
    store,
    noticeId,
    {
      changeCount,
      reviewedThrough,
      lastReview: {
        report: reportName,
        change: review.change,
        status: review.status,
        reviewer: review.reviewer,
        reviewedAt: review.reviewedAt,
      },
    },
    review.reviewedAt,
  );
  if (!latest.ok) problems.push(latest.problem);
  const pendingReview =
    latest.ok && latest.value?.pendingReview !== undefined
      ? latest.value.pendingReview
      : Math.max(0, changeCount - reviewedThrough);
  return ok({
    review,
    summary: summary.ok ? summary.value : summaryOf(review, 1),
    pendingReview,
    problems,
  });
}

/** The count and latest review as stored (not as this call believes), written into the change's history entry. */
async function refreshSummary(store: ObjectStore, report: string, mine: ReviewRecord): Promise<Result<ReviewSummary>> {
  const names = await store.list(CONTAINERS.reports, reviewsPrefix(report));
  if (!names.ok) return names;
  let summary = summaryOf(mine, Math.max(1, names.value.length));
  const newestName = names.value[names.value.length - 1];
  if (newestName && newestName !== mine.name) {
    const newest = await readJson<ReviewRecord>(store, CONTAINERS.reports, newestName);
    if (!newest.ok) return newest;
    if (newest.value) summary = mergeSummaries(summary, summaryOf(newest.value.value, names.value.length));
  }
  const updated = await recordReviewSummary(store, report, summary);
  if (!updated.ok) return updated;
  return ok(updated.value?.review ?? summary);
}

export interface ReviewTrail {
  readonly report: string;
  readonly count: number;
  /** Oldest first; the newest MAX_TRAIL_READ when `truncated`. */
  readonly reviews: ReviewRecord[];
  readonly truncated: boolean;
}

/** Every review of one change, oldest first, read from the review blobs themselves. */
export async function readReviews(store: ObjectStore, report: string): Promise<Result<ReviewTrail>> {
  if (!parseNoticeReportName(report))
    return fail('REPORT_NAME_INVALID', `${report} is not the name of a notice change report.`);
  const names = await store.list(CONTAINERS.reports, reviewsPrefix(report));
  if (!names.ok) return names;
  const wanted = names.value.slice(-MAX_TRAIL_READ);
  const reviews: ReviewRecord[] = [];
  // A few reads at a time: a long trail must not open hundreds of requests at once.
  for (let start = 0; start < wanted.length; start += TRAIL_READS_AT_ONCE) {
    const batch = await Promise.all(
      wanted
        .slice(start, start + TRAIL_READS_AT_ONCE)
        .map((name) => readJson<ReviewRecord>(store, CONTAINERS.reports, name)),
    );
    for (const found of batch) {
      if (!found.ok) return found;
      if (found.value) reviews.push(found.value.value);
    }
  }
  reviews.sort((a, b) =>
    a.reviewedAt === b.reviewedAt ? (a.name < b.name ? -1 : 1) : a.reviewedAt < b.reviewedAt ? -1 : 1,
  );
  return ok({ report, count: names.value.length, reviews, truncated: names.value.length > wanted.length });
}
