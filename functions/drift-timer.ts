import { app, type InvocationContext, type Timer } from '@azure/functions';

import { driftRunOptions, runDriftRequest } from '../shared/runs';
import {
  type FunctionDeps,
  hostDeps,
  logDriftProgress,
  logNotifications,
  logProblems,
  runNotifyOptions,
} from './function-deps';
import { runTimerSlot } from './timer-slot';

export function makeDriftTimerHandler(deps: FunctionDeps) {
  return async function driftTimer(timer: Timer, context: InvocationContext): Promise<void> {
    await runTimerSlot(deps, context, timer, 'drift', async (store, watchlist, runId, startedAt) => {
      const outcome = await runDriftRequest(store, {
        watchlist,
        ...driftRunOptions({
          settings: deps.settings,
          trigger: 'timer',
          runId,
          startedAt,
          now: deps.now,
          onProgress: logDriftProgress(context),
        }),
        notify: runNotifyOptions(deps, watchlist),
      });
      if (!outcome.ok) throw new Error(`[${outcome.problem.code}] ${outcome.problem.message}`);
      const { counts, notReached } = outcome.value;
      context.log(
        `drift run ${runId}: ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.baseline} baseline, ${counts.error} error, ${notReached.length} not reached`,
      );
      logNotifications(context, 'drift run', outcome.value.notifications);
      logProblems(context, 'drift run', outcome.value.problems);
      if (notReached.length) context.warn(`drift run ${runId} did not complete: ${notReached.join(', ')}`);
    });
  };
}

const deps = hostDeps();
export const driftTimerHandler = makeDriftTimerHandler(deps);

app.timer('driftTimer', { schedule: deps.settings.driftSchedule, handler: driftTimerHandler });
