import { ok, type Problem, problemFromError } from '../common/result';
import type { NoticeConfig } from '../config/types';
import { type FetchOptions, RepositoryFiles } from '../notices';
import { alertsAfterDrift, type NotificationSummary, type NotifyOptions } from '../notify';
import {
  type NoticeCheckResult,
  recordLatestNotices,
  REPORT_SCHEMA_VERSION,
  runSummaryName,
  writeReport,
} from '../reports';
import type { ObjectStore } from '../storage';
import { byDeadline, closingReserveMs } from './by-deadline';
import { checkNotice, type CheckNoticeDeps } from './check-notice';
import { runPool } from './run-pool';

export interface DriftRunOptions {
  readonly runId: string;
  readonly startedAt: Date;
  /** Epoch ms after which no new notice is started. */
  readonly deadline?: number;
  /**
   * Epoch ms by which the run returns, whatever hangs: checks still in flight are abandoned a little
   * before it, and the closing writes (latest.json, the run summary) give up at it.
   */
  readonly hardDeadline?: number;
  readonly concurrency?: number;
  readonly fetchOptions?: FetchOptions;
  readonly suspectRunsToAccept?: number;
  readonly trigger?: string;
  readonly onProgress?: (result: NoticeCheckResult, done: number, total: number) => void;
  readonly acquire?: CheckNoticeDeps['acquire'];
  readonly now?: () => Date;
  /** Channels and settings for alerts; without it the run only indexes its changes for the feeds. */
  readonly notify?: NotifyOptions;
}

export interface DriftRunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly trigger: string;
  readonly notices: NoticeCheckResult[];
  /** Ids the run did not complete: never started (deadline, storage down) or abandoned at the hard deadline. */
  readonly notReached: string[];
  /** The subset of notReached that was started and abandoned; a later run picks them up. */
  readonly abandoned: string[];
  /** Problems of the run itself: storage unavailable, the deadline reached, latest.json or the summary not written. */
  readonly problems: Problem[];
  readonly counts: Record<NoticeCheckResult['status'], number>;
  /** Blob name of the run summary in the reports container, or null if it could not be written. */
  readonly summary: string | null;
  /** Alerts recorded and delivered by this run (when channels are configured). */
  readonly notifications?: NotificationSummary;
}

const STORAGE_FAILURES_TO_STOP = 2;

/** A defect, not a fact about the notice: reported as an error of its own, with no report written. */
function internalErrorResult(notice: NoticeConfig, runId: string, at: Date, error: unknown): NoticeCheckResult {
  return {
    id: notice.id,
    url: notice.url,
    runId,
    checkedAt: at.toISOString(),
    durationMs: 0,
    status: 'error',
    error: problemFromError('INTERNAL_ERROR', `Checking ${notice.id} failed unexpectedly; please report this`, error),
    previousSnapshot: null,
    currentSnapshot: null,
    rawSnapshot: null,
    metadataChanges: [],
    sections: [],
    report: null,
  };
}

export async function runDrift(
  notices: readonly NoticeConfig[],
  store: ObjectStore,
  options: DriftRunOptions,
): Promise<DriftRunSummary> {
  const now = options.now ?? (() => new Date());
  const run = { runId: options.runId, startedAt: options.startedAt.toISOString() };
  const cancel = new AbortController();
  const deps: CheckNoticeDeps = {
    store,
    fetchOptions: options.fetchOptions,
    suspectRunsToAccept: options.suspectRunsToAccept,
    acquire: options.acquire,
    now,
    signal: cancel.signal,
    // One read of each repository's publishing files per run, whatever the number of its notices.
    repositoryFiles: new RepositoryFiles(),
  };
  // Circuit breaker: with storage unreachable every check fails the same way after its retries;
  // stop starting new ones instead of spending the whole budget proving it again and again.
  let consecutiveStorageFailures = 0;
  let storageProblem: Problem | null = null;
  const startMs = now().getTime();
  const abandonAt =
    options.hardDeadline === undefined
      ? undefined
      : options.hardDeadline - closingReserveMs(startMs, options.hardDeadline);
  // Checks abandoned at the hard deadline stop fetching rather than finish unseen after the run returned.
  const cancelTimer =
    abandonAt === undefined ? undefined : setTimeout(() => cancel.abort(), Math.max(0, abandonAt - startMs));
  const pool = await runPool(notices, options.concurrency ?? 4, (notice) => checkNotice(notice, run, deps), {
    deadline: options.deadline,
    hardDeadline: abandonAt,
    now: () => now().getTime(),
    shouldStop: () => consecutiveStorageFailures >= STORAGE_FAILURES_TO_STOP,
    onThrow: (error, index) => internalErrorResult(notices[index], run.runId, now(), error),
    onDone: (result, done, total) => {
      if (result.error?.code === 'STORAGE_ERROR') {
        consecutiveStorageFailures += 1;
        storageProblem = result.error;
      } else {
        consecutiveStorageFailures = 0;
      }
      options.onProgress?.(result, done, total);
    },
  });
  clearTimeout(cancelTimer);
  if (pool.abandoned.length) cancel.abort();
  const results = pool.results.filter((result): result is NoticeCheckResult => result !== undefined);
  const problems: Problem[] = [];
  const finishedAt = now().toISOString();
  const stoppedForStorage = consecutiveStorageFailures >= STORAGE_FAILURES_TO_STOP && pool.notStarted.length > 0;
  const everyCheckFailedOnStorage =
    results.length > 0 && results.every((result) => result.error?.code === 'STORAGE_ERROR');
  if ((stoppedForStorage || everyCheckFailedOnStorage) && storageProblem) {
    const skipped = stoppedForStorage ? `; the run stopped before ${pool.notStarted.length} notice(s)` : '';
    problems.push({
      code: 'STORAGE_UNAVAILABLE',
      message: `Storage kept failing (${(storageProblem as Problem).message})${skipped}. The last good state is untouched; the next run checks again.`,
    });
  }
  if (pool.abandoned.length) {
    problems.push({
      code: 'RUN_DEADLINE',
      message: `${pool.abandoned.length} check(s) were still running at the run's hard deadline and were abandoned: ${pool.abandoned.map((index) => notices[index].id).join(', ')}.`,
    });
  }

  const clock = () => now().getTime();
  const latest = await byDeadline(
    recordLatestNotices(
      store,
      results.filter((result) => result.report !== null),
      finishedAt,
    ),
    options.hardDeadline,
    'update latest.json',
    clock,
  );
  if (!latest.ok) problems.push(latest.problem);

  // After the checks and before the summary, which lists the deliveries; bounded like the other closing writes.
  const alerts = await byDeadline(
    alertsAfterDrift(store, results, notices, options.notify, { runId: run.runId, now, deadline: abandonAt }).then(ok),
    abandonAt,
    'record and deliver its alerts',
    clock,
  );
  if (!alerts.ok) problems.push(alerts.problem);
  else problems.push(...alerts.value.problems);
  const notifications = alerts.ok ? alerts.value.notifications : undefined;

  const counts = { baseline: 0, unchanged: 0, changed: 0, error: 0 };
  for (const result of results) counts[result.status] += 1;
  const notReached = [...pool.notStarted, ...pool.abandoned].sort((a, b) => a - b).map((index) => notices[index].id);
  const abandoned = pool.abandoned.map((index) => notices[index].id);
  const summaryName = runSummaryName(run.startedAt, run.runId);
  const summary = {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt,
    trigger: options.trigger ?? 'manual',
    notices: results,
    notReached,
    abandoned,
    problems,
    counts,
    ...(notifications ? { notifications } : {}),
  };
  const written = await byDeadline(
    writeReport(store, summaryName, {
      schemaVersion: REPORT_SCHEMA_VERSION,
      kind: 'drift-run',
      ...summary,
      // The run summary lists outcomes; diffs live in the per-notice reports.
      notices: results.map(({ diff: _diff, wordChanges: _words, ...rest }) => rest),
    }),
    options.hardDeadline,
    'write the run summary',
    clock,
  );
  if (!written.ok) problems.push(written.problem);
  return { ...summary, summary: written.ok ? summaryName : null };
}
