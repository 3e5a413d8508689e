import { app, type InvocationContext, type Timer } from '@azure/functions';

import { runDriftRequest } from '../shared/runs';
import {
  driftRunOptions,
  type FunctionDeps,
  hostDeps,
  logNotifications,
  logProblems,
  runNotifyOptions,
} from './function-deps';
import { runOncePerSlot } from './timer-slot';

export function makeDriftTimerHandler(deps: FunctionDeps) {
  return async function driftTimer(timer: Timer, context: InvocationContext): Promise<void> {
    await runOncePerSlot(
      deps,
      context,
      timer,
      'drift',
      deps.settings.driftSchedule,
      async (store, watchlist, runId, startedAt) => {
        const outcome = await runDriftRequest(store, {
          watchlist,
          ...driftRunOptions(deps, context, 'timer', runId, startedAt),
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
      },
    );
  };
}

const deps = hostDeps();
export const driftTimerHandler = makeDriftTimerHandler(deps);

app.timer('driftTimer', { schedule: deps.settings.driftSchedule, handler: driftTimerHandler });
