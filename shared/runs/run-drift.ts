import { ok, type Problem, problemFromError } from '../common/result';
import type { NoticeConfig } from '../config/types';
import { type FetchOptions, RepositoryFiles } from '../notices';
import { alertsAfterDrift } from '../notify';
import { type NoticeCheckResult, recordLatestNotices, REPORT_SCHEMA_VERSION, writeReport } from '../reports';
import { driftRunSummaryName, type ObjectStore } from '../storage';
import { abandonTime, byDeadline } from './by-deadline';
import { checkNotice, type CheckNoticeDeps } from './check-notice';
import { runItems } from './run-items';
import { DEFAULT_TRIGGER, type RunOptions, type RunSummaryFields } from './run-options';

export interface DriftRunOptions extends RunOptions<NoticeCheckResult> {
  readonly fetchOptions?: FetchOptions;
  readonly suspectRunsToAccept?: number;
  readonly acquire?: CheckNoticeDeps['acquire'];
}

export interface DriftRunSummary extends RunSummaryFields {
  readonly notices: NoticeCheckResult[];
  readonly counts: Record<NoticeCheckResult['status'], number>;
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
    report: null,
  };
}

/** Checks notices (each writes its own evidence and report), folds them into latest.json and writes the run summary. */
export async function runDrift(
  store: ObjectStore,
  notices: readonly NoticeConfig[],
  options: DriftRunOptions,
): Promise<DriftRunSummary> {
  const now = options.now ?? (() => new Date());
  const run = { runId: options.runId, startedAt: options.startedAt.toISOString() };
  const abandonAt = abandonTime(now().getTime(), options.hardDeadline);
  // One read of each repository's publishing files per run, whatever the number of its notices.
  const repositoryFiles = new RepositoryFiles();
  // Circuit breaker: with storage unreachable every check fails the same way after its retries;
  // stop starting new ones instead of spending the whole budget proving it again and again.
  let consecutiveStorageFailures = 0;
  let storageProblem: Problem | null = null;
  const checked = await runItems(
    notices,
    (notice, signal) =>
      checkNotice(notice, run, {
        store,
        fetchOptions: options.fetchOptions,
        suspectRunsToAccept: options.suspectRunsToAccept,
        acquire: options.acquire,
        now,
        signal,
        repositoryFiles,
      }),
    options,
    {
      shouldStop: () => consecutiveStorageFailures >= STORAGE_FAILURES_TO_STOP,
      onThrow: (error, notice) => internalErrorResult(notice, run.runId, now(), error),
      onDone: (result, done, total) => {
        if (result.error?.code === 'STORAGE_ERROR') {
          consecutiveStorageFailures += 1;
          storageProblem = result.error;
        } else {
          consecutiveStorageFailures = 0;
        }
        options.onProgress?.(result, done, total);
      },
    },
  );
  const results = checked.results;
  const problems: Problem[] = [];
  const finishedAt = now().toISOString();
  const notStarted = checked.notReached.length - checked.abandoned.length;
  const stoppedForStorage = consecutiveStorageFailures >= STORAGE_FAILURES_TO_STOP && notStarted > 0;
  const everyCheckFailedOnStorage =
    results.length > 0 && results.every((result) => result.error?.code === 'STORAGE_ERROR');
  if ((stoppedForStorage || everyCheckFailedOnStorage) && storageProblem) {
    const skipped = stoppedForStorage ? `; the run stopped before ${notStarted} notice(s)` : '';
    problems.push({
      code: 'STORAGE_UNAVAILABLE',
      message: `Storage kept failing (${(storageProblem as Problem).message})${skipped}. The last good state is untouched; the next run checks again.`,
    });
  }
  problems.push(...checked.problems);

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
  const summaryName = driftRunSummaryName(run.startedAt, run.runId);
  const summary = {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt,
    trigger: options.trigger ?? DEFAULT_TRIGGER,
    notices: results,
    notReached: checked.notReached,
    abandoned: checked.abandoned,
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
      notices: results.map((result) => {
        if (result.status !== 'changed') return result;
        const { diff: _diff, wordChanges: _words, ...rest } = result;
        return rest;
      }),
    }),
    options.hardDeadline,
    'write the run summary',
    clock,
  );
  if (!written.ok) problems.push(written.problem);
  return { ...summary, summary: written.ok ? summaryName : null };
}
