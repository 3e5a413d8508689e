import { app, type InvocationContext, type Timer } from '@azure/functions';
import { DEFAULT_TLS_SCHEDULE } from '../shared/config';
import { newRunId, runTls } from '../shared/runs';
import { hostDeps, logProblems, type FunctionDeps } from './function-deps';

export function makeTlsTimerHandler(deps: FunctionDeps) {
  return async function tlsTimer(timer: Timer, context: InvocationContext): Promise<void> {
    if (timer.isPastDue) context.warn('tlsTimer is running late (past due); checking every endpoint now.');
    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) throw new Error(`[${watchlist.problem.code}] ${watchlist.problem.message}`);
    logProblems(context, 'watchlist', watchlist.value.problems);
    const store = await deps.getStore();
    if (!store.ok) throw new Error(`[${store.problem.code}] ${store.problem.message}`);
    const startedAt = deps.now();
    const summary = await runTls(store.value, {
      endpoints: watchlist.value.endpoints,
      runId: newRunId(startedAt),
      startedAt,
      deadline: startedAt.getTime() + deps.settings.runBudgetMs,
      concurrency: deps.settings.concurrency,
      // The watchlist is the operator's own configuration, not caller input: internal endpoints on it are checked.
      tls: { allowPrivate: true, timeoutMs: deps.settings.tlsTimeoutMs, ...deps.tls },
      trigger: 'timer',
      onProgress: (result, done, total) => context.log(`tls ${done}/${total} ${result.id} ${result.address ?? ''}: ${result.compliant ? 'compliant' : 'not compliant'}`),
    });
    const { counts, notReached, runId } = summary;
    context.log(`tls run ${runId}: ${counts.compliant} compliant, ${counts.nonCompliant} not compliant, ${counts.incomplete} incomplete, ${notReached.length} not reached`);
    logProblems(context, 'tls run', summary.problems);
    if (notReached.length) context.warn(`tls run ${runId} stopped at its deadline before: ${notReached.join(', ')}`);
  };
}

export const tlsTimerHandler = makeTlsTimerHandler(hostDeps());

app.timer('tlsTimer', { schedule: process.env.TLS_SCHEDULE || DEFAULT_TLS_SCHEDULE, handler: tlsTimerHandler });
