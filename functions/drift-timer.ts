import { app, type InvocationContext, type Timer } from '@azure/functions';
import { newRunId, runDriftRequest } from '../shared/runs';
import { DEFAULT_DRIFT_SCHEDULE } from '../shared/config';
import { hostDeps, logProblems, type FunctionDeps } from './function-deps';

export function makeDriftTimerHandler(deps: FunctionDeps) {
  return async function driftTimer(timer: Timer, context: InvocationContext): Promise<void> {
    if (timer.isPastDue) context.warn('driftTimer is running late (past due); checking the whole watchlist now.');
    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) throw new Error(`[${watchlist.problem.code}] ${watchlist.problem.message}`);
    logProblems(context, 'watchlist', watchlist.value.problems);
    const store = await deps.getStore();
    if (!store.ok) throw new Error(`[${store.problem.code}] ${store.problem.message}`);
    const startedAt = deps.now();
    const outcome = await runDriftRequest(store.value, {
      watchlist: watchlist.value,
      runId: newRunId(startedAt),
      startedAt,
      deadline: startedAt.getTime() + deps.settings.runBudgetMs,
      concurrency: deps.settings.concurrency,
      fetchOptions: { timeoutMs: deps.settings.fetchTimeoutMs },
      trigger: 'timer',
      onProgress: (result, done, total) => context.log(`drift ${done}/${total} ${result.id}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}`),
    });
    if (!outcome.ok) throw new Error(`[${outcome.problem.code}] ${outcome.problem.message}`);
    const { counts, notReached, runId } = outcome.value;
    context.log(`drift run ${runId}: ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.baseline} baseline, ${counts.error} error, ${notReached.length} not reached`);
    logProblems(context, 'drift run', outcome.value.problems);
    if (notReached.length) context.warn(`drift run ${runId} stopped at its deadline before: ${notReached.join(', ')}`);
  };
}

export const driftTimerHandler = makeDriftTimerHandler(hostDeps());

app.timer('driftTimer', { schedule: process.env.DRIFT_SCHEDULE || DEFAULT_DRIFT_SCHEDULE, handler: driftTimerHandler });
