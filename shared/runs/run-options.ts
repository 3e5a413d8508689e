import type { Progress } from '../common/pool';
import type { Problem } from '../common/result';
import type { NotificationSummary, NotifyOptions } from '../notify';

/**
 * What every run takes, drift or TLS: the same shape and the same meaning of each deadline, so the
 * timer, the HTTP functions and the CLI build them the same way (build-run-options.ts).
 */
export interface RunOptions<R> {
  readonly runId: string;
  readonly startedAt: Date;
  /** Epoch ms after which no new item is started. */
  readonly deadline?: number;
  /**
   * Epoch ms by which the run returns, whatever hangs: items still in flight are abandoned a little
   * before it (their fetches and probes cancelled), and the closing writes give up at it.
   */
  readonly hardDeadline?: number;
  /** Items checked at once. Default 4. */
  readonly concurrency?: number;
  /** Who started the run (`timer`, `http`, `cli`); recorded in the summary. Default `manual`. */
  readonly trigger?: string;
  readonly onProgress?: Progress<R>;
  /** The run's clock: deadlines and recorded times agree with it. */
  readonly now?: () => Date;
  /** Channels and settings for alerts; without them a drift run only indexes its changes for the feeds. */
  readonly notify?: NotifyOptions;
}

/** What every run summary says, drift or TLS, besides its results and counts. */
export interface RunSummaryFields {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly trigger: string;
  /** Ids the run did not complete: never started (deadline, storage down) or abandoned at the hard deadline. */
  readonly notReached: string[];
  /** The subset of notReached that was started and abandoned; a later run picks them up. */
  readonly abandoned: string[];
  /** Problems of the run itself: storage unavailable, the deadline reached, latest.json or the summary not written. */
  readonly problems: Problem[];
  /** Blob name of the run summary in the reports container, or null if it could not be written. */
  readonly summary: string | null;
  /** Alerts recorded and delivered by this run (when channels are configured). */
  readonly notifications?: NotificationSummary;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TRIGGER = 'manual';
