import type { InvocationContext, Timer } from '@azure/functions';

import { redactSecrets } from '../shared/common/redact';
import type { Result } from '../shared/common/result';
import type { Watchlist } from '../shared/config';
import { claimSlot, finishSlot, scheduleSlot } from '../shared/runs';
import type { ObjectStore } from '../shared/storage';
import { type FunctionDeps, logProblems } from './function-deps';

/** After a run's budget, its grace and a margin, an unfinished claim can only belong to a dead run. */
const STALE_MARGIN_MS = 120_000;

/** A timer has no caller to answer: a problem fails the invocation, where the host records it. */
function orThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(redactSecrets(`[${result.problem.code}] ${result.problem.message}`));
  return result.value;
}

/**
 * Loads the watchlist, then runs `work` once per schedule slot, whether the timer fires late (isPastDue) or twice for the
 * same slot; the run id is derived from the slot, so a taken-over run repeats nothing.
 */
// eslint-disable-next-line @typescript-eslint/max-params -- to become one options object with the run-model refactor (issue 9)
export async function runOncePerSlot(
  deps: FunctionDeps,
  context: InvocationContext,
  timer: Timer,
  kind: 'drift' | 'tls',
  schedule: string,
  work: (store: ObjectStore, watchlist: Watchlist, runId: string, startedAt: Date) => Promise<void>,
): Promise<void> {
  if (timer.isPastDue) context.warn(`${kind} timer is running late (past due); running the current slot now.`);
  const watchlist = orThrow(await deps.getWatchlist());
  logProblems(context, 'watchlist', watchlist.problems);
  const store = orThrow(await deps.getStore());
  const now = deps.now();
  const slot = orThrow(scheduleSlot(schedule, now, process.env.WEBSITE_TIME_ZONE || 'UTC'));
  const claim = orThrow(await claimSlot(store, kind, slot, now, deps.settings.runBudgetMs + STALE_MARGIN_MS));
  if (claim.kind !== 'claimed') {
    context.log(
      `${kind} slot ${slot.toISOString()} already ${claim.kind === 'finished' ? 'ran' : 'is running'} as ${claim.claim.runId}; nothing to do.`,
    );
    return;
  }
  await work(store, watchlist, claim.runId, now);
  const finished = await finishSlot(store, kind, slot, claim, deps.now());
  if (!finished.ok)
    context.warn(
      redactSecrets(`${kind} slot ${slot.toISOString()}: [${finished.problem.code}] ${finished.problem.message}`),
    );
}
