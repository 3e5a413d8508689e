import type { InvocationContext, Timer } from '@azure/functions';

import { redactSecrets } from '../shared/common/redact';
import type { Result } from '../shared/common/result';
import type { Watchlist } from '../shared/config';
import { runOncePerSlot } from '../shared/runs';
import type { ObjectStore } from '../shared/storage';
import { type FunctionDeps, logProblems } from './function-deps';

/** A timer has no caller to answer: a problem fails the invocation, where the host records it. */
function orThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(redactSecrets(`[${result.problem.code}] ${result.problem.message}`));
  return result.value;
}

/** A timer trigger: loads the watchlist and the store, then runs `work` once per slot of the kind's schedule (shared/runs). */
export async function runTimerSlot(
  deps: FunctionDeps,
  context: InvocationContext,
  timer: Timer,
  kind: 'drift' | 'tls',
  work: (store: ObjectStore, watchlist: Watchlist, runId: string, startedAt: Date) => Promise<void>,
): Promise<void> {
  if (timer.isPastDue) context.warn(`${kind} timer is running late (past due); running the current slot now.`);
  const watchlist = orThrow(await deps.getWatchlist());
  logProblems(context, 'watchlist', watchlist.problems);
  const store = orThrow(await deps.getStore());
  const { settings } = deps;
  const schedule = kind === 'drift' ? settings.driftSchedule : settings.tlsSchedule;
  const outcome = orThrow(
    await runOncePerSlot(
      { store, kind, schedule, timeZone: settings.timeZone, runBudgetMs: settings.runBudgetMs, now: deps.now },
      (runId, startedAt) => work(store, watchlist, runId, startedAt),
    ),
  );
  const slot = outcome.slot.toISOString();
  if (outcome.kind === 'skipped') {
    context.log(
      `${kind} slot ${slot} already ${outcome.because === 'finished' ? 'ran' : 'is running'} as ${outcome.claim.runId}; nothing to do.`,
    );
    return;
  }
  logProblems(context, `${kind} slot ${slot}`, outcome.problems);
}
