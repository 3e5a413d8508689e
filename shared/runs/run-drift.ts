import type { NoticeConfig } from '../config/types';
import type { Problem } from '../common/result';
import type { FetchOptions } from '../notices';
import { recordLatestNotices, runSummaryName, writeReport, REPORT_SCHEMA_VERSION, type NoticeCheckResult } from '../reports';
import type { ObjectStore } from '../storage';
import { checkNotice, type CheckNoticeDeps } from './check-notice';
import { runPool } from './run-pool';

export interface DriftRunOptions {
  readonly runId: string;
  readonly startedAt: Date;
  /** Epoch ms after which no new notice is started; in-flight ones finish (each is bounded by fetch timeouts). */
  readonly deadline?: number;
  readonly concurrency?: number;
  readonly fetchOptions?: FetchOptions;
  readonly suspectRunsToAccept?: number;
  readonly trigger?: string;
  readonly onProgress?: (result: NoticeCheckResult, done: number, total: number) => void;
  readonly acquire?: CheckNoticeDeps['acquire'];
  readonly now?: () => Date;
}

export interface DriftRunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly trigger: string;
  readonly notices: NoticeCheckResult[];
  /** Ids the run did not reach before its deadline. */
  readonly notReached: string[];
  /** Problems of the run itself (latest.json or summary not written). */
  readonly problems: Problem[];
  readonly counts: Record<NoticeCheckResult['status'], number>;
  /** Blob name of the run summary in the reports container, or null if it could not be written. */
  readonly summary: string | null;
}

export async function runDrift(notices: readonly NoticeConfig[], store: ObjectStore, options: DriftRunOptions): Promise<DriftRunSummary> {
  const now = options.now ?? (() => new Date());
  const run = { runId: options.runId, startedAt: options.startedAt.toISOString() };
  const deps: CheckNoticeDeps = { store, fetchOptions: options.fetchOptions, suspectRunsToAccept: options.suspectRunsToAccept, acquire: options.acquire, now };
  const pool = await runPool(notices, options.concurrency ?? 4, (notice) => checkNotice(notice, run, deps), {
    deadline: options.deadline,
    now: () => now().getTime(),
    onDone: options.onProgress,
  });
  const results = pool.results.filter((result): result is NoticeCheckResult => result !== undefined);
  const problems: Problem[] = [];
  const finishedAt = now().toISOString();

  const latest = await recordLatestNotices(store, results.filter((result) => result.report !== null), finishedAt);
  if (!latest.ok) problems.push(latest.problem);

  const counts = { baseline: 0, unchanged: 0, changed: 0, error: 0 };
  for (const result of results) counts[result.status] += 1;
  const notReached = pool.notStarted.map((index) => notices[index].id);
  const summaryName = runSummaryName(run.startedAt, run.runId);
  const summary = {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt,
    trigger: options.trigger ?? 'manual',
    notices: results,
    notReached,
    problems,
    counts,
  };
  const written = await writeReport(store, summaryName, {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'drift-run',
    ...summary,
    // The run summary lists outcomes; diffs live in the per-notice reports.
    notices: results.map(({ diff: _diff, wordChanges: _words, ...rest }) => rest),
  });
  if (!written.ok) problems.push(written.problem);
  return { ...summary, summary: written.ok ? summaryName : null };
}
