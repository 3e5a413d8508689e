import type { Problem } from '../common/result';
import type { MetadataChange, SectionChange, WordChange } from '../diff';

/** Bumped on any incompatible change to a stored report; dashboards check it. */
export const REPORT_SCHEMA_VERSION = 1;

export type NoticeStatus = 'baseline' | 'unchanged' | 'changed' | 'error';

export type { MetadataChange, SectionChange, WordChange } from '../diff';

/** A change back to a version this notice had before (A/B backends, rollbacks). */
export interface Recurrence {
  readonly hash: string;
  readonly snapshot: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
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

/** The outcome of checking one notice once: what the CLI prints and what a drift report stores. */
export interface NoticeCheckResult {
  readonly id: string;
  readonly url: string;
  readonly runId: string;
  readonly checkedAt: string;
  readonly durationMs: number;
  readonly status: NoticeStatus;
  readonly error?: Problem;
  /** When changed: true if the body changed, false for a metadata-only change. */
  readonly substantive?: boolean;
  /** Blob names in the snapshots container. */
  readonly previousSnapshot: string | null;
  readonly currentSnapshot: string | null;
  /** Blob name in the raw container of the bytes fetched this time (null when not fetched). */
  readonly rawSnapshot: string | null;
  /** The server answered 304 Not Modified to our conditional request. */
  readonly notModified?: boolean;
  /** When changed: unified diff from the previous snapshot blob's exact content to the current one's. */
  readonly diff?: string;
  readonly metadataChanges: MetadataChange[];
  readonly sections: SectionChange[];
  readonly wordChanges?: WordChange[];
  readonly linesAdded?: number;
  readonly linesRemoved?: number;
  readonly recurrence?: Recurrence | null;
  /** When changed: true for new body wording; false for metadata-only changes and returns to a known version. */
  readonly alert?: boolean;
  /** Include files resolved into this version. */
  readonly includes?: string[];
  /** Set when a persisting suspect body was accepted as a real change. */
  readonly acceptedAfterSuspectRuns?: number;
  /** Set while a fetched body is held back as not looking like the notice (status error, SUSPECT_BODY, or a later failed fetch). */
  readonly heldForReview?: HeldForReview;
  /** On unchanged results: the notice's last real change (report and time), from its pointer. */
  readonly lastChange?: {
    readonly report: string;
    readonly at: string;
    readonly substantive?: boolean;
    readonly alert?: boolean;
  };
  /** Blob name of this result's report in the reports container. */
  readonly report: string | null;
}

export interface NoticeReport extends NoticeCheckResult {
  readonly schemaVersion: number;
  readonly kind: 'notice-check';
}

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
  /** Whether the last change was new body wording that needs a reviewer (see NoticeCheckResult.alert). */
  readonly lastChangeAlert?: boolean;
  readonly error?: Problem;
  /** A body held back at the latest check, with why and its first lines. */
  readonly heldForReview?: HeldForReview;
  readonly report: string | null;
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
  readonly report: string | null;
}

export interface LatestDocument {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  readonly notices: Record<string, LatestNoticeEntry>;
  readonly endpoints: Record<string, LatestEndpointEntry>;
}
