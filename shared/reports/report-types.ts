import type { ChangeSeverity, ClaimChange, ClaimsRecord } from '../claims';
import type { Problem } from '../common/result';
import type { ReportedChange } from '../diff';

/** Bumped on any incompatible change to a stored report; dashboards check it. */
export const REPORT_SCHEMA_VERSION = 1;

export type NoticeStatus = 'baseline' | 'unchanged' | 'changed' | 'error';

export type { ChangeSeverity, ClaimChange, ClaimsRecord } from '../claims';
export type { MetadataChange, SectionChange, WordChange } from '../diff';

/** A change back to a version this notice had before (A/B backends, rollbacks). */
export interface Recurrence {
  readonly hash: string;
  readonly snapshot: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** What every notice result says, whatever its status. */
interface NoticeCheckFields {
  readonly id: string;
  readonly url: string;
  readonly runId: string;
  readonly checkedAt: string;
  readonly durationMs: number;
  /** Blob name in the snapshots container of the last good snapshot before this check. */
  readonly previousSnapshot: string | null;
  /** Include files resolved into this version. */
  readonly includes?: string[];
  /** Blob name of this result's report in the reports container. */
  readonly report: string | null;
  // Read freely on any result (`result.error?.code`); set only on an error.
  readonly error?: never;
}

/** The first good snapshot of a notice. */
export interface BaselineResult extends Omit<NoticeCheckFields, 'previousSnapshot'> {
  readonly status: 'baseline';
  readonly previousSnapshot: null;
  readonly currentSnapshot: string;
  /** Blob name in the raw container of the bytes fetched. */
  readonly rawSnapshot: string | null;
  /** Set when a persisting suspect body was accepted as the first version. */
  readonly acceptedAfterSuspectRuns?: number;
  /** What the notice promises, each claim with its section and sentence. */
  readonly claims?: ClaimsRecord;
}

/** The notice is as its last good snapshot. */
export interface UnchangedResult extends NoticeCheckFields {
  readonly status: 'unchanged';
  readonly currentSnapshot: string | null;
  readonly rawSnapshot: null;
  /** The server answered 304 Not Modified to our conditional request. */
  readonly notModified?: boolean;
  /** The notice's last real change (report and time), from its pointer. */
  readonly lastChange?: {
    readonly report: string;
    readonly at: string;
    readonly substantive?: boolean;
    readonly alert?: boolean;
    readonly number?: number;
  };
}

/**
 * The notice changed: what moved, from the previous snapshot blob's exact content to the current one's
 * (the fields of its change analysis, see ChangeAnalysis, and what follows from them).
 */
export interface ChangedResult extends Omit<NoticeCheckFields, 'previousSnapshot'>, Readonly<ReportedChange> {
  readonly status: 'changed';
  readonly previousSnapshot: string;
  readonly currentSnapshot: string;
  readonly rawSnapshot: string | null;
  readonly recurrence: Recurrence | null;
  /** True when its severity is high or medium; false for rewording, metadata-only changes and returns to a known version. */
  readonly alert?: boolean;
  /** What the notice promises now, each claim with its section and sentence. */
  readonly claims?: ClaimsRecord;
  /** The claims added, removed or changed since the previous version. */
  readonly claimChanges?: ClaimChange[];
  /** How much the change matters, from its claims (see ChangeSeverity). */
  readonly severity?: ChangeSeverity;
  /** Set when a persisting suspect body was accepted as a real change. */
  readonly acceptedAfterSuspectRuns?: number;
  /** This is the notice's n-th recorded change (counted by its pointer, so in the order the versions moved). */
  readonly changeNumber?: number;
}

/**
 * A fetched body that did not look like the notice (an error page, a truncated render, another
 * document): not taken as a change, but shown at once so that a person can tell a broken page from
 * a real rewrite that merely looks odd, before it is accepted after `needed` consecutive runs.
 */
export interface HeldForReview {
  /** The signal that fired (empty, error-page, truncation, link-hub, another-document...). */
  readonly signal: string;
  /** Why, in words, with the figures behind it. */
  readonly reason: string;
  readonly figures: Readonly<Record<string, number | string | boolean>>;
  /** The first lines of the held body, as fetched and normalised. */
  readonly firstLines: readonly string[];
  /** SHA-256 of the held snapshot text. */
  readonly hash: string;
  /** Consecutive runs that served this body so far, and how many accept it as a change. */
  readonly seen: number;
  readonly needed: number;
  readonly firstSeen: string;
}

/** The check could not complete, or what was fetched is not taken for the notice; the last good snapshot is untouched. */
export interface ErrorResult extends Omit<NoticeCheckFields, 'error'> {
  readonly status: 'error';
  readonly error: Problem;
  /** Set while a fetched body is held back as not looking like the notice (SUSPECT_BODY, or a later failed fetch). */
  readonly heldForReview?: HeldForReview;
  /** Set when the change was recorded but its report could not be written (REPORT_NOT_WRITTEN). */
  readonly currentSnapshot: string | null;
  readonly rawSnapshot: string | null;
}

/** The outcome of checking one notice once, keyed on `status`: what the CLI prints and what a drift report stores. */
export type NoticeCheckResult = BaselineResult | UnchangedResult | ChangedResult | ErrorResult;

/** The parts of a result a check decides; the run's bookkeeping (ids, times, report name) is added around them. */
type RunFields = 'id' | 'url' | 'runId' | 'checkedAt' | 'durationMs' | 'report';
export type NoticeOutcome =
  | Omit<BaselineResult, RunFields>
  | Omit<UnchangedResult, RunFields>
  | Omit<ChangedResult, RunFields>
  | Omit<ErrorResult, RunFields>;

export type NoticeReport = NoticeCheckResult & {
  readonly schemaVersion: number;
  readonly kind: 'notice-check';
};

export interface LatestNoticeEntry {
  readonly id: string;
  readonly url: string;
  readonly status: NoticeStatus;
  readonly checkedAt: string;
  readonly runId: string;
  readonly currentSnapshot: string | null;
  readonly lastChangedAt: string | null;
  readonly lastChangeReport: string | null;
  readonly substantive?: boolean;
  /** Whether the last change was new body wording that needs a reviewer (see ChangedResult.alert). */
  readonly lastChangeAlert?: boolean;
  /** The report that holds the notice's current claims: its baseline or its last change. */
  readonly claimsReport?: string | null;
  readonly error?: Problem;
  /** A body held back at the latest check, with why and its first lines. */
  readonly heldForReview?: HeldForReview;
  readonly report: string | null;
  /** Changes of the notice recorded so far (the number of its last change). */
  readonly changeCount?: number;
  /** Number of the newest change with an `acknowledged` or `not-material` review (0: none). */
  readonly reviewedThrough?: number;
  /** Changes since the last acknowledged or not-material review: `changeCount - reviewedThrough`. */
  readonly pendingReview?: number;
  /** The most recent review of any change of the notice. */
  readonly lastReview?: LatestReview;
}

/** What a reviewer decided about a change: read it and it matters, read it and it does not, or it needs work. */
export type ReviewStatus = 'acknowledged' | 'not-material' | 'needs-action';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['acknowledged', 'not-material', 'needs-action'];
/** Statuses that close a change: it no longer counts towards pendingReview. */
export const CLEARING_STATUSES: readonly ReviewStatus[] = ['acknowledged', 'not-material'];

export interface LatestReview {
  readonly report: string;
  readonly change: number;
  readonly status: ReviewStatus;
  readonly reviewer: string;
  readonly reviewedAt: string;
}

/** The latest TLS state of one endpoint (one address of it, keyed `id` or `id@address` when several are checked). */
export interface LatestEndpointEntry {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly address: string | null;
  readonly checkedAt: string;
  readonly runId: string;
  readonly compliant: boolean;
  readonly protocols: Record<'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', 'accepted' | 'rejected' | 'error'>;
  readonly findings: ReadonlyArray<{ readonly id: string; readonly severity: string; readonly message: string }>;
  readonly certificate: {
    readonly subject: string;
    readonly issuer: string;
    readonly validTo: string;
    readonly daysRemaining: number;
  } | null;
  readonly problem?: Problem;
  /** The promises of the notices the endpoint is linked to, and whether each held in this check. */
  readonly promises?: ReadonlyArray<{
    readonly notice: string;
    readonly claim: 'tlsMinimum';
    readonly value: '1.0' | '1.1' | '1.2' | '1.3' | null;
    readonly holds: boolean | null;
  }>;
  readonly report: string | null;
}

export interface LatestDocument {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  readonly notices: Record<string, LatestNoticeEntry>;
  readonly endpoints: Record<string, LatestEndpointEntry>;
}
