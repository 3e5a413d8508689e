import { fail, ok, type Problem, type Result } from '../common/result';
import type { Watchlist } from '../config';
import type { ObjectStore } from '../storage';
import { type DriftRunOptions, type DriftRunSummary, runDrift } from './run-drift';

export interface DriftRequest extends DriftRunOptions {
  readonly watchlist: Watchlist;
  /** Restrict the run to these notice ids; empty or absent means every notice. */
  readonly noticeIds?: readonly string[];
}

export interface DriftOutcome extends DriftRunSummary {
  /** Watchlist entries that were rejected and so not checked. */
  readonly watchlistProblems: Problem[];
}

/** The one entry point the timer, the HTTP function and the CLI share for a drift run. */
export async function runDriftRequest(store: ObjectStore, request: DriftRequest): Promise<Result<DriftOutcome>> {
  const wanted = request.noticeIds?.length ? new Set(request.noticeIds) : null;
  if (wanted) {
    const known = new Set(request.watchlist.notices.map((notice) => notice.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length)
      return fail(
        'NOTICE_NOT_FOUND',
        `No valid notice with id ${unknown.map((id) => JSON.stringify(id.slice(0, 80))).join(', ')} on the watchlist.`,
      );
  }
  const notices = wanted
    ? request.watchlist.notices.filter((notice) => wanted.has(notice.id))
    : request.watchlist.notices;
  const summary = await runDrift(store, notices, request);
  return ok({ ...summary, watchlistProblems: request.watchlist.problems });
}

/** Exit status contract shared by the CLI and scripts: 2 could not complete, 1 drift found, 0 all quiet. */
export function driftExitCode(outcome: DriftOutcome): 0 | 1 | 2 {
  if (
    outcome.counts.error > 0 ||
    outcome.notReached.length > 0 ||
    outcome.problems.length > 0 ||
    outcome.watchlistProblems.length > 0
  )
    return 2;
  return outcome.counts.changed > 0 ? 1 : 0;
}
