import { app, type InvocationContext, type Timer } from '@azure/functions';

import { runTls, tlsRunOptions } from '../shared/runs';
import {
  type FunctionDeps,
  hostDeps,
  logNotifications,
  logProblems,
  logTlsProgress,
  runNotifyOptions,
} from './function-deps';
import { runTimerSlot } from './timer-slot';

export function makeTlsTimerHandler(deps: FunctionDeps) {
  return async function tlsTimer(timer: Timer, context: InvocationContext): Promise<void> {
    await runTimerSlot(deps, context, timer, 'tls', async (store, watchlist, runId, startedAt) => {
      // The watchlist is the operator's own configuration, not caller input: internal endpoints on it are checked.
      const summary = await runTls(store, watchlist.endpoints, {
        ...tlsRunOptions(
          {
            settings: deps.settings,
            trigger: 'timer',
            runId,
            startedAt,
            now: deps.now,
            onProgress: logTlsProgress(context),
          },
          { allowPrivate: true, opaqueErrors: false },
          deps.tls,
        ),
        notify: runNotifyOptions(deps, watchlist),
      });
      const { counts, notReached } = summary;
      context.log(
        `tls run ${runId}: ${counts.compliant} compliant, ${counts.nonCompliant} not compliant, ${counts.incomplete} incomplete, ${notReached.length} not reached`,
      );
      logNotifications(context, 'tls run', summary.notifications);
      logProblems(context, 'tls run', summary.problems);
      if (notReached.length) context.warn(`tls run ${runId} stopped at its deadline before: ${notReached.join(', ')}`);
    });
  };
}

const deps = hostDeps();
export const tlsTimerHandler = makeTlsTimerHandler(deps);

app.timer('tlsTimer', { schedule: deps.settings.tlsSchedule, handler: tlsTimerHandler });
