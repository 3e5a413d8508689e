import type { ReviewStatus, SectionChange } from '../reports';

export const HISTORY_SCHEMA_VERSION = 1;

/** What kind of change an entry is, in the words a reviewer uses. */
export type ChangeKind = 'new-wording' | 'metadata-only' | 'known-version';

/** The latest review of one change, as the history and the report view show it. */
export interface ReviewSummary {
  readonly count: number;
  readonly latest: {
    /** Blob name of the review in the reports container. */
    readonly name: string;
    readonly status: ReviewStatus;
    readonly reviewer: string;
    readonly reviewedAt: string;
    /** The note, cut to NOTE_PREVIEW_CHARS here; the full note is in the review itself. */
    readonly note: string | null;
  } | null;
}

/** One change of a notice in its history: a summary of its report, and the state of its review. */
export interface HistoryEntry {
  readonly report: string;
  /** The notice's n-th change. */
  readonly change: number;
  readonly checkedAt: string;
  readonly runId: string;
  readonly kind: ChangeKind;
  /** New wording that needs a person (see NoticeCheckResult.alert). */
  readonly alert: boolean;
  /** The first changed sections (headings cut to a readable length); `sectionCount` says how many there are. */
  readonly sections: SectionChange[];
  readonly sectionCount: number;
  readonly metadataKeys: string[];
  readonly linesAdded: number;
  readonly linesRemoved: number;
  readonly previousSnapshot: string;
  readonly currentSnapshot: string;
  /** For a return to a known version: when that version was first seen. */
  readonly returnTo?: { readonly firstSeen: string };
  readonly review: ReviewSummary;
}

/** A change as the head of the index refers to it. */
export interface ChangeRef {
  readonly change: number;
  readonly report: string;
  readonly checkedAt: string;
  readonly previousSnapshot: string;
  readonly currentSnapshot: string;
}

/**
 * The head of a notice's history index (`state/history/<noticeId>.json`): how many changes, which
 * months hold them, and the newest change cleared by a review. The entries themselves live in one
 * small document per month (`state/history/<noticeId>/<YYYY-MM>.json`), so no read ever lists blobs.
 */
export interface HistoryHead {
  readonly schemaVersion: number;
  readonly noticeId: string;
  /** The highest change number indexed. */
  readonly changes: number;
  /** `YYYY-MM` of every month with at least one change, newest first. */
  readonly months: string[];
  readonly newest: ChangeRef | null;
  readonly oldest: ChangeRef | null;
  /** The newest change with an `acknowledged` or `not-material` review. */
  readonly reviewedThrough: (ChangeRef & { readonly status: ReviewStatus; readonly reviewedAt: string }) | null;
  readonly updatedAt: string;
}

export interface HistoryMonth {
  readonly schemaVersion: number;
  readonly noticeId: string;
  readonly month: string;
  /** Newest first. */
  readonly entries: HistoryEntry[];
}

/** One page of a notice's history, newest first. */
export interface HistoryPage {
  readonly notice: string;
  readonly changes: number;
  readonly pendingReview: number;
  readonly reviewedThrough: { readonly change: number; readonly report: string } | null;
  readonly entries: HistoryEntry[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  readonly next: string | null;
}

/** How a reviewer's name was established. */
export type ReviewerIdentity = 'app-service' | 'declared';

/** One review, stored create-only at `reviews/<report name>/<timestamp>.json` in the reports container. */
export interface ReviewRecord {
  readonly schemaVersion: number;
  readonly kind: 'review';
  readonly name: string;
  readonly report: string;
  readonly noticeId: string;
  readonly change: number;
  readonly status: ReviewStatus;
  readonly note: string | null;
  readonly reviewer: string;
  /** `app-service`: from App Service authentication; `declared`: as the caller said. */
  readonly identity: ReviewerIdentity;
  readonly via: 'api' | 'cli';
  readonly reviewedAt: string;
}
